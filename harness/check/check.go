// Package check runs the policy over loaded manifests and assembles the
// report: findings with file and line, and the predicted ResolvedRefs
// condition of every route. Deterministic: sorted, byte-identical output.
package check

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/refguard/refguard/harness/astjson"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/wasm"
)

// Finding is a policy finding located in a file.
type Finding struct {
	engine.Finding
	File string `json:"file"`
	Line int    `json:"line"`
}

// Route is a checked route and its predicted conditions.
type Route struct {
	Object     engine.ObjectRef   `json:"object"`
	File       string             `json:"file"`
	Line       int                `json:"line"`
	Conditions []engine.Condition `json:"conditions"`
}

// Summary counts what was checked and found.
type Summary struct {
	Files       int `json:"files"`
	Objects     int `json:"objects"`
	Routes      int `json:"routes"`
	BackendRefs int `json:"backendRefs"`
	Errors      int `json:"errors"`
	Warnings    int `json:"warnings"`
	Infos       int `json:"infos"`
}

// Report is the result of a check.
type Report struct {
	Summary  Summary   `json:"summary"`
	Findings []Finding `json:"findings"`
	Routes   []Route   `json:"routes"`
}

// Checker evaluates manifests with one compiled policy.
type Checker struct {
	compiler   *ast.Compiler
	wasm       *wasm.Policy // nil: routes are evaluated by OPA's evaluator
	routeKinds map[string]bool
	fields     map[string]map[string][]string // manifest.Fields by inventory collection
}

// Option configures a Checker.
type Option func(*Checker)

// WithWasm evaluates routes with the same policy compiled to WebAssembly
// (engine.WasmEntrypoints; see package wasm), several times faster than
// OPA's evaluator. ReferenceGrants, and any batch the Wasm evaluation
// fails on, are still evaluated by OPA's evaluator, which also names the
// route an error comes from.
func WithWasm(p *wasm.Policy) Option { return func(c *Checker) { c.wasm = p } }

// NewChecker reads the route kinds and the fields read of inventory objects
// from the policy itself, so Go and Rego agree on what a route is and on
// what of a Service matters.
func NewChecker(ctx context.Context, compiler *ast.Compiler, opts ...Option) (*Checker, error) {
	kinds, err := engine.RouteKinds(ctx, compiler)
	if err != nil {
		return nil, err
	}
	fields, err := engine.InventoryFields(ctx, compiler)
	if err != nil {
		return nil, err
	}
	c := &Checker{compiler: compiler, routeKinds: map[string]bool{}, fields: fields}
	for _, opt := range opts {
		opt(c)
	}
	for _, k := range kinds {
		c.routeKinds[k] = true
	}
	return c, nil
}

// IsRoute tells whether objects of this apiVersion and kind are routes the
// policy checks. As a manifest.Options.Defer it keeps routes as text until
// they are evaluated, a batch per worker at a time.
func (c *Checker) IsRoute(apiVersion, kind string) bool {
	group, _, ok := strings.Cut(apiVersion, "/")
	return ok && group == manifest.GatewayGroup && c.routeKinds[kind]
}

// InventoryFields names what the policy reads of objects of this kind when
// a reference resolves to one (nil: everything). As a
// manifest.Options.Fields it drops the rest of every Service and
// ServiceImport as it loads.
func (c *Checker) InventoryFields(apiVersion, kind string) manifest.Fields {
	return c.fields[inventory.CollectionOf(apiVersion, kind)]
}

// LoadOptions are the manifest options a check works best with: routes
// kept as text (and, for the Wasm evaluator, as the JSON it reads),
// inventory objects kept to the fields the policy reads.
func (c *Checker) LoadOptions() manifest.Options {
	return manifest.Options{Defer: c.IsRoute, DeferredJSON: c.wasm != nil, Fields: c.InventoryFields}
}

// InventoryOptions are the manifest options for files that only serve as
// inventory (refguard check --inventory).
func (c *Checker) InventoryOptions() manifest.Options {
	return manifest.Options{Fields: c.InventoryFields}
}

func (c *Checker) isRoute(o *manifest.Object) bool { return c.IsRoute(o.APIVersion, o.Kind) }

func (c *Checker) isGrant(o *manifest.Object) bool {
	return inventory.CollectionOf(o.APIVersion, o.Kind) == inventory.ReferenceGrants
}

// Check evaluates every route and ReferenceGrant in checked; lookup objects
// only serve as inventory. config is the policy config ({"profile": …}).
func (c *Checker) Check(ctx context.Context, checked *manifest.Result, lookup []manifest.Object, config map[string]any) (*Report, error) {
	inv, err := inventory.Build(lookup, checked.Objects)
	if err != nil {
		return nil, err
	}
	eng, err := engine.New(ctx, c.compiler, inv, nil)
	if err != nil {
		return nil, err
	}
	cfg, err := engine.Config(config)
	if err != nil {
		return nil, err
	}
	rep := &Report{Findings: []Finding{}, Routes: []Route{}}
	rep.Summary.Files = len(checked.Files)
	rep.Summary.Objects = len(checked.Objects)
	var routes []*manifest.Object
	for i := range checked.Objects {
		if c.isRoute(&checked.Objects[i]) {
			routes = append(routes, &checked.Objects[i])
		}
	}
	evaluators, err := c.routeEvaluators(ctx, eng, cfg)
	if err != nil {
		return nil, err
	}
	reports, err := evalRoutes(ctx, evaluators, routes)
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
		rep.Routes = append(rep.Routes, Route{
			Object:     engine.ObjectRef{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: inventory.Namespace(o), Name: o.Name},
			File:       o.File,
			Line:       o.Line,
			Conditions: []engine.Condition{rr.Condition},
		})
	}
	if used == nil {
		used = []string{}
	}
	sort.Strings(used)
	var grants []*manifest.Object
	for i := range checked.Objects {
		if c.isGrant(&checked.Objects[i]) {
			grants = append(grants, &checked.Objects[i])
		}
	}
	grantFindings, err := evalGrants(ctx, eng, grants, cfg, engine.UsedGrants(used))
	if err != nil {
		return nil, err
	}
	for _, fs := range grantFindings {
		rep.Findings = append(rep.Findings, fs...)
	}
	for _, f := range rep.Findings {
		switch f.Severity {
		case "error":
			rep.Summary.Errors++
		case "warning":
			rep.Summary.Warnings++
		default:
			rep.Summary.Infos++
		}
	}
	Sort(rep)
	return rep, nil
}

// evalGrants evaluates ReferenceGrants on every core; the findings keep
// the grants' order and the first error in that order wins.
func evalGrants(ctx context.Context, eng *engine.Engine, grants []*manifest.Object, config ast.Value, used *ast.Term) ([][]Finding, error) {
	out := make([][]Finding, len(grants))
	errs := make([]error, len(grants))
	onEveryCore(len(grants), func() (func(int), func()) {
		return func(i int) {
			o := grants[i]
			gr, err := eng.EvalGrant(ctx, o.Value, config, used)
			if err != nil {
				errs[i] = fmt.Errorf("%s:%d: %s %s: %w", o.File, o.Line, o.Kind, o.Name, err)
				return
			}
			for _, f := range gr.Findings {
				out[i] = append(out[i], locate(o, f))
			}
		}, func() {}
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// onEveryCore runs jobs 0..n-1 on GOMAXPROCS workers (at most n). Each
// worker calls newWorker once for its job function and what to do when
// its jobs are done, so it can keep state (an evaluator) across its jobs.
func onEveryCore(n int, newWorker func() (job func(int), done func())) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job, done := newWorker()
			defer done()
			for i := range next {
				job(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// firstError is the first non-nil error, in order.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// locate finds the line of a finding's field, falling back to its parents
// and then to the object.
func locate(o *manifest.Object, f engine.Finding) Finding {
	line := o.Line
	for p := f.Field; p != ""; p = parent(p) {
		if l, ok := o.Lines[p]; ok {
			line = l
			break
		}
	}
	return Finding{Finding: f, File: o.File, Line: line}
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
func Sort(rep *Report) {
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
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
		return objectKey(a.Object) < objectKey(b.Object)
	})
}

func objectKey(o engine.ObjectRef) string {
	return o.Kind + "/" + o.Namespace + "/" + o.Name + "/" + o.APIVersion
}

// routeResult is a route's report with its findings located in its file.
type routeResult struct {
	*engine.RouteReport
	located []Finding
}

// maxRouteBatch is the most routes a worker takes at a time: adjacent
// deferred routes of a batch are parsed with one decoder, evaluated in one
// query, and a batch's values are all a worker holds.
const maxRouteBatch = 32

// evalRoutes evaluates routes on every core, a batch per query, materialising
// deferred ones a batch at a time per worker; results keep the input order.
func evalRoutes(ctx context.Context, newEvaluator func() *routeEvaluator, routes []*manifest.Object) ([]routeResult, error) {
	reports := make([]routeResult, len(routes))
	errs := make([]error, len(routes))
	workers := min(runtime.GOMAXPROCS(0), max(len(routes), 1))
	batch := min(max(len(routes)/(workers*4), 1), maxRouteBatch) // small sets still spread over the cores
	onEveryCore((len(routes)+batch-1)/batch, func() (func(int), func()) {
		ev := newEvaluator()
		conditions := map[engine.Condition]engine.Condition{} // one copy of each condition's strings, not one per route
		return func(b int) {
			start, end := b*batch, min((b+1)*batch, len(routes))
			ev.evalBatch(ctx, routes[start:end], reports[start:end], errs[start:end])
			for i := start; i < end; i++ {
				if errs[i] == nil {
					c := reports[i].Condition
					if kept, ok := conditions[c]; ok {
						reports[i].Condition = kept
					} else {
						conditions[c] = c
					}
				}
			}
		}, func() { ev.close(ctx) }
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return reports, nil
}

// routeEvaluator is one worker's evaluator: OPA's (shared, safe for
// concurrent use) and, with a Wasm policy, the worker's own instance of it.
type routeEvaluator struct {
	eng    *engine.Engine
	config ast.Value
	wasm   *wasmRoutes // nil without a Wasm policy
}

// routeEvaluators returns a constructor of one evaluator per worker.
func (c *Checker) routeEvaluators(ctx context.Context, eng *engine.Engine, config ast.Value) (func() *routeEvaluator, error) {
	if c.wasm == nil {
		return func() *routeEvaluator { return &routeEvaluator{eng: eng, config: config} }, nil
	}
	data, err := eng.DataJSON(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := astjson.Append(nil, config)
	if err != nil {
		return nil, fmt.Errorf("convert config: %w", err)
	}
	entrypoint := engine.Entrypoint(engine.RoutesQuery)
	return func() *routeEvaluator {
		return &routeEvaluator{eng: eng, config: config, wasm: &wasmRoutes{policy: c.wasm, entrypoint: entrypoint, data: data, config: cfg}}
	}, nil
}

func (ev *routeEvaluator) close(ctx context.Context) {
	if ev.wasm != nil {
		ev.wasm.close(ctx)
	}
}

// evalBatch evaluates a batch of routes in one query; when that fails
// (a route that does not parse, an evaluation error), each route on its
// own with OPA's evaluator, so every error names its route.
func (ev *routeEvaluator) evalBatch(ctx context.Context, routes []*manifest.Object, out []routeResult, errs []error) {
	if ev.wasm != nil && ev.evalWasmBatch(ctx, routes, out) {
		return
	}
	full, err := manifest.MaterializeAll(routes)
	if err != nil {
		full = routes // each parsed again on its own, to name its error
	} else if rrs, err := ev.evalRoutes(ctx, full); err == nil {
		for i := range rrs {
			out[i] = located(full[i], &rrs[i])
		}
		return
	}
	for i, o := range full {
		out[i], errs[i] = evalRoute(ctx, ev.eng, o, ev.config)
	}
}

// evalWasmBatch evaluates a batch with the Wasm build of the policy. Routes
// loaded with their JSON (Options.DeferredJSON) are not parsed again, except
// the few with findings, for the lines the findings point at. False when
// the batch has to take the general path.
func (ev *routeEvaluator) evalWasmBatch(ctx context.Context, routes []*manifest.Object, out []routeResult) bool {
	objs := routes
	for _, o := range routes {
		if o.Deferred() && o.JSON == nil {
			full, err := manifest.MaterializeAll(routes)
			if err != nil {
				return false
			}
			objs = full
			break
		}
	}
	rrs, err := ev.wasm.eval(ctx, objs)
	if err != nil {
		return false
	}
	for i := range rrs {
		o := objs[i]
		if len(rrs[i].Findings) > 0 && o.Deferred() {
			if o, err = o.Materialize(); err != nil {
				return false
			}
		}
		out[i] = located(o, &rrs[i])
	}
	return true
}

func (ev *routeEvaluator) evalRoutes(ctx context.Context, routes []*manifest.Object) ([]engine.RouteReport, error) {
	values := make([]ast.Object, len(routes))
	for i, o := range routes {
		values[i] = o.Value
	}
	return ev.eng.EvalRoutes(ctx, values, ev.config)
}

// wasmRoutes is a worker's Wasm evaluation: it converts its batches to
// input JSON, evaluates them on its own instance, created at its first
// batch, and decodes their reports. One instance per worker, each holding
// the inventory parsed into its own memory (about 14 times its JSON: 22 MB
// at 10,000 Services): sharing one instance between the workers saved
// that memory but serialised their evaluations (10k 1.8 → 2.1 s, 50k 8.5 →
// 12.0 s).
type wasmRoutes struct {
	policy     *wasm.Policy
	entrypoint string // engine.RoutesQuery in the Wasm build
	data       []byte // the data document, JSON
	config     []byte // the policy config, JSON
	inst       *wasm.Instance
	input      []byte // the last batch's input, its buffer reused
}

func (w *wasmRoutes) eval(ctx context.Context, routes []*manifest.Object) ([]engine.RouteReport, error) {
	if w.inst == nil {
		inst, err := w.policy.NewInstance(ctx, w.data)
		if err != nil {
			return nil, err
		}
		w.inst = inst
	}
	b := append(w.input[:0], `{"config":`...)
	b = append(b, w.config...)
	b = append(b, `,"objects":[`...)
	var err error
	for i, o := range routes {
		if i > 0 {
			b = append(b, ',')
		}
		if o.JSON != nil {
			b = append(b, o.JSON...)
		} else if b, err = astjson.Append(b, o.Value); err != nil {
			return nil, fmt.Errorf("convert route: %w", err)
		}
	}
	w.input = append(b, `]}`...)
	result, err := w.inst.Eval(ctx, w.entrypoint, w.input)
	if err != nil {
		w.close(ctx) // a failed instance is not used again; the next batch gets a new one
		return nil, err
	}
	return engine.DecodeRouteReports(result, len(routes))
}

func (w *wasmRoutes) close(ctx context.Context) {
	if w.inst != nil {
		w.inst.Close(ctx)
		w.inst = nil
	}
}

func evalRoute(ctx context.Context, eng *engine.Engine, o *manifest.Object, config ast.Value) (routeResult, error) {
	full, err := o.Materialize()
	if err != nil {
		return routeResult{}, err
	}
	rr, err := eng.EvalRoute(ctx, full.Value, config)
	if err != nil {
		return routeResult{}, fmt.Errorf("%s:%d: %s %s: %w", o.File, o.Line, o.Kind, o.Name, err)
	}
	return located(full, rr), nil
}

// located pairs a route's report with its findings located in the route.
func located(o *manifest.Object, rr *engine.RouteReport) routeResult {
	res := routeResult{RouteReport: rr}
	for _, f := range rr.Findings {
		res.located = append(res.located, locate(o, f))
	}
	return res
}
