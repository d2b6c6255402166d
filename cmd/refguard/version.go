package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/policyset"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the release version (also the embedded policy's bundle revision)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), policyset.Version)
			return err
		},
	}
}
