package main

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
)

func newTestCommand() *cobra.Command {
	var policyDir string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run fixture cases (directories holding expected.yaml) and report pass/fail per case",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"fixtures"}
			}
			cases, err := fixture.Discover(args...)
			if err != nil {
				return err
			}
			if len(cases) == 0 {
				return fmt.Errorf("no fixture cases (directories with %s) under %v", fixture.ExpectedFile, args)
			}
			set, err := loadPolicy(policyDir)
			if err != nil {
				return err
			}
			checker, err := check.NewChecker(cmd.Context(), set)
			if err != nil {
				return err
			}
			// Buffered and flushed per case, so results stream and a failed
			// write (a full disk, a closed pipe) ends the run with its error.
			out := bufio.NewWriter(cmd.OutOrStdout())
			failed := 0
			for i := range cases {
				o, err := fixture.Run(cmd.Context(), checker, &cases[i])
				if err != nil {
					return err
				}
				switch {
				case !o.Passed():
					failed++
					fmt.Fprintf(out, "FAIL %s\n", cases[i].Name)
					for _, p := range o.Problems {
						fmt.Fprintf(out, "     %s\n", p)
					}
				case verbose:
					fmt.Fprintf(out, "PASS %s\n", cases[i].Name)
				}
				if err := out.Flush(); err != nil {
					return fmt.Errorf("write the results: %w", err)
				}
			}
			fmt.Fprintf(out, "%d passed, %d failed\n", len(cases)-failed, failed)
			if err := out.Flush(); err != nil {
				return fmt.Errorf("write the results: %w", err)
			}
			if failed > 0 {
				return &failedError{reason: fmt.Sprintf("%d fixture cases failed", failed)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&policyDir, "policy", "", "evaluate the Rego policy in this directory instead of the embedded one")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing cases too")
	return cmd
}
