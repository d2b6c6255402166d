package main

import (
	"fmt"
	"io/fs"
	"os"

	opa "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/spf13/cobra"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/oci"
	"github.com/refguard/refguard/harness/opabundle"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/policy"
)

func newBundleCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "bundle", Short: "Build, verify and push the OPA bundle of the policy"}
	cmd.AddCommand(newBundleBuildCommand(), newBundleVerifyCommand(), newBundlePushCommand())
	return cmd
}

func newBundleBuildCommand() *cobra.Command {
	var out, policyDir string
	var opts opabundle.BuildOptions
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Build the OPA bundle (tests excluded), signed when a key is given; prints its sha256",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var fsys fs.FS = policy.FS
			if policyDir != "" {
				fsys = os.DirFS(policyDir)
			}
			data, err := opabundle.Build(fsys, opts)
			if err != nil {
				return err
			}
			if err := os.WriteFile(out, data, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", out, err)
			}
			signed := "unsigned"
			if opts.SigningKey != "" {
				signed = "signed"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %s (%s, revision %s)\n", opabundle.SHA256(data), out, signed, opts.Revision)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&out, "output", "o", "bundle.tar.gz", "bundle file to write")
	f.StringVar(&opts.Revision, "revision", refguard.Version(), "bundle revision (default: the release version)")
	f.StringVar(&opts.SigningKey, "signing-key", "", "PEM private key (or file) to sign with")
	f.StringVar(&opts.SigningAlg, "signing-alg", opabundle.DefaultAlgorithm, "signing algorithm (RS256 builds are byte-reproducible)")
	f.StringVar(&opts.KeyID, "key-id", opabundle.DefaultKeyID, "key id recorded in the signature")
	f.StringVar(&opts.ClaimsFile, "claims-file", "", "JSON file with extra claims (e.g. scope)")
	f.StringVar(&policyDir, "policy", "", "bundle the Rego policy in this directory instead of the embedded one")
	return cmd
}

func newBundleVerifyCommand() *cobra.Command {
	var opts opabundle.VerifyOptions
	cmd := &cobra.Command{
		Use:   "verify --verification-key PEM FILE",
		Short: "Exit 0 only for a correctly signed bundle; say why otherwise (exit 2)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.VerificationKey == "" {
				return fmt.Errorf("--verification-key is required")
			}
			b, err := readVerifiedBundle(args[0], opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: signature OK (revision %s, %d modules)\n", args[0], b.Manifest.Revision, len(b.Modules))
			return nil
		},
	}
	addVerifyFlags(cmd, &opts)
	return cmd
}

func addVerifyFlags(cmd *cobra.Command, opts *opabundle.VerifyOptions) {
	f := cmd.Flags()
	f.StringVar(&opts.VerificationKey, "verification-key", "", "PEM public key (or file) to verify with")
	f.StringVar(&opts.Algorithm, "verification-alg", opabundle.DefaultAlgorithm, "signature algorithm")
	f.StringVar(&opts.KeyID, "key-id", opabundle.DefaultKeyID, "key id the signature must name")
	f.StringVar(&opts.Scope, "scope", "", "scope the signature must carry")
}

func readVerifiedBundle(file string, opts opabundle.VerifyOptions) (*opaBundle, error) {
	data, err := opabundle.ReadLimited(file, opabundle.MaxBundleBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: refused: %w", file, err)
	}
	b, err := opabundle.Verify(data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: refused: %w", file, err)
	}
	return b, nil
}

// policyFromBundle compiles the modules of a verified bundle.
func policyFromBundle(file string, opts opabundle.VerifyOptions) (*policyset.Set, error) {
	b, err := readVerifiedBundle(file, opts)
	if err != nil {
		return nil, err
	}
	set, err := policyset.Compiled(opabundle.Modules(b), b.Manifest.Revision)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return set, nil
}

type opaBundle = opa.Bundle

func newBundlePushCommand() *cobra.Command {
	var format, bundleFile, policyDir string
	var push oci.PushOptions
	var build opabundle.BuildOptions
	cmd := &cobra.Command{
		Use:   "push oci://REGISTRY/REPO:TAG",
		Short: "Push to an OCI registry: the OPA layout (one tar+gzip layer) or --format conftest (one layer per .rego)",
		Long: `Push the policy to an OCI registry, with credentials from the Docker config
(docker login / ~/.docker/config.json).
  --format opa (default): one application/vnd.oci.image.layer.v1.tar+gzip layer holding the
    bundle (--bundle FILE, or built now with the signing flags), for OPA's "type: oci" services.
  --format conftest: one layer per .rego file, for conftest pull.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var fsys fs.FS = policy.FS
			if policyDir != "" {
				fsys = os.DirFS(policyDir)
			}
			ctx := cmd.Context()
			switch format {
			case "opa":
				var data []byte
				var err error
				if bundleFile != "" {
					data, err = opabundle.ReadLimited(bundleFile, opabundle.MaxBundleBytes)
				} else {
					data, err = opabundle.Build(fsys, build)
				}
				if err != nil {
					return err
				}
				desc, err := oci.PushOPA(ctx, args[0], data, push)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pushed %s (%s, bundle sha256 %s)\n", args[0], desc.Digest, opabundle.SHA256(data))
			case "conftest":
				modules, err := engine.Modules(fsys)
				if err != nil {
					return err
				}
				desc, err := oci.PushConftest(ctx, args[0], modules, push)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "pushed %s (%s, %d modules)\n", args[0], desc.Digest, len(modules))
			default:
				return fmt.Errorf("--format %q: want opa or conftest", format)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "opa", "opa or conftest")
	f.StringVar(&bundleFile, "bundle", "", "push this built bundle (opa format) instead of building one")
	f.BoolVar(&push.PlainHTTP, "plain-http", false, "use HTTP instead of HTTPS (a local registry)")
	f.StringVar(&build.Revision, "revision", refguard.Version(), "bundle revision when building")
	f.StringVar(&build.SigningKey, "signing-key", "", "PEM private key (or file) to sign with when building")
	f.StringVar(&build.SigningAlg, "signing-alg", opabundle.DefaultAlgorithm, "signing algorithm when building")
	f.StringVar(&build.KeyID, "key-id", opabundle.DefaultKeyID, "key id when building")
	f.StringVar(&policyDir, "policy", "", "use the Rego policy in this directory instead of the embedded one")
	return cmd
}
