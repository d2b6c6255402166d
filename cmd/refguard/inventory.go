package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
)

func newInventoryCommand() *cobra.Command {
	var out, profile string
	var lookupFlags []string
	cmd := &cobra.Command{
		Use:   "inventory PATH...",
		Short: "Write the objects backendRefs resolve against (Services, ServiceImports, ReferenceGrants, BackendTLSPolicies, ConfigMaps, Backends, ServiceEntries, declared lookups) as a data file for conftest --data (Gatekeeper's data.inventory shape)",
		Long: `Reads manifests or cluster dumps (kubectl get svc,serviceimports,referencegrants,backendtlspolicies,configmaps -A -o yaml;
add serviceentries.networking.istio.io for Istio's Hostname backends, httproutes.gateway.networking.k8s.io
with --profile kgateway for the routes a route delegates to)
and writes {"inventory": {"namespace": {ns: {apiVersion: {Kind: {name: object}}}}}}, the shape Gatekeeper
syncs. Give it to conftest with --data so routes resolve against cluster objects:
  refguard inventory cluster.yaml -o inventory.json
  conftest test --combine --policy policy --data inventory.json routes/`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			table, err := inventoryTable(cmd, profile, lookupFlags)
			if err != nil {
				return err
			}
			loaded, err := manifest.Load(args, cmd.InOrStdin())
			if err != nil {
				return err
			}
			for _, n := range loaded.Notes {
				fmt.Fprintf(cmd.ErrOrStderr(), "refguard: note: %s\n", n)
			}
			data, err := json.MarshalIndent(inventory.GatekeeperShape(table, loaded.Objects), "", "  ")
			if err != nil {
				return fmt.Errorf("render inventory: %w", err)
			}
			data = append(data, '\n')
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(data)
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().StringVar(&profile, "profile", "", "also write the objects the profile reads beside refguard's own (kgateway: the HTTPRoutes a route delegates to); default the config file's profile")
	cmd.Flags().StringArrayVar(&lookupFlags, "backend-lookup", nil, `also write the objects of a backend kind declared as check's --backend-lookup; repeatable (the config file's backendLookups are read too)`)
	return cmd
}

// inventoryTable is the policy's collections with the profile's own
// (the flag's, else the config file's) and the declared lookups (the
// config file's, then the flags').
func inventoryTable(cmd *cobra.Command, profile string, lookupFlags []string) (inventory.Table, error) {
	set, err := policyset.Embedded()
	if err != nil {
		return inventory.Table{}, err
	}
	checker, err := check.NewChecker(cmd.Context(), set)
	if err != nil {
		return inventory.Table{}, err
	}
	var decls []check.BackendLookup
	path, err := findConfig("", ".")
	if err != nil {
		return inventory.Table{}, err
	}
	if path != "" {
		cfg, err := readConfig(path)
		if err != nil {
			return inventory.Table{}, err
		}
		decls = append(decls, cfg.BackendLookups...)
		if profile == "" {
			profile = cfg.Profile
		}
	}
	if profile != "" {
		if err := checkProfile(checker, profile); err != nil {
			return inventory.Table{}, err
		}
	}
	for _, f := range lookupFlags {
		l, err := check.ParseBackendLookup(f)
		if err != nil {
			return inventory.Table{}, err
		}
		decls = append(decls, l)
	}
	lookups, err := check.BackendLookups(decls, checker.Collections(nil).Names())
	if err != nil {
		return inventory.Table{}, err
	}
	return checker.Collections(map[string]any{"profile": profile, "backend_lookups": lookups}), nil
}
