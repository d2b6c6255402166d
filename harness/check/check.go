// Package check runs the policy over loaded manifests and assembles the
// report: findings with file and line, and the predicted ResolvedRefs
// condition of every route. Deterministic: sorted, byte-identical output.
package check

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/wasm"
)

// Checker evaluates manifests with one policy.
type Checker struct {
	set          *policyset.Set
	wasm         *wasm.Policy // nil: everything is evaluated by OPA's evaluator
	wasmBuild    bool         // WithWasmBuild: the checker compiles (and owns) wasm
	wasmCache    string
	ownsWasm     bool
	notes        []string
	routeKinds   map[string]bool
	collections  inventory.Table                // the policy's collections
	byProfile    map[string]inventory.Table     // with a profile's own collections, for the profiles that read some
	fields       map[string]map[string][]string // manifest.Fields by inventory collection
	profiles     []string
	controllers  map[string]string // controllerName → profile
	derivedReads []string          // the collections the derived ones are computed from (Wasm)
	derivedNames []string          // those they read by namespace and name only (Wasm)
}

// Option configures a Checker.
type Option func(*Checker)

// WithWasm evaluates with the same policy compiled to WebAssembly
// (engine.WasmEntrypoints; see package wasm), several times faster than
// OPA's evaluator, which is then compiled only if a batch fails on the
// Wasm build: it evaluates that batch again object by object, so an error
// names its object.
func WithWasm(p *wasm.Policy) Option { return func(c *Checker) { c.wasm = p } }

// WithWasmBuild is WithWasm with the checker compiling the policy to Wasm
// itself (engine.WasmEntrypoints), or reading the compilation from the
// cache in cacheDir ("" for none); Close releases it, and Notes names the
// cache entries it found damaged and rebuilt.
func WithWasmBuild(cacheDir string) Option {
	return func(c *Checker) { c.wasmBuild, c.wasmCache = true, cacheDir }
}

// NewChecker reads the route kinds, the fields read of inventory objects
// and the profiles from the policy itself, so Go and Rego agree on what a
// route is and on what of a Service matters.
func NewChecker(ctx context.Context, set *policyset.Set, opts ...Option) (*Checker, error) {
	c := &Checker{set: set, routeKinds: map[string]bool{}}
	for _, opt := range opts {
		opt(c)
	}
	if c.wasmBuild {
		policy, err := wasm.Load(ctx, set.Modules, engine.WasmEntrypoints(), c.wasmCache)
		if err != nil {
			return nil, err
		}
		c.wasm, c.ownsWasm = policy, true
		for _, d := range policy.Discarded {
			c.notes = append(c.notes, fmt.Sprintf("discarded an unusable compiled-policy cache entry (%s) and rebuilt it", d))
		}
	}
	if err := c.readFacts(ctx); err != nil {
		c.Close(ctx)
		return nil, err
	}
	return c, nil
}

// Close releases the Wasm build the checker compiled (WithWasmBuild).
func (c *Checker) Close(ctx context.Context) error {
	if !c.ownsWasm || c.wasm == nil {
		return nil
	}
	err := c.wasm.Close(ctx)
	c.wasm = nil
	return err
}

// Notes are what the checker's setup has to tell the user.
func (c *Checker) Notes() []string { return c.notes }

// readFacts reads from the policy, with whichever evaluator the checker
// uses, the route kinds, the inventory fields, the profiles and what the
// derived collections are computed from.
func (c *Checker) readFacts(ctx context.Context) error {
	eval, done, err := c.constants(ctx)
	if err != nil {
		return err
	}
	defer done()
	values := map[string]any{}
	for _, q := range []string{engine.RouteKindsQuery, engine.InventoryFieldsQuery, engine.CollectionsQuery, engine.ProfilesQuery, engine.DerivedReadsQuery, engine.DerivedNameReadsQuery} {
		if values[q], err = eval(q); err != nil {
			return fmt.Errorf("read %s from policy: %w", q, err)
		}
	}
	kinds, err := engine.RouteKindsOf(values[engine.RouteKindsQuery])
	if err != nil {
		return err
	}
	for _, k := range kinds {
		c.routeKinds[k] = true
	}
	if c.fields, err = engine.InventoryFieldsOf(values[engine.InventoryFieldsQuery]); err != nil {
		return err
	}
	if c.collections, err = inventory.TableOf(values[engine.CollectionsQuery]); err != nil {
		return err
	}
	if c.profiles, err = engine.ProfileNamesOf(values[engine.ProfilesQuery]); err != nil {
		return err
	}
	if c.controllers, err = engine.ProfileControllersOf(values[engine.ProfilesQuery]); err != nil {
		return err
	}
	own, err := engine.ProfileCollectionsOf(values[engine.ProfilesQuery])
	if err != nil {
		return err
	}
	c.byProfile = map[string]inventory.Table{}
	for name, collections := range own {
		table, err := c.collections.With(collections)
		if err != nil {
			return fmt.Errorf("profile %s: %w", name, err)
		}
		// A load keeps these objects whole (they are routes, checked
		// too): the index keeps what the policy reads of them.
		for collection := range collections {
			if f := c.fields[collection]; f != nil {
				table = table.Keeping(collection, f)
			}
		}
		c.byProfile[name] = table
	}
	if c.derivedReads, err = engine.DerivedReadsOf(values[engine.DerivedReadsQuery]); err != nil {
		return err
	}
	c.derivedNames, err = engine.DerivedNameReadsOf(values[engine.DerivedNameReadsQuery])
	return err
}

// constants evaluates queries that read no data: on an instance of the
// Wasm build without any, or with OPA's evaluator.
func (c *Checker) constants(ctx context.Context) (eval func(query string) (any, error), done func(), err error) {
	if c.wasm == nil {
		compiler, err := c.set.Compiler()
		if err != nil {
			return nil, nil, err
		}
		return func(q string) (any, error) { return engine.EvalConstant(ctx, compiler, q) }, func() {}, nil
	}
	inst, err := c.wasm.NewInstance(ctx, []byte("{}"))
	if err != nil {
		return nil, nil, err
	}
	return func(q string) (any, error) { return evalWasm[any](ctx, inst, q, []byte("{}")) }, func() { inst.Close(ctx) }, nil
}

// Profiles are the implementation profiles the policy defines, sorted.
func (c *Checker) Profiles() []string { return c.profiles }

// ProfileOf is the profile whose controller writes controllerName in route
// status, "" for a controller no profile names.
func (c *Checker) ProfileOf(controllerName string) string { return c.controllers[controllerName] }

// IsRoute tells whether objects of this apiVersion and kind are routes the
// policy checks. As a manifest.Options.Defer it keeps routes as text until
// they are evaluated, a batch per worker at a time.
func (c *Checker) IsRoute(apiVersion, kind string) bool {
	return manifest.APIGroup(apiVersion) == manifest.GatewayGroup && c.routeKinds[kind]
}

// InventoryFields names what the policy reads of objects of this kind when
// a reference resolves to one (nil: everything). As a
// manifest.Options.Fields it drops the rest of every Service and
// ServiceImport as it loads.
func (c *Checker) InventoryFields(apiVersion, kind string) manifest.Fields {
	return c.fields[c.collections.Of(apiVersion, kind)]
}

// Collections is the policy's table of inventory collections, with the
// config profile's own collections and the config's backend_lookups
// added (lib.refguard.config.collections): what a check indexes.
func (c *Checker) Collections(config map[string]any) inventory.Table {
	table := c.collections
	if name, _ := config["profile"].(string); c.byProfile[name].Names() != nil {
		table = c.byProfile[name]
	}
	return table.WithLookups(config["backend_lookups"])
}

// LoadOptions are the manifest options a check works best with: routes
// kept as text (and, for the Wasm evaluator, as the JSON it reads),
// inventory objects kept to the fields the policy reads.
func (c *Checker) LoadOptions() manifest.Options {
	if c.wasm == nil {
		return manifest.Options{Defer: c.IsRoute, Fields: c.InventoryFields}
	}
	return manifest.Options{Defer: c.deferredWithWasm, DeferredJSON: true, Fields: c.InventoryFields}
}

// deferredWithWasm: for the Wasm build, routes and the inventory kinds whose
// read fields the policy declares (Services, ServiceImports: the bulk of a
// cluster) are kept as the JSON it reads, never as OPA values; OPA's
// evaluator, if a batch needs it, parses them again.
func (c *Checker) deferredWithWasm(apiVersion, kind string) bool {
	return c.IsRoute(apiVersion, kind) || c.fields[c.collections.Of(apiVersion, kind)] != nil
}

// InventoryOptions are the manifest options for files that only serve as
// inventory (refguard check --inventory).
func (c *Checker) InventoryOptions() manifest.Options {
	return manifest.Options{Fields: c.InventoryFields}
}

func (c *Checker) isRoute(o *manifest.Object) bool { return c.IsRoute(o.APIVersion, o.Kind) }

func (c *Checker) isGrant(o *manifest.Object) bool {
	return c.collections.Of(o.APIVersion, o.Kind) == inventory.ReferenceGrants
}

// Check evaluates every route and ReferenceGrant in checked; lookup objects
// only serve as inventory. config is the policy config ({"profile": …}).
func (c *Checker) Check(ctx context.Context, checked *manifest.Result, lookup []manifest.Object, config map[string]any) (*report.Report, error) {
	cfg, err := engine.Config(config)
	if err != nil {
		return nil, err
	}
	objects, duplicates := groupDuplicates(checked.Objects)
	ev, err := c.newEvaluation(ctx, c.Collections(config), [][]manifest.Object{lookup, objects}, cfg)
	if err != nil {
		return nil, err
	}
	defer ev.close(ctx)
	rep := &report.Report{Findings: []report.Finding{}, Routes: []report.Route{}}
	rep.Summary.Files = len(checked.Files)
	rep.Summary.Objects = len(checked.Objects)
	var routes []*manifest.Object
	for i := range objects {
		if c.isRoute(&objects[i]) {
			routes = append(routes, &objects[i])
		}
	}
	reports, err := ev.routes(ctx, routes)
	if err != nil {
		return nil, err
	}
	var used []string
	for i, o := range routes {
		rr := reports[i]
		rep.Summary.Routes++
		rep.Summary.BackendRefs += rr.BackendRefs
		used = append(used, rr.UsedGrants...)
		rep.Findings = append(rep.Findings, rr.located...)
		rep.Routes = append(rep.Routes, report.Route{
			Object:     report.ObjectRef{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: inventory.Namespace(o), Name: o.Name},
			File:       o.File,
			Line:       o.Line,
			Conditions: []report.Condition{rr.Condition},
			Observed:   observed(o),
		})
	}
	if used == nil {
		used = []string{}
	}
	sort.Strings(used)
	var grants []*manifest.Object
	for i := range objects {
		if c.isGrant(&objects[i]) {
			grants = append(grants, &objects[i])
		}
	}
	grantFindings, err := ev.grants(ctx, grants, used)
	if err != nil {
		return nil, err
	}
	for _, fs := range grantFindings {
		rep.Findings = append(rep.Findings, fs...)
	}
	dupFindings, err := ev.duplicateFindings(ctx, duplicates)
	if err != nil {
		return nil, err
	}
	rep.Findings = append(rep.Findings, dupFindings...)
	for _, f := range rep.Findings {
		switch {
		case f.Suppression != nil:
			rep.Summary.Suppressed++
		case f.Severity == "error":
			rep.Summary.Errors++
		case f.Severity == "warning":
			rep.Summary.Warnings++
		default:
			rep.Summary.Infos++
		}
	}
	rep.Fallback = ev.fallback()
	Sort(rep)
	return rep, nil
}

// observed is the ResolvedRefs condition the input's status holds for a
// route, as a report condition.
func observed(o *manifest.Object) *report.Condition {
	if o.Observed == nil {
		return nil
	}
	return &report.Condition{Type: "ResolvedRefs", Status: o.Observed.Status, Reason: o.Observed.Reason, Message: o.Observed.Message, Controller: o.Observed.Controller}
}

// locate finds the line of a finding's field, falling back to its parents
// and then to the object.
func locate(o *manifest.Object, f report.PolicyFinding) report.Finding {
	line := o.Line
	for p := f.Field; p != ""; p = parent(p) {
		if l, ok := o.Lines[p]; ok {
			line = l
			break
		}
	}
	if f.Suppression == nil {
		f.Suppression = commentSuppression(o, f)
	}
	return report.Finding{PolicyFinding: f, File: o.File, Line: line, Source: o.Source}
}

// commentSuppression: a "# refguard:ignore" comment above the finding's
// field, or above a list item that holds it, that names the rule. Comments
// exist only in the files the CLI reads, so this is the one suppression Go
// applies; the annotation, which every context sees, is the policy's.
func commentSuppression(o *manifest.Object, f report.PolicyFinding) *report.Suppression {
	for p := f.Field; p != ""; p = parent(p) {
		ig, ok := o.Ignores[p]
		if !ok {
			continue
		}
		for _, r := range ig.Rules {
			if r == strings.ToLower(f.Rule) || r == f.Name || r == "all" {
				return &report.Suppression{Kind: "comment", Justification: ig.Reason}
			}
		}
	}
	return nil
}

func parent(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '.' || p[i] == '[' {
			return p[:i]
		}
	}
	return ""
}

// Sort orders findings by (file, line, rule, field, object, message, fix) and routes by
// (file, line, object): the same input always gives the same output.
func Sort(rep *report.Report) {
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Set != b.Set {
			return a.Set < b.Set
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		if ka, kb := objectKey(a.Object), objectKey(b.Object); ka != kb {
			return ka < kb
		}
		// Two findings of one rule on one field (rare): their text decides,
		// not the order an evaluator produced them in.
		if a.Message != b.Message {
			return a.Message < b.Message
		}
		return a.Fix < b.Fix
	})
	sort.SliceStable(rep.Routes, func(i, j int) bool {
		a, b := rep.Routes[i], rep.Routes[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Set != b.Set {
			return a.Set < b.Set
		}
		return objectKey(a.Object) < objectKey(b.Object)
	})
}

// Merge reports sets checked separately (check --each) as one: every
// finding and route is labelled with its set's name, the counts are added
// up (a file shared by two sets counts twice: it was checked twice), and
// the result is sorted.
func Merge(names []string, reports []*report.Report) *report.Report {
	out := &report.Report{Findings: []report.Finding{}, Routes: []report.Route{}}
	for i, rep := range reports {
		for _, f := range rep.Findings {
			f.Set = names[i]
			out.Findings = append(out.Findings, f)
		}
		for _, r := range rep.Routes {
			r.Set = names[i]
			out.Routes = append(out.Routes, r)
		}
		s := rep.Summary
		out.Summary.Files += s.Files
		out.Summary.Objects += s.Objects
		out.Summary.Routes += s.Routes
		out.Summary.BackendRefs += s.BackendRefs
		out.Summary.Errors += s.Errors
		out.Summary.Warnings += s.Warnings
		out.Summary.Suppressed += s.Suppressed
		out.Summary.Infos += s.Infos
		if f := rep.Fallback; f != nil {
			if out.Fallback == nil {
				out.Fallback = &report.Fallback{Error: f.Error}
			}
			out.Fallback.Batches += f.Batches
		}
	}
	Sort(out)
	return out
}

func objectKey(o report.ObjectRef) string {
	return o.Kind + "/" + o.Namespace + "/" + o.Name + "/" + o.APIVersion
}

// routeResult is a route's report with its findings located in its file.
type routeResult struct {
	*engine.RouteReport
	located []report.Finding
}
