package main

import (
	"io"

	"github.com/spf13/cobra"
)

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "refguard",
		Short:         "Catch Gateway API backendRefs that will not resolve, before they reach a cluster",
		SilenceUsage:  true,
		SilenceErrors: true,
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
	)
	return root
}
