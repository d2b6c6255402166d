package check

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/refguard/refguard/harness/astjson"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
	"github.com/refguard/refguard/harness/wasm"
)

// evaluation is one check's evaluators: OPA's, built when first needed
// (at once without a Wasm policy; with one, only for a batch the Wasm
// build fails on), and, with a Wasm policy, one instance per worker, kept
// from the routes to the grants.
type evaluation struct {
	interpreter *interpreter
	config      ast.Value
	wasm        *wasmEvaluation // nil without a Wasm policy

	// Batches the Wasm build failed on, evaluated again by OPA's
	// evaluator (which names the object an error is about), and the
	// first of those failures: never silent, the report carries them.
	fallbackMu    sync.Mutex
	fallbacks     int
	fallbackError string
}

// fellBack records a batch the Wasm build failed on.
func (ev *evaluation) fellBack(err error) {
	ev.fallbackMu.Lock()
	defer ev.fallbackMu.Unlock()
	if ev.fallbacks == 0 {
		ev.fallbackError = err.Error()
	}
	ev.fallbacks++
}

// fallback is what the report says of the batches that fell back (nil
// when none did).
func (ev *evaluation) fallback() *report.Fallback {
	ev.fallbackMu.Lock()
	defer ev.fallbackMu.Unlock()
	if ev.fallbacks == 0 {
		return nil
	}
	return &report.Fallback{Batches: ev.fallbacks, Error: ev.fallbackError}
}

// interpreter compiles the policy for OPA's evaluator and loads the
// inventory into it on first use; safe for concurrent use.
type interpreter struct {
	set         *policyset.Set
	collections inventory.Table
	objects     [][]manifest.Object // the inventory's objects, later ones winning
	once        sync.Once
	eng         *engine.Engine
	err         error
}

func (in *interpreter) engine(ctx context.Context) (*engine.Engine, error) {
	in.once.Do(func() {
		compiler, err := in.set.Compiler()
		if err != nil {
			in.err = err
			return
		}
		inv, err := inventory.Build(in.collections, in.objects...)
		if err != nil {
			in.err = err
			return
		}
		in.eng, in.err = engine.New(ctx, compiler, inv, nil)
	})
	return in.eng, in.err
}

// newEvaluation prepares a check's evaluators for the inventory of objects.
func (c *Checker) newEvaluation(ctx context.Context, collections inventory.Table, objects [][]manifest.Object, config ast.Value) (*evaluation, error) {
	ev := &evaluation{interpreter: &interpreter{set: c.set, collections: collections, objects: objects}, config: config}
	if c.wasm == nil {
		if _, err := ev.interpreter.engine(ctx); err != nil {
			return nil, err
		}
		return ev, nil
	}
	data, err := c.wasmData(ctx, collections, objects)
	if err != nil {
		return nil, err
	}
	cfg, err := astjson.Append(nil, config)
	if err != nil {
		return nil, fmt.Errorf("convert config: %w", err)
	}
	ev.wasm = &wasmEvaluation{policy: c.wasm, data: data, config: cfg}
	return ev, nil
}

// wasmData is the data document of the Wasm build: the inventory at
// data.kubernetes with the derived collections next to it, as engine.New
// stores them, written as JSON from the objects (those kept as JSON as
// they are). The derived ones are computed by the Wasm build too, from the
// collections they read (derived_reads) handed over as input, and the
// names of those they read by name only (derived_name_reads), so the
// whole inventory is parsed only by the workers' instances.
func (c *Checker) wasmData(ctx context.Context, table inventory.Table, objects [][]manifest.Object) ([]byte, error) {
	idx := inventory.IndexOf(table, objects...)
	collections, err := idx.JSON()
	if err != nil {
		return nil, err
	}
	if len(c.derivedReads)+len(c.derivedNames) > 0 {
		reads := map[string][]byte{}
		for _, name := range c.derivedReads {
			if v, ok := collections[name]; ok {
				reads[name] = v
			}
		}
		names := idx.NamesJSON()
		for _, name := range c.derivedNames {
			if v, ok := names[name]; ok {
				reads[name] = v
			}
		}
		inst, err := c.wasm.NewInstance(ctx, []byte("{}"))
		if err != nil {
			return nil, err
		}
		entries, err := evalWasm[json.RawMessage](ctx, inst, engine.DerivedQuery, jsonObject(reads))
		inst.Close(ctx)
		if err != nil {
			return nil, fmt.Errorf("derive inventory collections: %w", err)
		}
		if err := addAssembled(collections, entries); err != nil {
			return nil, fmt.Errorf("derive inventory collections: %w", err)
		}
	}
	return jsonObject(map[string][]byte{"kubernetes": jsonObject(collections)}), nil
}

// addAssembled nests the derived entries the Wasm build returned
// (engine.AssembleDerived, as OPA's evaluator does) and adds each derived
// collection to collections as JSON.
func addAssembled(collections map[string][]byte, entries json.RawMessage) error {
	if len(entries) == 0 {
		return nil // the policy derives nothing
	}
	v, err := ast.ValueFromReader(bytes.NewReader(entries))
	if err != nil {
		return err
	}
	obj, ok := v.(ast.Object)
	if !ok {
		return fmt.Errorf("%s is not an object", engine.DerivedQuery)
	}
	derived, err := engine.AssembleDerived(obj)
	if err != nil {
		return err
	}
	return derived.Iter(func(k, v *ast.Term) error {
		b, err := astjson.Append(nil, v.Value)
		if err != nil {
			return err
		}
		collections[string(k.Value.(ast.String))] = b
		return nil
	})
}

// jsonObject writes members (name → JSON text) as one JSON object, names
// sorted.
func jsonObject(members map[string][]byte) []byte {
	b := []byte{'{'}
	for i, name := range slices.Sorted(maps.Keys(members)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = astjson.AppendString(b, name)
		b = append(b, ':')
		b = append(b, members[name]...)
	}
	return append(b, '}')
}

// evalWasm evaluates the entrypoint of query on inst and decodes its one
// result (numbers as written, like OPA's own JSON decoding); the zero
// value when it is undefined.
func evalWasm[T any](ctx context.Context, inst *wasm.Instance, query string, input []byte) (T, error) {
	var results []struct {
		Result T `json:"result"`
	}
	rs, err := inst.Eval(ctx, engine.Entrypoint(query), input)
	if err != nil {
		var zero T
		return zero, err
	}
	d := json.NewDecoder(bytes.NewReader(rs))
	d.UseNumber()
	if err := d.Decode(&results); err != nil {
		var zero T
		return zero, fmt.Errorf("decode %s: %w", query, err)
	}
	if len(results) == 0 {
		var zero T
		return zero, nil
	}
	return results[0].Result, nil
}

func (ev *evaluation) close(ctx context.Context) {
	if ev.wasm != nil {
		ev.wasm.close(ctx)
	}
}

// worker is what one of the workers evaluates with.
type worker struct {
	ev   *evaluation
	wasm *wasmWorker // nil without a Wasm policy
}

func (ev *evaluation) worker() *worker {
	w := &worker{ev: ev}
	if ev.wasm != nil {
		w.wasm = ev.wasm.get()
	}
	return w
}

func (ev *evaluation) release(w *worker) {
	if w.wasm != nil {
		ev.wasm.put(w.wasm)
	}
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

// inBatches runs batches of at most maxBatch of n jobs on every core, each
// worker with its own worker; small sets still spread over the cores.
func (ev *evaluation) inBatches(n, maxBatch int, job func(w *worker, start, end int)) {
	workers := min(runtime.GOMAXPROCS(0), max(n, 1))
	batch := min(max(n/(workers*4), 1), maxBatch)
	onEveryCore((n+batch-1)/batch, func() (func(int), func()) {
		w := ev.worker()
		return func(b int) { job(w, b*batch, min((b+1)*batch, n)) }, func() { ev.release(w) }
	})
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

// maxRouteBatch is the most routes a worker takes at a time: adjacent
// deferred routes of a batch are parsed with one decoder, evaluated in one
// query, and a batch's values are all a worker holds.
const maxRouteBatch = 32

// maxGrantBatch is the most ReferenceGrants a worker takes at a time. Each
// batch's query reads every used grant (an array the Wasm build makes a
// set): with batches of 32, 5,000 grants cost 1.2 s of 6 at 50k, growing
// with the square of their number.
const maxGrantBatch = 1024

// routes evaluates routes on every core, a batch per query, materialising
// deferred ones a batch at a time per worker; results keep the input order.
func (ev *evaluation) routes(ctx context.Context, routes []*manifest.Object) ([]routeResult, error) {
	reports := make([]routeResult, len(routes))
	errs := make([]error, len(routes))
	var mu sync.Mutex
	conditions := map[report.Condition]report.Condition{} // one copy of each condition's strings, not one per route
	ev.inBatches(len(routes), maxRouteBatch, func(w *worker, start, end int) {
		w.routeBatch(ctx, routes[start:end], reports[start:end], errs[start:end])
		mu.Lock()
		defer mu.Unlock()
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
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return reports, nil
}

// routeBatch evaluates a batch of routes in one query; when that fails
// (a route that does not parse, an evaluation error), each route on its
// own with OPA's evaluator, so every error names its route.
func (w *worker) routeBatch(ctx context.Context, routes []*manifest.Object, out []routeResult, errs []error) {
	if w.wasm != nil {
		err := w.wasmRouteBatch(ctx, routes, out)
		if err == nil {
			return
		}
		w.ev.fellBack(err)
	}
	eng, err := w.ev.interpreter.engine(ctx)
	if err != nil {
		for i := range routes {
			errs[i] = err
		}
		return
	}
	full, err := manifest.MaterializeAll(routes)
	if err != nil {
		full = routes // each parsed again on its own, to name its error
	} else if rrs, err := evalRoutes(ctx, eng, full, w.ev.config); err == nil {
		for i := range rrs {
			out[i] = located(full[i], &rrs[i])
		}
		return
	}
	for i, o := range full {
		out[i], errs[i] = evalRoute(ctx, eng, o, w.ev.config)
	}
}

// wasmRouteBatch evaluates a batch with the Wasm build of the policy.
// Routes loaded with their JSON (Options.DeferredJSON) are not parsed
// again, except the few with findings, for the lines the findings point
// at. An error sends the batch down the general path.
func (w *worker) wasmRouteBatch(ctx context.Context, routes []*manifest.Object, out []routeResult) error {
	objs := routes
	for _, o := range routes {
		if o.Deferred() && o.JSON == nil {
			full, err := manifest.MaterializeAll(routes)
			if err != nil {
				return err
			}
			objs = full
			break
		}
	}
	result, err := w.wasm.eval(ctx, engine.Entrypoint(engine.RoutesQuery), objs, nil)
	if err != nil {
		return err
	}
	rrs, err := engine.DecodeRouteReports(result, len(objs))
	if err != nil {
		return err
	}
	for i := range rrs {
		o := objs[i]
		if len(rrs[i].Findings) > 0 && o.Deferred() {
			if o, err = o.Materialize(); err != nil {
				return err
			}
		}
		out[i] = located(o, &rrs[i])
	}
	return nil
}

func evalRoutes(ctx context.Context, eng *engine.Engine, routes []*manifest.Object, config ast.Value) ([]engine.RouteReport, error) {
	values := make([]ast.Object, len(routes))
	for i, o := range routes {
		values[i] = o.Value
	}
	return eng.EvalRoutes(ctx, values, config)
}

func evalRoute(ctx context.Context, eng *engine.Engine, o *manifest.Object, config ast.Value) (routeResult, error) {
	full, err := o.Materialize()
	if err != nil {
		return routeResult{}, err
	}
	rr, err := eng.EvalRoute(ctx, full.Value, config)
	if err != nil {
		return routeResult{}, o.Errorf(err)
	}
	return located(full, rr), nil
}

// located pairs a route's report with its findings located in the route.
func located(o *manifest.Object, rr *engine.RouteReport) routeResult {
	return routeResult{RouteReport: rr, located: locateAll(o, rr.Findings)}
}

// locateAll locates the findings of one object in it.
func locateAll(o *manifest.Object, findings []report.PolicyFinding) []report.Finding {
	var out []report.Finding
	for _, f := range findings {
		out = append(out, locate(o, f))
	}
	return out
}

// usedGrants is the "ns/name" of every grant a route used, in the form
// each evaluator takes it.
type usedGrants struct {
	term func() *ast.Term // OPA's evaluator: a set, built once, when first needed
	json []byte           // the Wasm build: an array, made a set once per batch
}

// grants evaluates ReferenceGrants on every core, a batch per query with
// the Wasm build (one at a time with OPA's evaluator); the findings keep
// the grants' order and the first error in that order wins.
func (ev *evaluation) grants(ctx context.Context, grants []*manifest.Object, used []string) ([][]report.Finding, error) {
	u := usedGrants{term: sync.OnceValue(func() *ast.Term { return engine.UsedGrants(used) })}
	if ev.wasm != nil {
		var err error
		if u.json, err = json.Marshal(used); err != nil {
			return nil, fmt.Errorf("convert used grants: %w", err)
		}
	}
	out := make([][]report.Finding, len(grants))
	errs := make([]error, len(grants))
	ev.inBatches(len(grants), maxGrantBatch, func(w *worker, start, end int) {
		w.grantBatch(ctx, grants[start:end], u, out[start:end], errs[start:end])
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return out, nil
}

func (w *worker) grantBatch(ctx context.Context, grants []*manifest.Object, used usedGrants, out [][]report.Finding, errs []error) {
	if w.wasm != nil {
		err := w.wasmGrantBatch(ctx, grants, used, out)
		if err == nil {
			return
		}
		w.ev.fellBack(err)
	}
	eng, err := w.ev.interpreter.engine(ctx)
	for i, o := range grants {
		if err != nil {
			errs[i] = err
			continue
		}
		gr, err := eng.EvalGrant(ctx, o.Value, w.ev.config, used.term())
		if err != nil {
			errs[i] = o.Errorf(err)
			continue
		}
		out[i] = locateAll(o, gr.Findings)
	}
}

// wasmGrantBatch evaluates a batch of grants with the Wasm build of the
// policy.
func (w *worker) wasmGrantBatch(ctx context.Context, grants []*manifest.Object, used usedGrants, out [][]report.Finding) error {
	result, err := w.wasm.eval(ctx, engine.Entrypoint(engine.GrantsQuery), grants, used.json)
	if err != nil {
		return err
	}
	grs, err := engine.DecodeGrantReports(result, len(grants))
	if err != nil {
		return err
	}
	for i := range grs {
		out[i] = locateAll(grants[i], grs[i].Findings)
	}
	return nil
}

// wasmEvaluation holds a check's Wasm instances: each worker takes one
// (created at its first batch), and gives it back when its jobs are done,
// for the next phase's workers.
type wasmEvaluation struct {
	policy *wasm.Policy
	data   []byte // the data document, JSON
	config []byte // the policy config, JSON
	mu     sync.Mutex
	idle   []*wasmWorker
}

func (e *wasmEvaluation) get() *wasmWorker {
	e.mu.Lock()
	defer e.mu.Unlock()
	if n := len(e.idle); n > 0 {
		w := e.idle[n-1]
		e.idle = e.idle[:n-1]
		return w
	}
	return &wasmWorker{e: e}
}

func (e *wasmEvaluation) put(w *wasmWorker) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.idle = append(e.idle, w)
}

func (e *wasmEvaluation) close(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, w := range e.idle {
		w.close(ctx)
	}
	e.idle = nil
}

// wasmWorker is a worker's Wasm evaluation: it converts its batches to
// input JSON and evaluates them on its own instance, created at its first
// batch. One instance per worker, each holding the inventory parsed into
// its own memory (several times its JSON): sharing one instance between
// the workers would save that memory but serialise their evaluations
// (docs/performance.md).
type wasmWorker struct {
	e     *wasmEvaluation
	inst  *wasm.Instance
	input []byte // the last batch's input, its buffer reused
}

// eval evaluates an entrypoint of the batch form: input {"config": …,
// "objects": [...], "used_grants": used (when given)}.
func (w *wasmWorker) eval(ctx context.Context, entrypoint string, objs []*manifest.Object, used []byte) ([]byte, error) {
	if w.inst == nil {
		inst, err := w.e.policy.NewInstance(ctx, w.e.data)
		if err != nil {
			return nil, err
		}
		w.inst = inst
	}
	b := append(w.input[:0], `{"config":`...)
	b = append(b, w.e.config...)
	if used != nil {
		b = append(b, `,"used_grants":`...)
		b = append(b, used...)
	}
	b = append(b, `,"objects":[`...)
	var err error
	for i, o := range objs {
		if i > 0 {
			b = append(b, ',')
		}
		if o.JSON != nil {
			b = append(b, o.JSON...)
		} else if b, err = astjson.Append(b, o.Value); err != nil {
			return nil, fmt.Errorf("convert %s: %w", o.Kind, err)
		}
	}
	w.input = append(b, `]}`...)
	result, err := w.inst.Eval(ctx, entrypoint, w.input)
	if err != nil {
		w.close(ctx) // a failed instance is not used again; the next batch gets a new one
		return nil, err
	}
	return result, nil
}

// evalInput evaluates an entrypoint on an input built by the caller.
func (w *wasmWorker) evalInput(ctx context.Context, entrypoint string, input []byte) ([]byte, error) {
	if w.inst == nil {
		inst, err := w.e.policy.NewInstance(ctx, w.e.data)
		if err != nil {
			return nil, err
		}
		w.inst = inst
	}
	result, err := w.inst.Eval(ctx, entrypoint, input)
	if err != nil {
		w.close(ctx)
		return nil, err
	}
	return result, nil
}

func (w *wasmWorker) close(ctx context.Context) {
	if w.inst != nil {
		w.inst.Close(ctx)
		w.inst = nil
	}
}
