package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fix"
	"github.com/refguard/refguard/harness/manifest"
)

func newFixCommand() *cobra.Command {
	var write, explicit bool
	var format, profile string
	var inventoryPaths []string
	cmd := &cobra.Command{
		Use:   "fix PATH...",
		Short: "Repair broken backendRefs: print a unified diff, or apply it with --write",
		Long: `Apply the repairs the rules propose, only where they are unambiguous: the closest
existing Service name, the Service port instead of the target port (or the only port),
kind: Service / group: "" spelled right, the near-miss ReferenceGrant field, or a new
ReferenceGrant in the target namespace scoped to the one Service (appended to the file
that holds the route). Everything else in the files stays byte for byte. Exit 1 when
errors remain that no repair covers (listed on stderr), 2 when the run fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "-" {
					return fmt.Errorf("fix needs files or directories, not stdin")
				}
			}
			if format != "diff" && format != "json" {
				return fmt.Errorf("--format %q: want diff or json", format)
			}
			loaded, err := manifest.Load(args, nil)
			if err != nil {
				return err
			}
			var lookup []manifest.Object
			if len(inventoryPaths) > 0 {
				inv, err := manifest.Load(inventoryPaths, nil)
				if err != nil {
					return err
				}
				lookup = inv.Objects
			}
			set, err := loadPolicy("")
			if err != nil {
				return err
			}
			checker, err := check.NewChecker(cmd.Context(), set)
			if err != nil {
				return err
			}
			if err := checkProfile(checker, profile); err != nil {
				return err
			}
			severity := map[string]any{}
			if explicit {
				severity["RG401"] = "info"
			}
			rep, err := checker.Check(cmd.Context(), loaded, lookup, map[string]any{"profile": profile, "severity": severity})
			if err != nil {
				return err
			}
			files := map[string][]byte{}
			for _, name := range loaded.Files {
				if files[name], err = os.ReadFile(name); err != nil {
					return err
				}
			}
			plan, err := fix.Build(rep, files)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if format == "json" {
				type skipped struct {
					Rule   string `json:"rule"`
					File   string `json:"file"`
					Line   int    `json:"line"`
					Field  string `json:"field"`
					Reason string `json:"reason"`
				}
				doc := struct {
					Changes []fix.Change `json:"changes"`
					Skipped []skipped    `json:"skipped"`
					Written bool         `json:"written"`
				}{Changes: plan.Changes, Skipped: []skipped{}, Written: write}
				if doc.Changes == nil {
					doc.Changes = []fix.Change{}
				}
				for _, s := range plan.Skipped {
					doc.Skipped = append(doc.Skipped, skipped{s.Finding.Rule, s.Finding.File, s.Finding.Line, s.Finding.Field, s.Reason})
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(doc); err != nil {
					return err
				}
			} else {
				diff, err := plan.Diff()
				if err != nil {
					return err
				}
				if _, err := io.WriteString(out, diff); err != nil {
					return fmt.Errorf("write the diff: %w", err)
				}
			}
			if write {
				if err := plan.Write(); err != nil {
					return err
				}
			}
			for _, s := range plan.Skipped {
				fmt.Fprintf(cmd.ErrOrStderr(), "refguard: not fixed: %s:%d: %s %s: %s\n", s.Finding.File, s.Finding.Line, s.Finding.Rule, s.Finding.Field, s.Reason)
			}
			verb := "would change"
			if write {
				verb = "changed"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "refguard: %s %d files (%d edits); %d errors left for you\n", verb, len(plan.Files), len(plan.Changes), len(plan.Skipped))
			if len(plan.Skipped) > 0 {
				return &failedError{reason: "errors remain that no repair covers"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&write, "write", false, "apply the repairs in place")
	f.BoolVar(&explicit, "explicit", false, `also write group: "" and kind: Service where a backendRef leaves them implicit`)
	f.StringVar(&format, "format", "diff", "diff or json (the edits: file, line, old, new, rule)")
	f.StringVar(&profile, "profile", "spec", "implementation profile")
	f.StringArrayVar(&inventoryPaths, "inventory", nil, "lookup-only objects (never edited); repeatable")
	return cmd
}
