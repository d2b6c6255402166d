package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gatekeeper"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/rulemeta"
)

// gatekeeperFiles generates the Gatekeeper folder from a policy set; the
// gator suites come from the fixtures below fixturesDir ("" for none).
func gatekeeperFiles(ctx context.Context, set *policyset.Set, fixturesDir, templatesFromVerify, aggregateFromVerify string) (deploy, aggregate, verify map[string][]byte, err error) {
	rules, err := rulemeta.Read(set.Modules)
	if err != nil {
		return nil, nil, nil, err
	}
	var samples []gatekeeper.SampleCase
	if fixturesDir != "" {
		cases, err := fixture.Discover(fixturesDir)
		if err != nil {
			return nil, nil, nil, err
		}
		if samples, err = gatekeeper.SamplesFromFixtures(cases); err != nil {
			return nil, nil, nil, err
		}
	}
	compiler, err := set.Compiler()
	if err != nil {
		return nil, nil, nil, err
	}
	g := &gatekeeper.Gatekeeper{Modules: set.Modules, Compiler: compiler, Rules: rules, Version: refguard.Version(), Samples: samples, TemplatesFromVerify: templatesFromVerify, AggregateFromVerify: aggregateFromVerify}
	return g.Files(ctx)
}

func newGatekeeperCommand() *cobra.Command {
	var out, aggregateOut, verifyOut, fixtures, policyDir string
	cmd := &cobra.Command{
		Use:   "gatekeeper --out DIR",
		Short: "Write ConstraintTemplates, Constraints, SyncSet/Config and kustomization for Gatekeeper, generated from the policy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out DIR is required")
			}
			set, err := loadPolicy(policyDir)
			if err != nil {
				return err
			}
			if (fixtures == "") != (verifyOut == "") {
				return fmt.Errorf("--fixtures and --verify-out go together")
			}
			rel, aggregateRel := "", "../gatekeeper-aggregate"
			if verifyOut != "" {
				if rel, err = filepath.Rel(verifyOut, out); err != nil {
					return err
				}
				if aggregateOut != "" {
					if aggregateRel, err = filepath.Rel(verifyOut, aggregateOut); err != nil {
						return err
					}
				}
			}
			deploy, aggregate, verify, err := gatekeeperFiles(cmd.Context(), set, fixtures, filepath.ToSlash(rel), filepath.ToSlash(aggregateRel))
			if err != nil {
				return err
			}
			if err := writeTree(cmd, out, deploy); err != nil {
				return err
			}
			if aggregateOut != "" {
				if err := writeTree(cmd, aggregateOut, aggregate); err != nil {
					return err
				}
			}
			if verifyOut != "" {
				return writeTree(cmd, verifyOut, verify)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (one template per rule)")
	cmd.Flags().StringVar(&aggregateOut, "aggregate-out", "", "also write the one-template alternative (all rules, one context per review) here")
	cmd.Flags().StringVar(&fixtures, "fixtures", "", "also write gator verify suites generated from these fixture cases (with --verify-out)")
	cmd.Flags().StringVar(&verifyOut, "verify-out", "", "directory for the gator verify suites and samples")
	cmd.Flags().StringVar(&policyDir, "policy", "", "use the Rego policy in this directory instead of the embedded one")
	return cmd
}

func writeTree(cmd *cobra.Command, dir string, files map[string][]byte) error {
	paths := slices.Sorted(maps.Keys(files))
	for _, p := range paths {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %d files to %s\n", len(paths), dir)
	return nil
}
