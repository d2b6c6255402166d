// Package rulemeta reads the METADATA annotations of the rule packages and
// renders what is generated from them: the Rego catalog the result helper
// reads, and one documentation page per rule. The annotations are the only
// place a rule's id, name, severity and text are written.
package rulemeta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

// RulePackagePrefix is the package path every rule lives under.
const RulePackagePrefix = "data.lib.refguard.rules."

// Rule is one rule's metadata.
type Rule struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Severity    string    `json:"severity"`
	Enabled     bool      `json:"enabled"`
	Since       string    `json:"since"`
	Reason      string    `json:"reason"`
	Scope       string    `json:"scope"`
	Package     string    `json:"package"`
	File        string    `json:"file"`
	Related     []Related `json:"related_resources"`
}

// Related is a link from a rule to documentation.
type Related struct {
	Description string `json:"description"`
	Ref         string `json:"ref"`
}

// Levels are what a user may set a rule to (a config's severity, the
// --severity flag, a constraint's parameter): a severity, or off.
var Levels = []string{"error", "warning", "info", "off"}

// IsLevel tells whether s is one of Levels.
func IsLevel(s string) bool { return slices.Contains(Levels, s) }

var (
	idPattern   = regexp.MustCompile(`^RG[1-9][0-9]{2}$`)
	severities  = map[string]bool{"error": true, "warning": true, "info": true}
	scopes      = map[string]bool{"route": true, "inventory": true, "grant": true, "set": true}
	versionLike = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+$`)
)

// Read parses the modules and returns the rules sorted by ID. Every rule
// package must carry complete package-scoped METADATA.
func Read(modules map[string]string) ([]Rule, error) {
	var rules []Rule
	seen := map[string]string{}
	names := slices.Sorted(maps.Keys(modules))
	for _, file := range names {
		m, err := ast.ParseModuleWithOpts(file, modules[file], ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		pkg := m.Package.Path.String()
		if !strings.HasPrefix(pkg, RulePackagePrefix) {
			continue
		}
		r, err := fromModule(file, pkg, m)
		if err != nil {
			return nil, err
		}
		if other, dup := seen[r.ID]; dup {
			return nil, fmt.Errorf("%s: rule id %s already used by %s", file, r.ID, other)
		}
		seen[r.ID] = file
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	return rules, nil
}

func fromModule(file, pkg string, m *ast.Module) (Rule, error) {
	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			ann = a
		}
	}
	if ann == nil {
		return Rule{}, fmt.Errorf("%s: rule package %s has no package METADATA", file, pkg)
	}
	str := func(key string) string {
		v, _ := ann.Custom[key].(string)
		return v
	}
	r := Rule{
		ID:          str("id"),
		Name:        str("name"),
		Title:       ann.Title,
		Description: strings.TrimSpace(ann.Description),
		Severity:    str("severity"),
		Enabled:     true,
		Since:       str("since"),
		Reason:      str("reason"),
		Scope:       str("scope"),
		Package:     strings.TrimPrefix(pkg, "data."),
		File:        file,
	}
	if v, ok := ann.Custom["enabled"].(bool); ok {
		r.Enabled = v
	}
	for _, rr := range ann.RelatedResources {
		r.Related = append(r.Related, Related{Description: rr.Description, Ref: rr.Ref.String()})
	}
	var problems []string
	if !idPattern.MatchString(r.ID) {
		problems = append(problems, fmt.Sprintf("custom.id %q is not RGnnn", r.ID))
	}
	if want := strings.ReplaceAll(strings.TrimPrefix(pkg, RulePackagePrefix), "_", "-"); r.Name != want {
		problems = append(problems, fmt.Sprintf("custom.name %q must be the package name with dashes (%q)", r.Name, want))
	}
	if r.Title == "" {
		problems = append(problems, "title is missing")
	}
	if r.Description == "" {
		problems = append(problems, "description is missing")
	}
	if !severities[r.Severity] {
		problems = append(problems, fmt.Sprintf("custom.severity %q is not error, warning or info", r.Severity))
	}
	if !versionLike.MatchString(r.Since) {
		problems = append(problems, fmt.Sprintf("custom.since %q is not a version", r.Since))
	}
	if !scopes[r.Scope] {
		problems = append(problems, fmt.Sprintf("custom.scope %q is not route, inventory, grant or set", r.Scope))
	}
	if len(r.Related) == 0 {
		problems = append(problems, "related_resources is empty")
	}
	if len(problems) > 0 {
		return Rule{}, fmt.Errorf("%s: METADATA of %s: %s", file, pkg, strings.Join(problems, "; "))
	}
	return r, nil
}

// CatalogPath is where the generated catalog lives inside policy/.
const CatalogPath = "lib/refguard/catalog/catalog.rego"

// Catalog renders the generated Rego catalog.
func Catalog(rules []Rule) ([]byte, error) {
	type entry struct {
		Name     string `json:"name"`
		Severity string `json:"severity"`
		Enabled  bool   `json:"enabled"`
		Scope    string `json:"scope"`
		Reason   string `json:"reason"`
		Package  string `json:"package"`
		Title    string `json:"title"`
		Since    string `json:"since"`
	}
	entries := map[string]entry{}
	for _, r := range rules {
		entries[r.ID] = entry{r.Name, r.Severity, r.Enabled, r.Scope, r.Reason, r.Package, r.Title, r.Since}
	}
	body, err := json.MarshalIndent(entries, "", "\t")
	if err != nil {
		return nil, fmt.Errorf("render catalog: %w", err)
	}
	var b bytes.Buffer
	b.WriteString("# Code generated by `refguard gen` from the METADATA of policy/lib/refguard/rules; DO NOT EDIT.\n")
	b.WriteString("# METADATA\n# title: catalog\n# description: Every rule's id, name and default severity, generated from the rules' METADATA.\n# scope: package\n")
	b.WriteString("package lib.refguard.catalog\n\nrules := ")
	b.Write(body)
	b.WriteString("\n")
	return b.Bytes(), nil
}

// FormatRego formats generated Rego the way opa fmt does.
func FormatRego(path string, src []byte) ([]byte, error) {
	out, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, fmt.Errorf("format %s: %w", path, err)
	}
	return out, nil
}

// SeverityLabel is the rule's default severity as lists show it, marked
// "(off)" for a rule that is off by default.
func (r Rule) SeverityLabel() string {
	if !r.Enabled {
		return r.Severity + " (off)"
	}
	return r.Severity
}

// DocPath is the documentation page of a rule, relative to the repository.
func DocPath(r Rule) string { return fmt.Sprintf("docs/rules/%s-%s.md", r.ID, r.Name) }

// Repository is the project's home; rule pages are linked below it.
const Repository = "https://github.com/refguard/refguard"

// HelpURI is the address of a rule's page as the given release shipped it:
// pinned to the release tag, so a report keeps pointing at the text that
// described the rule it was made with.
func HelpURI(r Rule, version string) string {
	return Repository + "/blob/v" + version + "/" + DocPath(r)
}

// Examples are a rule's fixtures as its page shows them: a manifest it
// fires on, one it passes, and what each profile makes of the first.
type Examples struct {
	Failing, Passing *Example
	Profiles         []ProfileOutcome
}

// Example is one fixture case's manifests.
type Example struct {
	Case        string // path below fixtures/
	Description string
	Settings    string // the case's non-default settings ("profile: istio"), "" for none
	Manifest    string
}

// ProfileOutcome is what one profile reports for the failing example.
type ProfileOutcome struct {
	Profile   string
	Severity  string // of the rule's finding; "not reported" when it has none
	Condition string // the predicted ResolvedRefs condition of the route; "—" for no route
}

// Page renders one rule's documentation page; ex may be nil (no fixtures).
func Page(r Rule, ex *Examples) []byte {
	var b strings.Builder
	b.WriteString("<!-- Code generated by `refguard gen` from the rule's METADATA and fixtures; DO NOT EDIT. -->\n")
	fmt.Fprintf(&b, "# %s %s\n\n%s\n\n", r.ID, r.Name, r.Title)
	b.WriteString("| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| ID | `%s` |\n| Name | `%s` |\n| Severity | %s%s |\n| Since | %s |\n", r.ID, r.Name, r.Severity, map[bool]string{true: "", false: " (off by default)"}[r.Enabled], r.Since)
	reason := r.Reason
	if reason == "" {
		reason = "none (apply-time error or advice; no ResolvedRefs condition)"
	}
	fmt.Fprintf(&b, "| ResolvedRefs reason (spec) | %s |\n| Needs | %s |\n| Package | `%s` |\n| Source | [`policy/%s`](../../policy/%s) |\n\n", reason, scopeText(r.Scope), r.Package, r.File, r.File)
	fmt.Fprintf(&b, "## Description\n\n%s\n\n", r.Description)
	if ex != nil {
		writeExamples(&b, r, ex)
	}
	b.WriteString("## Suppress or change it\n\n")
	fmt.Fprintf(&b, "- On one object, in every context: the annotation `refguard.io/ignore: \"%s\"` (ids or names, comma-separated, `all` for every rule) with an optional `refguard.io/ignore-reason`. The finding is still reported, marked suppressed (SARIF `suppressions`), and never fails a run, denies an admission or becomes a Gatekeeper violation.\n", r.ID)
	fmt.Fprintf(&b, "- CLI: `refguard check --severity %s=off` (or `error`, `warning`, `info`); the rule's name works too: `--severity %s=off`.\n", r.ID, r.Name)
	fmt.Fprintf(&b, "- For a repository: `severity: {%s: off}` in `.refguard.yaml`; `exclude:` skips files and directories.\n", r.Name)
	fmt.Fprintf(&b, "- conftest, OPA admission: `{\"severity\": {\"%s\": \"off\"}}` as `lib.refguard_settings` (conftest `--data`) or `data.refguard_settings`.\n", r.ID)
	if r.Scope == "set" {
		b.WriteString("- Gatekeeper: not a Gatekeeper check (it needs the whole set).\n\n")
	} else {
		fmt.Fprintf(&b, "- Gatekeeper: set the constraint's `enforcementAction` to `warn` or `dryrun`, narrow its `match` (e.g. `excludedNamespaces`), or delete the `%s` constraint; with the aggregate template, `severity: {%s: off}` in its parameters.\n\n", gatekeeperConstraintName(r), r.ID)
	}
	b.WriteString("## Fixtures\n\n")
	fmt.Fprintf(&b, "Cases that fire and near misses that must not: [`fixtures/rules/%s-%s/`](../../fixtures/rules/%s-%s/).\n\n", r.ID, r.Name, r.ID, r.Name)
	b.WriteString("## Related resources\n\n")
	for _, rr := range r.Related {
		fmt.Fprintf(&b, "- [%s](%s)\n", rr.Description, rr.Ref)
	}
	return []byte(b.String())
}

func gatekeeperConstraintName(r Rule) string { return strings.ToLower(r.ID) + "-" + r.Name }

func writeExamples(b *strings.Builder, r Rule, ex *Examples) {
	example := func(title string, e *Example) {
		if e == nil {
			return
		}
		fmt.Fprintf(b, "### %s\n\n%s (fixture [`%s`](../../fixtures/%s/))", title, sentence(e.Description), e.Case, e.Case)
		if e.Settings != "" {
			fmt.Fprintf(b, ", with `%s`", e.Settings)
		}
		fmt.Fprintf(b, ":\n\n```yaml\n%s```\n\n", ensureNewline(e.Manifest))
	}
	b.WriteString("## Example\n\n")
	example("Fails", ex.Failing)
	example("Passes", ex.Passing)
	if len(ex.Profiles) > 0 {
		b.WriteString("### Under each profile\n\nThe failing example checked with `--profile`:\n\n")
		b.WriteString("| profile | finding | predicted route condition |\n|---|---|---|\n")
		for _, p := range ex.Profiles {
			fmt.Fprintf(b, "| %s | %s | %s |\n", p.Profile, p.Severity, p.Condition)
		}
		b.WriteString("\n")
	}
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "A case"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func ensureNewline(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}

func scopeText(scope string) string {
	switch scope {
	case "route":
		return "the route alone (runs in every context, also conftest without --combine)"
	case "inventory":
		return "the route and the objects it points at (Services, ReferenceGrants, BackendTLSPolicies, filters)"
	case "grant":
		return "the ReferenceGrant alone"
	case "set":
		return "the whole checked set (CLI, conftest --combine)"
	}
	return scope
}

// Table renders the Markdown rule table used in the README and docs index.
func Table(rules []Rule, linkPrefix string) string {
	var b strings.Builder
	b.WriteString("| ID | name | severity | ResolvedRefs reason (spec) | since |\n|---|---|---|---|---|\n")
	for _, r := range rules {
		sev := r.SeverityLabel()
		reason := r.Reason
		if reason == "" {
			reason = "—"
		}
		fmt.Fprintf(&b, "| [%s](%s%s) | %s | %s | %s | %s |\n", r.ID, linkPrefix, strings.TrimPrefix(DocPath(r), "docs/rules/"), r.Name, sev, reason, r.Since)
	}
	return b.String()
}
