package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fix"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/rulemeta"
)

// stdinName names stdin in fix's messages and JSON.
const stdinName = "<stdin>"

func newFixCommand() *cobra.Command {
	var write, explicit bool
	var format string
	var inventoryPaths []string
	var in inputSettings
	cmd := &cobra.Command{
		Use:   "fix PATH... | fix -",
		Short: "Repair broken backendRefs: print a unified diff, or apply it with --write",
		Long: `Apply the repairs the rules propose, only where they are unambiguous: the one other
namespace that holds the Service, the closest existing Service name, the Service port
instead of the target port (or the only port), kind: Service / group: "" spelled right, a
backendRef namespace or group the API server refuses written as meant (Backend → backend,
Core → ""), a namespace the controller refuses removed, what the API server rejects in a ReferenceGrant
(an apiVersion no release serves, a group left out), or a new ReferenceGrant in the target
namespace scoped to the one Service (appended to the file that holds the route). Repairs are checked again and repeated until none is left (a
renamed Service's port is corrected in the same run); a result in which a reference that
worked would fail is refused. Everything else in the files stays byte for byte; --write
replaces each file atomically, and refuses a file that changed since it was read.
"fix -" reads manifests from stdin and prints them repaired on stdout
(helm template … | refguard fix -). Exit 1 when errors remain that no repair covers
(listed on stderr), 2 when the run fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fromStdin := slices.Contains(args, "-")
			if fromStdin && len(args) > 1 {
				return fmt.Errorf("fix -: stdin is the only input, not one of several")
			}
			if fromStdin && write {
				return fmt.Errorf("fix -: the fixed stream goes to stdout; --write applies to files")
			}
			if format != "diff" && format != "json" {
				return fmt.Errorf("--format %q: want diff or json", format)
			}
			if err := in.load(cmd.Flags()); err != nil {
				return err
			}
			var names []string
			files := map[string][]byte{}
			if fromStdin {
				data, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), manifest.MaxFileSize+1))
				if err != nil {
					return fmt.Errorf("read stdin: %w", err)
				}
				names, files[stdinName] = []string{stdinName}, data
			} else {
				loaded, err := manifest.LoadWithOptions(args, nil, in.loadOptions(manifest.Options{}))
				if err != nil {
					return err
				}
				names = loaded.Files
				for _, name := range names {
					if files[name], err = os.ReadFile(name); err != nil {
						return err
					}
				}
			}
			var lookup []manifest.Object
			if len(inventoryPaths) > 0 {
				inv, err := manifest.LoadWithOptions(inventoryPaths, nil, in.loadOptions(manifest.Options{}))
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
			if err := checkProfile(checker, in.profile); err != nil {
				return err
			}
			rules, err := rulemeta.Read(set.Modules)
			if err != nil {
				return err
			}
			// The rule levels (config file, --severity) decide what is an
			// error left over, and a rule they turn off proposes no repair,
			// as check reports it.
			severity, err := in.severity(rules)
			if err != nil {
				return err
			}
			if explicit {
				severity["RG401"] = "info"
			}
			lookups, err := in.backendLookups(checker)
			if err != nil {
				return err
			}
			config := check.Config(in.profile, severity, in.backendKinds, lookups)
			recheck := func(names []string, contents map[string][]byte) (*report.Report, error) {
				loaded, err := manifest.LoadContents(names, contents, in.loadOptions(checker.LoadOptions()))
				if err != nil {
					return nil, err
				}
				return checker.Check(cmd.Context(), loaded, lookup, config)
			}
			plan, err := fix.Repair(names, files, recheck, in.namespace)
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
			} else if fromStdin {
				fixed, ok := plan.Files[stdinName]
				if !ok {
					fixed = files[stdinName]
				}
				if _, err := out.Write(fixed); err != nil {
					return fmt.Errorf("write the fixed manifests: %w", err)
				}
			} else {
				if _, err := io.WriteString(out, plan.Diff()); err != nil {
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
			fmt.Fprintf(cmd.ErrOrStderr(), "refguard: %s %s (%s); %s left for you\n", verb, report.Count(len(plan.Files), "file"), report.Count(len(plan.Changes), "edit"), report.Count(len(plan.Skipped), "error"))
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
	in.addFlags(f)
	f.StringArrayVar(&inventoryPaths, "inventory", nil, "lookup-only objects (never edited); repeatable")
	return cmd
}
