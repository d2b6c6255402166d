package gatekeeper

import (
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/rulemeta"
)

// SampleObject is one object a gator case reviews.
type SampleObject struct {
	Key  string // Kind/namespace/name
	File string // sample file name
	Body map[string]any
}

// SampleCase is a fixture case turned into gator verify material.
type SampleCase struct {
	Name      string // fixture case name, e.g. rules/RG103-backend-not-found/fires-typo
	Dir       string // samples/<dir>
	Reviewed  []SampleObject
	Inventory []map[string]any
	Severity  map[string]string
	Profile   string
	// BackendKinds are the backend kinds the case declares beyond its
	// profile's (the constraints' backendKinds parameter).
	BackendKinds []string
	// BackendLookups are the kinds it declares with their lookups (the
	// constraints' backendLookups parameter).
	BackendLookups []any
	Findings       []fixture.FindingExpect
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// SamplesFromFixtures turns every fixture case into sample objects:
// routes and ReferenceGrants of the manifests are reviewed, every object
// (lookup-only ones too) is inventory, as Gatekeeper would have synced it.
func SamplesFromFixtures(cases []fixture.Case) ([]SampleCase, error) {
	var out []SampleCase
	for _, c := range cases {
		checked, lookup, err := c.Load()
		if err != nil {
			return nil, err
		}
		sc := SampleCase{
			Name:           c.Name,
			Dir:            strings.Trim(unsafeName.ReplaceAllString(strings.ToLower(c.Name), "-"), "-"),
			Severity:       c.Expected.Severity,
			Profile:        c.Expected.Profile,
			BackendKinds:   c.Expected.BackendKinds,
			BackendLookups: c.Lookups(),
			Findings:       c.Expected.Findings,
		}
		// A cluster holds one copy of an object the set defines twice: the
		// one refguard check reads.
		objects := check.FirstCopies(checked.Objects)
		for _, o := range append(append([]manifest.Object{}, lookup...), objects...) {
			sc.Inventory = append(sc.Inventory, withNamespace(o))
		}
		for i, o := range objects {
			if o.Kind == "ReferenceGrant" || strings.HasSuffix(o.Kind, "Route") {
				sc.Reviewed = append(sc.Reviewed, SampleObject{
					Key:  fixture.ObjectKey(o.Kind, inventory.Namespace(&objects[i]), o.Name),
					File: fmt.Sprintf("%s-%s.yaml", strings.ToLower(o.Kind), unsafeName.ReplaceAllString(o.Name, "-")),
					Body: withNamespace(o),
				})
			}
		}
		out = append(out, sc)
	}
	return out, nil
}

// withNamespace sets metadata.namespace the way the API server defaults it.
func withNamespace(o manifest.Object) map[string]any {
	body := o.Body()
	md, ok := body["metadata"].(map[string]any)
	if !ok {
		md = map[string]any{}
	}
	md["namespace"] = inventory.Namespace(&o)
	body["metadata"] = md
	return body
}

// kindsSuffix tells constraint files with declared backend kinds (and
// lookups, by resource) apart.
func kindsSuffix(c SampleCase) string {
	names := slices.Clone(c.BackendKinds)
	for _, l := range c.BackendLookups {
		if m, ok := l.(map[string]any); ok {
			names = append(names, fmt.Sprint(m["resource"]))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "-" + strings.Trim(fileSafe.ReplaceAllString(strings.ToLower(strings.Join(names, "-")), "-"), "-")
}

// severityParam is the constraint parameter a case needs for a rule.
func severityParam(r rulemeta.Rule, c SampleCase) string {
	if s, ok := c.Severity[r.ID]; ok {
		return s
	}
	if !r.Enabled {
		return "off"
	}
	return ""
}

// The gator verify suite format (test.gatekeeper.sh/v1alpha1 Suite).
type suiteAssertion struct {
	Violations int    `json:"violations"`
	Message    string `json:"message,omitempty"`
}

type suiteCase struct {
	Name       string           `json:"name"`
	Object     string           `json:"object"`
	Inventory  []string         `json:"inventory,omitempty"`
	Assertions []suiteAssertion `json:"assertions"`
}

type suiteTest struct {
	Name       string      `json:"name"`
	Template   string      `json:"template"`
	Constraint string      `json:"constraint"`
	Cases      []suiteCase `json:"cases"`
}

// renderSuite renders a suite with its tests sorted by name.
func renderSuite(name string, tests map[string]*suiteTest) ([]byte, error) {
	keys := slices.Sorted(maps.Keys(tests))
	ts := make([]*suiteTest, 0, len(keys))
	for _, k := range keys {
		ts = append(ts, tests[k])
	}
	return toYAML(map[string]any{
		"kind":       "Suite",
		"apiVersion": "test.gatekeeper.sh/v1alpha1",
		"metadata":   map[string]any{"name": name},
		"tests":      ts,
	})
}

// addSuite writes the gator verify suite of one rule's template: every
// reviewed object of the fixture cases that exercise the rule
// (exercisesRule), with the violations the fixture expects of this rule
// (count, and one assertion per field). The aggregate suite reviews every
// object of every case with every rule; gator compiles a template for
// each case it runs, so each of the per-rule templates reviewing every
// case too would cost minutes for what the aggregate suite and these
// cases already hold.
func (g *Gatekeeper) addSuite(files map[string][]byte, r rulemeta.Rule, dir string) error {
	tests := map[string]*suiteTest{}
	for _, c := range g.Samples {
		if !exercisesRule(c, r) {
			continue
		}
		param := severityParam(r, c)
		constraintFile := "constraint.yaml"
		if param != "" || !r.Enabled || (c.Profile != "" && c.Profile != "spec") || len(c.BackendKinds) > 0 || len(c.BackendLookups) > 0 {
			profile := c.Profile
			if profile == "" {
				profile = "spec"
			}
			constraintFile = fmt.Sprintf("constraint-%s-%s%s.yaml", profile, orDefault(param), kindsSuffix(c))
			content, err := toYAML(g.constraint(r, param, profile, c.BackendKinds, c.BackendLookups))
			if err != nil {
				return err
			}
			files[path.Join(dir, constraintFile)] = content
		}
		constraintPath := constraintFile
		if constraintFile == "constraint.yaml" {
			constraintPath = path.Join("..", g.TemplatesFromVerify, dir, "constraint.yaml")
		}
		t := tests[constraintFile]
		if t == nil {
			t = &suiteTest{Name: strings.TrimSuffix(constraintFile, ".yaml"), Template: path.Join("..", g.TemplatesFromVerify, dir, "template.yaml"), Constraint: constraintPath}
			tests[constraintFile] = t
		}
		for _, obj := range c.Reviewed {
			fields := map[string]int{}
			total := 0
			for _, f := range c.Findings {
				if f.Rule == r.ID && f.Object == obj.Key && f.Suppressed != "annotation" {
					fields[f.Field]++
					total++
				}
			}
			asserts := []suiteAssertion{{Violations: total}}
			names := slices.Sorted(maps.Keys(fields))
			for _, f := range names {
				asserts = append(asserts, suiteAssertion{Violations: fields[f], Message: `\(` + regexp.QuoteMeta(f) + `\)$`})
			}
			t.Cases = append(t.Cases, suiteCase{
				Name:       c.Dir + "/" + strings.TrimSuffix(obj.File, ".yaml"),
				Object:     path.Join("..", "samples", c.Dir, obj.File),
				Inventory:  []string{path.Join("..", "samples", c.Dir, "inventory.yaml")},
				Assertions: asserts,
			})
		}
	}
	content, err := renderSuite(dir, tests)
	if err != nil {
		return err
	}
	files[path.Join(dir, "suite.yaml")] = content
	return nil
}

// addSamples writes the sample objects every suite shares: the reviewed
// objects, one file each, and each case's inventory.
func (g *Gatekeeper) addSamples(files map[string][]byte) error {
	for _, c := range g.Samples {
		for _, obj := range c.Reviewed {
			content, err := toYAML(obj.Body)
			if err != nil {
				return err
			}
			files[path.Join("samples", c.Dir, obj.File)] = content
		}
		var inv []byte
		for i, o := range c.Inventory {
			y, err := toYAML(o)
			if err != nil {
				return err
			}
			if i > 0 {
				inv = append(inv, []byte("---\n")...)
			}
			inv = append(inv, y...)
		}
		files[path.Join("samples", c.Dir, "inventory.yaml")] = inv
	}
	return nil
}

// exercisesRule: a fixture case the rule's template is held to: one where
// the rule has a finding (reported or suppressed), the rule's own cases
// (where it fires and its near misses), and the bundled incidents, on
// which every template must stay silent unless its rule fires. A template
// that reported another rule's finding would show it on the first kind,
// where other rules fire beside this one.
func exercisesRule(c SampleCase, r rulemeta.Rule) bool {
	if strings.HasPrefix(c.Name, "rules/"+r.ID+"-") || strings.HasPrefix(c.Name, "examples/") {
		return true
	}
	return slices.ContainsFunc(c.Findings, func(f fixture.FindingExpect) bool { return f.Rule == r.ID })
}

func orDefault(s string) string {
	if s == "" {
		return "default"
	}
	return s
}
