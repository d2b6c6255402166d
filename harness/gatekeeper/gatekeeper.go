// Package bundle turns the policy into what is shipped: Gatekeeper
// ConstraintTemplates generated from policy/ (never hand-copied Rego).
package gatekeeper

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/rulemeta"
)

// Where the generated Gatekeeper files are committed: the deployable
// folder, shipped in bundle/, and the gator verify suites (with their
// samples), which are test data.
const (
	GatekeeperDir       = "bundle/gatekeeper"
	GatekeeperVerifyDir = "harness/gatekeeper/testdata/verify"
)

// GVK is a group/version/kind Gatekeeper syncs.
type GVK struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// Gatekeeper generates the templates, constraints, sync configuration and
// kustomization, keyed by path relative to the output directory.
type Gatekeeper struct {
	Modules  map[string]string // policy modules (no tests), by path
	Compiler *ast.Compiler
	Rules    []rulemeta.Rule
	Version  string
	Samples  []SampleCase // gator verify cases, from the fixtures
	// TemplatesFromVerify is the path from the verify folder to the
	// deployable folder, used in suite.yaml (e.g. "../gatekeeper"), and
	// AggregateFromVerify to the aggregate template's folder.
	TemplatesFromVerify string
	AggregateFromVerify string

	routeKinds []string
}

// TemplateName and ConstraintKind name a rule's template.
func TemplateName(r rulemeta.Rule) string { return "refguard" + strings.ReplaceAll(r.Name, "-", "") }

// ConstraintKind is the CRD kind of a rule's constraint.
func ConstraintKind(r rulemeta.Rule) string {
	var b strings.Builder
	b.WriteString("Refguard")
	for _, part := range strings.Split(r.Name, "-") {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// backendKindsSchema is the constraint parameter that declares the backend
// kinds an install accepts beyond its profile's (lib.refguard.config).
var backendKindsSchema = map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": `backend kinds the controller accepts beyond the profile's, "group/Kind" ("Kind" for the core group)`}

// backendLookupsSchema is the constraint parameter that declares backend
// kinds with how to look them up (lib.refguard.config); the sync config
// must replicate their objects too.
var backendLookupsSchema = map[string]any{
	"type":        "array",
	"description": "backend kinds the controller accepts and looks up: references to a missing object or port are findings (add the kind to the sync config)",
	"items": map[string]any{
		"type":     "object",
		"required": []string{"kind", "version", "resource"},
		"properties": map[string]any{
			"kind":     map[string]any{"type": "string", "description": `"group/Kind" ("Kind" for the core group)`},
			"version":  map[string]any{"type": "string", "description": "the version the objects are synced at"},
			"resource": map[string]any{"type": "string", "description": "the plural resource name"},
			"port":     map[string]any{"type": "string", "description": `where the objects' ports are: a dotted path, "[]" after a list (spec.ports[].port); none: ports are not checked`},
		},
	},
}

// gatekeeperRules are the rules that review one object; RG202 needs the
// whole set and has no admission or audit equivalent.
func gatekeeperRules(rules []rulemeta.Rule) []rulemeta.Rule {
	var out []rulemeta.Rule
	for _, r := range rules {
		if r.Scope != "set" {
			out = append(out, r)
		}
	}
	return out
}

// SyncGVKs reads the synced kinds from lib.refguard.inventory.sources, so
// what Gatekeeper syncs is what the policy reads.
func SyncGVKs(ctx context.Context, compiler *ast.Compiler) ([]GVK, error) {
	rs, err := rego.New(rego.Query("data.lib.refguard.inventory.sources"), rego.Compiler(compiler)).Eval(ctx)
	if err != nil || len(rs) == 0 {
		return nil, fmt.Errorf("read inventory sources from policy: %v", err)
	}
	raw, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		return nil, err
	}
	var sources map[string][][2]string
	if err := json.Unmarshal(raw, &sources); err != nil {
		return nil, fmt.Errorf("read inventory sources from policy: %w", err)
	}
	var gvks []GVK
	for _, pairs := range sources {
		for _, p := range pairs {
			group, version := "", p[0]
			if i := strings.LastIndex(p[0], "/"); i >= 0 {
				group, version = p[0][:i], p[0][i+1:]
			}
			gvks = append(gvks, GVK{Group: group, Version: version, Kind: p[1]})
		}
	}
	sort.Slice(gvks, func(i, j int) bool {
		a, b := gvks[i], gvks[j]
		return a.Group+"/"+a.Kind+"/"+a.Version < b.Group+"/"+b.Kind+"/"+b.Version
	})
	return gvks, nil
}

var importPattern = regexp.MustCompile(`(?m)^import data\.(lib\.[a-z0-9_.]+)`)

// libsFor returns the lib modules the packages need, transitively, sorted
// by package path so the output is stable.
func libsFor(modules map[string]string, pkgs ...string) ([]string, error) {
	byPkg := map[string]string{}
	for p, src := range modules {
		m, err := ast.ParseModuleWithOpts(p, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, err
		}
		byPkg[strings.TrimPrefix(m.Package.Path.String(), "data.")] = src
	}
	seen := map[string]bool{}
	var visit func(string) error
	visit = func(p string) error {
		if seen[p] {
			return nil
		}
		src, ok := byPkg[p]
		if !ok {
			return fmt.Errorf("package %s imported but not found", p)
		}
		seen[p] = true
		for _, m := range importPattern.FindAllStringSubmatch(src, -1) {
			imp := m[1]
			// "import data.lib.refguard.inventory as x" and imports of a
			// rule within a package path both resolve to a package.
			for imp != "" {
				if _, ok := byPkg[imp]; ok {
					break
				}
				imp = imp[:max(strings.LastIndex(imp, "."), 0)]
			}
			if imp == "" {
				return fmt.Errorf("%s imports %s: no such package", p, m[1])
			}
			if err := visit(imp); err != nil {
				return err
			}
		}
		return nil
	}
	for _, pkg := range pkgs {
		if err := visit(pkg); err != nil {
			return nil, err
		}
	}
	needed := slices.Sorted(maps.Keys(seen))
	libs := make([]string, 0, len(needed))
	for _, p := range needed {
		libs = append(libs, byPkg[p])
	}
	return libs, nil
}

// entryModule is the template's own Rego, rego/entry.rego made the rule's:
// it adapts Gatekeeper's input (input.review.object, input.parameters,
// data.inventory) to the core and emits violation from the rule's findings.
// EntryModule is the Rego of a rule's template (exported for benchmarks).
func EntryModule(r rulemeta.Rule) string { return entryModule(r) }

func entryModule(r rulemeta.Rule) string {
	short := strings.TrimPrefix(r.Package, "lib.refguard.rules.")
	ctx := "gatekeeper.route_context(_config)"
	if r.Scope == "grant" {
		ctx = "gatekeeper.grant_context(_config)"
	}
	module := strings.NewReplacer(
		"package "+entryExample.template, "package "+TemplateName(r),
		"rules."+entryExample.rule+"\n", "rules."+short+"\n",
		fmt.Sprintf("{%q: s}", entryExample.id), fmt.Sprintf("{%q: s}", r.ID),
		entryExample.rule+".findings(gatekeeper.route_context(_config))", short+".findings("+ctx+")",
	).Replace(templateRego("rego/entry.rego"))
	return fmt.Sprintf("# Generated by refguard from policy/%s; DO NOT EDIT.\n", r.File) + module
}

// entryExample is the rule rego/entry.rego is written for.
var entryExample = struct{ template, rule, id string }{"refguardbackendnotfound", "backend_not_found", "RG103"}

//go:embed rego/entry.rego rego/aggregate.rego
var templateSources embed.FS

// templateRego is a template's Rego from its package clause on: the
// comment above it is about the source file, not the template.
func templateRego(name string) string {
	src, err := templateSources.ReadFile(name)
	if err != nil {
		panic(err) // embedded: present in every build
	}
	s := string(src)
	return s[strings.Index(s, "\npackage ")+1:]
}

func requiresSyncData(gvks []GVK) (string, error) {
	type requirement struct {
		Groups   []string `json:"groups"`
		Versions []string `json:"versions"`
		Kinds    []string `json:"kinds"`
	}
	var reqs []requirement
	for _, g := range gvks {
		reqs = append(reqs, requirement{Groups: []string{g.Group}, Versions: []string{g.Version}, Kinds: []string{g.Kind}})
	}
	raw, err := json.Marshal([][]requirement{reqs})
	return string(raw), err
}

// toYAML renders v with sorted keys and multi-line strings (Rego sources,
// descriptions) as literal blocks, so generated files stay readable.
func toYAML(v any) ([]byte, error) {
	// Round-trip through JSON so structs and maps render alike.
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	var node yaml.Node
	if err := node.Encode(generic); err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	literalBlocks(&node)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("render YAML: %w", err)
	}
	return b.Bytes(), nil
}

func literalBlocks(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.Contains(n.Value, "\n") {
		n.Style = yaml.LiteralStyle
	}
	for _, c := range n.Content {
		literalBlocks(c)
	}
}

func (g *Gatekeeper) constraint(r rulemeta.Rule, severity, profile string, backendKinds []string, lookups []any) map[string]any {
	kinds := g.routeKinds
	if r.Scope == "grant" {
		kinds = []string{"ReferenceGrant"}
	}
	action := "deny"
	if r.Severity != "error" {
		action = "warn"
	}
	params := map[string]any{"profile": profile}
	if severity != "" {
		params["severity"] = severity
	}
	if len(backendKinds) > 0 {
		params["backendKinds"] = backendKinds
	}
	if len(lookups) > 0 {
		params["backendLookups"] = lookups
	}
	return map[string]any{
		"apiVersion": "constraints.gatekeeper.sh/v1beta1",
		"kind":       ConstraintKind(r),
		"metadata":   map[string]any{"name": strings.ToLower(r.ID) + "-" + r.Name},
		"spec": map[string]any{
			"enforcementAction": action,
			"match": map[string]any{
				"kinds": []any{map[string]any{"apiGroups": []string{"gateway.networking.k8s.io"}, "kinds": kinds}},
			},
			"parameters": params,
		},
	}
}

// Files renders the per-rule deployable folder, the aggregate (one
// template) folder and, when there are samples, the gator verify suites;
// each keyed by path below its own folder.
func (g *Gatekeeper) Files(ctx context.Context) (deploy, aggregate, verify map[string][]byte, err error) {
	deploy, aggregate, verify = map[string][]byte{}, map[string][]byte{}, map[string][]byte{}
	if err := g.files(ctx, deploy, aggregate, verify); err != nil {
		return nil, nil, nil, err
	}
	header := []byte("# Generated by `refguard gatekeeper` from policy/; DO NOT EDIT.\n")
	for _, files := range []map[string][]byte{deploy, aggregate, verify} {
		for p, content := range files {
			if !strings.HasPrefix(p, "samples/") {
				files[p] = append(append([]byte{}, header...), content...)
			}
		}
	}
	return deploy, aggregate, verify, nil
}

func (g *Gatekeeper) files(ctx context.Context, files, aggregate, verify map[string][]byte) error {
	gvks, err := SyncGVKs(ctx, g.Compiler)
	if err != nil {
		return err
	}
	syncData, err := requiresSyncData(gvks)
	if err != nil {
		return err
	}
	profiles, err := engine.ProfileNames(ctx, g.Compiler)
	if err != nil {
		return err
	}
	if g.routeKinds, err = engine.RouteKinds(ctx, g.Compiler); err != nil {
		return err
	}
	var resources []string
	for _, r := range gatekeeperRules(g.Rules) {
		libs, err := libsFor(g.Modules, r.Package, "lib.refguard.gatekeeper")
		if err != nil {
			return fmt.Errorf("%s: %w", r.ID, err)
		}
		annotations := map[string]any{
			"metadata.gatekeeper.sh/title":   r.ID + " " + r.Title,
			"metadata.gatekeeper.sh/version": g.Version,
			"description":                    r.Description,
			"refguard.dev/rule":              r.ID,
			"refguard.dev/docs":              "docs/rules/" + strings.TrimPrefix(rulemeta.DocPath(r), "docs/rules/"),
		}
		if r.Scope == "inventory" {
			annotations["metadata.gatekeeper.sh/requires-sync-data"] = syncData
		}
		template := map[string]any{
			"apiVersion": "templates.gatekeeper.sh/v1",
			"kind":       "ConstraintTemplate",
			"metadata":   map[string]any{"name": TemplateName(r), "annotations": annotations},
			"spec": map[string]any{
				"crd": map[string]any{"spec": map[string]any{
					"names": map[string]any{"kind": ConstraintKind(r)},
					"validation": map[string]any{"openAPIV3Schema": map[string]any{
						"type": "object",
						"properties": map[string]any{
							"profile":        map[string]any{"type": "string", "enum": profiles, "description": "implementation profile that predicts the status"},
							"severity":       map[string]any{"type": "string", "enum": rulemeta.Levels, "description": "override the rule's severity; off disables it"},
							"backendKinds":   backendKindsSchema,
							"backendLookups": backendLookupsSchema,
						},
					}},
				}},
				"targets": []any{map[string]any{
					"target": "admission.k8s.gatekeeper.sh",
					"code": []any{map[string]any{
						"engine": "Rego",
						"source": map[string]any{"version": "v1", "rego": entryModule(r), "libs": libs},
					}},
				}},
			},
		}
		dir := strings.ToLower(r.ID) + "-" + r.Name
		if files[path.Join(dir, "template.yaml")], err = toYAML(template); err != nil {
			return err
		}
		resources = append(resources, path.Join(dir, "template.yaml"))
		// A rule that is off by default ships its template only: applying a
		// constraint of its kind is how a team turns it on.
		if r.Enabled {
			if files[path.Join(dir, "constraint.yaml")], err = toYAML(g.constraint(r, "", "spec", nil, nil)); err != nil {
				return err
			}
			resources = append(resources, path.Join(dir, "constraint.yaml"))
		}
		if len(g.Samples) == 0 {
			continue
		}
		if err := g.addSuite(verify, r, dir); err != nil {
			return err
		}
	}
	if err := g.addSamples(verify); err != nil {
		return err
	}
	syncSet := map[string]any{
		"apiVersion": "syncset.gatekeeper.sh/v1alpha1",
		"kind":       "SyncSet",
		"metadata":   map[string]any{"name": "refguard"},
		"spec":       map[string]any{"gvks": gvks},
	}
	if files["syncset.yaml"], err = toYAML(syncSet); err != nil {
		return err
	}
	if err := g.aggregate(aggregate, verify, files["syncset.yaml"], syncData, profiles); err != nil {
		return err
	}
	resources = append(resources, "syncset.yaml")
	config := map[string]any{
		"apiVersion": "config.gatekeeper.sh/v1alpha1",
		"kind":       "Config",
		"metadata":   map[string]any{"name": "config", "namespace": "gatekeeper-system"},
		"spec":       map[string]any{"sync": map[string]any{"syncOnly": gvks}},
	}
	if files["config.yaml"], err = toYAML(config); err != nil {
		return err
	}
	sort.Strings(resources)
	kustomization := map[string]any{
		"apiVersion": "kustomize.config.k8s.io/v1beta1",
		"kind":       "Kustomization",
		"resources":  resources,
	}
	if files["kustomization.yaml"], err = toYAML(kustomization); err != nil {
		return err
	}
	return nil
}
