package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard"
	rulepages "github.com/refguard/refguard/docs/rules"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/rulemeta"
	"github.com/refguard/refguard/policy"
)

func embeddedRules() ([]rulemeta.Rule, error) {
	modules, err := engine.Modules(policy.FS)
	if err != nil {
		return nil, err
	}
	return rulemeta.Read(modules)
}

func newRulesCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules with ID, name, severity and since-version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rules, err := embeddedRules()
			if err != nil {
				return err
			}
			switch format {
			case "text":
				return rulesText(cmd.OutOrStdout(), rules)
			case "json":
				return rulesJSON(cmd.OutOrStdout(), rules)
			}
			return fmt.Errorf("--format %q: want text or json", format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (every METADATA field and the docs page's address)")
	return cmd
}

func rulesText(out io.Writer, rules []rulemeta.Rule) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSEVERITY\tREASON\tSINCE")
	for _, r := range rules {
		sev := r.SeverityLabel()
		reason := r.Reason
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, sev, reason, r.Since)
	}
	return w.Flush()
}

// rulesJSON is the rule list for scripts: the release it describes and each
// rule's METADATA with the address of its page at that release.
func rulesJSON(out io.Writer, rules []rulemeta.Rule) error {
	type entry struct {
		rulemeta.Rule
		HelpURI string `json:"help_uri"`
	}
	doc := struct {
		Version string  `json:"version"`
		Rules   []entry `json:"rules"`
	}{Version: refguard.Version(), Rules: []entry{}}
	for _, r := range rules {
		doc.Rules = append(doc.Rules, entry{r, rulemeta.HelpURI(r, refguard.Version())})
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func newExplainCommand() *cobra.Command {
	var markdown bool
	cmd := &cobra.Command{
		Use:   "explain RGnnn|NAME",
		Short: "Print one rule's documentation page: what it checks, a failing and a passing example, each profile's outcome, how to suppress it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rules, err := embeddedRules()
			if err != nil {
				return err
			}
			for _, r := range rules {
				if !strings.EqualFold(r.ID, args[0]) && !strings.EqualFold(r.Name, args[0]) {
					continue
				}
				page, err := fs.ReadFile(rulepages.FS, path.Base(rulemeta.DocPath(r)))
				if err != nil {
					// A build whose pages were not generated for this rule.
					page = rulemeta.Page(r, nil)
				}
				if !markdown {
					page = []byte(rulemeta.Terminal(string(page)))
				}
				_, err = cmd.OutOrStdout().Write(page)
				return err
			}
			return fmt.Errorf("no rule %q (see refguard rules)", args[0])
		},
	}
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print the page's Markdown source")
	return cmd
}
