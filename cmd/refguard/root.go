package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// invokedAs is the name the binary was started under: installed as
// kubectl-refguard on the PATH, kubectl runs it as the plugin
// "kubectl refguard", and the help text should say so.
var invokedAs = filepath.Base(os.Args[0])

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "refguard",
		Short:         "Catch Gateway API backendRefs that will not resolve, before they reach a cluster",
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	if strings.HasPrefix(invokedAs, "kubectl-refguard") {
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl refguard"}
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		newCheckCommand(),
		newFixCommand(),
		newRulesCommand(),
		newExplainCommand(),
		newTestCommand(),
		newGenCommand(),
		newInventoryCommand(),
		newGatekeeperCommand(),
		newBundleCommand(),
		newVersionCommand(),
		newServeCommand(),
	)
	return root
}
