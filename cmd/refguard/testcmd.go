package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
)

func newTestCommand() *cobra.Command {
	var policyDir string
	var verbose, fill bool
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
				if fill && o.Passed() && fixture.Fill(&cases[i].Expected, o.Report) {
					if err := writeExpected(&cases[i]); err != nil {
						return err
					}
					fmt.Fprintf(out, "FILLED %s\n", cases[i].Name)
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
	cmd.Flags().BoolVar(&fill, "fill", false, "write into each passing case's expected.yaml the line, message and fix of every expected finding that leaves them open (review the change before committing it)")
	return cmd
}

// writeExpected rewrites a case's expected.yaml from its Expected.
func writeExpected(c *fixture.Case) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c.Expected); err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	raw := buf.Bytes()
	path := filepath.Join(c.Dir, fixture.ExpectedFile)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
