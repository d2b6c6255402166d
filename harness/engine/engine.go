// Package engine compiles the refguard policy once and evaluates it with
// prepared queries against an in-memory store that holds the inventory.
// It never decides anything itself: every finding comes from Rego.
package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/refguard/refguard/harness/report"
)

// Queries the harness evaluates.
const (
	RoutesQuery = "data.refguard.harness.route_reports"
	GrantsQuery = "data.refguard.harness.grant_reports"
	// DuplicatesQuery evaluates the objects the set defines more than once.
	DuplicatesQuery = "data.refguard.harness.duplicate_findings"
	// DerivedQuery derives collections from the inventory collections
	// DerivedReadsQuery names, given as input: the indexes both evaluators
	// add to data.kubernetes once, before any route is evaluated.
	DerivedQuery      = "data.refguard.harness.derived"
	DerivedReadsQuery = "data.refguard.harness.derived_reads"
	// DerivedNameReadsQuery names the collections the derived ones read
	// by namespace and name only: both evaluators hand them over as
	// {namespace: {name: true}}, not their objects.
	DerivedNameReadsQuery = "data.refguard.harness.derived_name_reads"
	// What Go reads of the policy itself, never restates.
	RouteKindsQuery      = "data.refguard.harness.route_kinds"
	InventoryFieldsQuery = "data.lib.refguard.resolve.inventory_fields"
	CollectionsQuery     = "data.refguard.harness.collections"
	ProfilesQuery        = "data.lib.refguard.profiles.profiles"
)

// Entrypoint names a query's rule as an entrypoint of the policy compiled
// to Wasm: data.refguard.harness.route_reports is
// refguard/harness/route_reports.
func Entrypoint(query string) string {
	return strings.ReplaceAll(strings.TrimPrefix(query, "data."), ".", "/")
}

// WasmEntrypoints are the entrypoints a Wasm build of the policy needs:
// everything check evaluates, so a check served by the Wasm build never
// compiles the policy for OPA's evaluator.
func WasmEntrypoints() []string {
	queries := []string{RoutesQuery, GrantsQuery, DuplicatesQuery, DerivedReadsQuery, DerivedNameReadsQuery, DerivedQuery, RouteKindsQuery, InventoryFieldsQuery, CollectionsQuery, ProfilesQuery}
	out := make([]string, len(queries))
	for i, q := range queries {
		out[i] = Entrypoint(q)
	}
	return out
}

// RouteKinds returns the route kinds the policy checks
// (refguard.harness.route_kinds), sorted: Go reads them, never restates them.
func RouteKinds(ctx context.Context, compiler *ast.Compiler) ([]string, error) {
	v, err := EvalConstant(ctx, compiler, RouteKindsQuery)
	if err != nil {
		return nil, fmt.Errorf("read route kinds from policy: %w", err)
	}
	return RouteKindsOf(v)
}

// ProfileNames returns the implementation profiles the policy defines, sorted.
func ProfileNames(ctx context.Context, compiler *ast.Compiler) ([]string, error) {
	v, err := EvalConstant(ctx, compiler, ProfilesQuery)
	if err != nil {
		return nil, fmt.Errorf("read profiles from policy: %w", err)
	}
	return ProfileNamesOf(v)
}

// EvalConstant evaluates a query that needs no input or data with OPA's
// evaluator; nil when it is undefined.
func EvalConstant(ctx context.Context, compiler *ast.Compiler, query string) (any, error) {
	rs, err := rego.New(rego.Query(query), rego.Compiler(compiler)).Eval(ctx)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, nil
	}
	return rs[0].Expressions[0].Value, nil
}

// Modules reads every non-test .rego file of a policy tree.
func Modules(fsys fs.FS) (map[string]string, error) {
	modules := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".rego" || strings.HasSuffix(p, "_test.rego") {
			return nil
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("read policy %s: %w", p, err)
		}
		modules[p] = string(src)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	if len(modules) == 0 {
		return nil, fmt.Errorf("read policy: no .rego modules found")
	}
	return modules, nil
}

// Compile parses and compiles Rego v1 modules.
func Compile(modules map[string]string) (*ast.Compiler, error) {
	names := slices.Sorted(maps.Keys(modules))
	parsed := make(map[string]*ast.Module, len(modules))
	for _, name := range names {
		m, err := ast.ParseModuleWithOpts(name, modules[name], ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		if err != nil {
			return nil, fmt.Errorf("parse policy: %w", err)
		}
		parsed[name] = m
	}
	c := ast.NewCompiler().WithEnablePrintStatements(false)
	c.Compile(parsed)
	if c.Failed() {
		return nil, fmt.Errorf("compile policy: %w", c.Errors)
	}
	return c, nil
}

// Engine holds a compiled policy, a store and prepared queries.
type Engine struct {
	compiler *ast.Compiler
	routes   rego.PreparedEvalQuery
	grants   rego.PreparedEvalQuery
	store    storage.Store
	caches   *cachePool
}

// New prepares the harness queries over a compiled policy and the inventory
// (kube-mgmt shape: {"services": {ns: {name: obj}}, …}) stored at
// data.kubernetes, as OPA values (nothing is converted per query). extra
// adds other top-level data documents (may be nil; its "kubernetes", if
// any, is replaced by the inventory).
func New(ctx context.Context, compiler *ast.Compiler, inventory ast.Object, extra map[string]any) (*Engine, error) {
	value, err := ast.InterfaceToValue(extra)
	if err != nil {
		return nil, fmt.Errorf("load data: %w", err)
	}
	obj, ok := value.(ast.Object)
	if !ok {
		obj = ast.NewObject()
	}
	obj.Insert(ast.InternedTerm("kubernetes"), ast.NewTerm(inventory))
	store := inmem.NewFromObjectWithOpts(map[string]any{}, inmem.OptRoundTripOnWrite(false), inmem.OptReturnASTValuesOnRead(true))
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	if err := store.Write(ctx, txn, storage.AddOp, storage.RootPath, obj); err != nil {
		store.Abort(ctx, txn)
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	if err := store.Commit(ctx, txn); err != nil {
		return nil, fmt.Errorf("load inventory: %w", err)
	}
	if err := addDerived(ctx, compiler, store, inventory); err != nil {
		return nil, err
	}
	e := &Engine{compiler: compiler, store: store, caches: &cachePool{}}
	if e.routes, err = prepare(ctx, compiler, store, RoutesQuery, rego.GenerateJSON(astTerm)); err != nil {
		return nil, err
	}
	if e.grants, err = prepare(ctx, compiler, store, GrantsQuery); err != nil {
		return nil, err
	}
	return e, nil
}

// addDerived evaluates the policy's derived collections once, from the
// inventory collections they read (DerivedReadsQuery, and by name only
// DerivedNameReadsQuery) given as input, as
// the Wasm evaluation does, and stores each next to the inventory's own
// collections. A policy without refguard.harness.derived derives nothing.
func addDerived(ctx context.Context, compiler *ast.Compiler, store storage.Store, inventory ast.Object) error {
	reads, err := EvalConstant(ctx, compiler, DerivedReadsQuery)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	names, err := DerivedReadsOf(reads)
	if err != nil {
		return err
	}
	nameReads, err := EvalConstant(ctx, compiler, DerivedNameReadsQuery)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	byName, err := DerivedNameReadsOf(nameReads)
	if err != nil {
		return err
	}
	input := ast.NewObject()
	for _, name := range names {
		if v := inventory.Get(ast.InternedTerm(name)); v != nil {
			input.Insert(ast.InternedTerm(name), v)
		}
	}
	for _, name := range byName {
		if v := inventory.Get(ast.InternedTerm(name)); v != nil {
			input.Insert(ast.InternedTerm(name), ast.NewTerm(NamesOnly(v.Value)))
		}
	}
	rs, err := rego.New(
		rego.Query(DerivedQuery),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.ParsedInput(input),
		rego.SetRegoVersion(ast.RegoV1),
		rego.GenerateJSON(astTerm),
	).Eval(ctx)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil
	}
	t, err := resultTerm(rs[0].Expressions[0].Value)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	entries, ok := t.Value.(ast.Object)
	if !ok {
		return fmt.Errorf("derive inventory collections: %s is not an object", DerivedQuery)
	}
	derived, err := AssembleDerived(entries)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	err = derived.Iter(func(k, v *ast.Term) error {
		name, ok := k.Value.(ast.String)
		if !ok {
			return fmt.Errorf("collection name %v is not a string", k)
		}
		return store.Write(ctx, txn, storage.AddOp, storage.Path{"kubernetes", string(name)}, v.Value)
	})
	if err != nil {
		store.Abort(ctx, txn)
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	if err := store.Commit(ctx, txn); err != nil {
		return fmt.Errorf("derive inventory collections: %w", err)
	}
	return nil
}

func prepare(ctx context.Context, compiler *ast.Compiler, store storage.Store, query string, options ...func(*rego.Rego)) (rego.PreparedEvalQuery, error) {
	pq, err := rego.New(append([]func(*rego.Rego){
		rego.Query(query),
		rego.Compiler(compiler),
		rego.Store(store),
		rego.SetRegoVersion(ast.RegoV1),
	}, options...)...).PrepareForEval(ctx)
	if err != nil {
		return pq, fmt.Errorf("prepare %s: %w", query, err)
	}
	return pq, nil
}

// Decision evaluates any query (such as the admission decision) against the
// engine's policy and inventory and decodes its value into out.
func (e *Engine) Decision(ctx context.Context, query string, input map[string]any, out any) error {
	decide, err := e.Prepare(ctx, query)
	if err != nil {
		return err
	}
	return decide(ctx, input, out)
}

// Prepare prepares a query once; the returned function evaluates it.
func (e *Engine) Prepare(ctx context.Context, query string) (func(context.Context, map[string]any, any) error, error) {
	pq, err := prepare(ctx, e.compiler, e.store, query)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, input map[string]any, out any) error { return e.eval(ctx, pq, input, out) }, nil
}

// RouteReport is the policy's answer for one route.
type RouteReport struct {
	Findings    []report.PolicyFinding `json:"findings"`
	Condition   report.Condition       `json:"condition"`
	UsedGrants  []string               `json:"used_grants"`
	BackendRefs int                    `json:"backend_refs"`
}

// GrantReport is the policy's answer for one ReferenceGrant.
type GrantReport struct {
	Findings []report.PolicyFinding `json:"findings"`
}

// Config converts a policy config ({"profile": …}; nil for the defaults)
// once, for EvalRoute and EvalGrant.
func Config(config map[string]any) (ast.Value, error) {
	if config == nil {
		return ast.NewObject(), nil
	}
	v, err := ast.InterfaceToValue(config)
	if err != nil {
		return nil, fmt.Errorf("convert config: %w", err)
	}
	return v, nil
}

// EvalRoute evaluates one route: a batch of one, so that an error is
// about that route.
func (e *Engine) EvalRoute(ctx context.Context, obj ast.Object, config ast.Value) (*RouteReport, error) {
	rrs, err := e.EvalRoutes(ctx, []ast.Object{obj}, config)
	if err != nil {
		return nil, err
	}
	return &rrs[0], nil
}

// EvalRoutes evaluates a batch of routes in one query (what every route
// reads the same way is evaluated once per batch) and returns their reports
// in order. An object that is not a route is an error; so is any error of
// the batch, which EvalRoute on each route attributes to its route.
func (e *Engine) EvalRoutes(ctx context.Context, objs []ast.Object, config ast.Value) ([]RouteReport, error) {
	terms := make([]*ast.Term, len(objs))
	for i, o := range objs {
		terms[i] = ast.NewTerm(o)
	}
	input := ast.NewObject(
		ast.Item(ast.InternedTerm("objects"), ast.ArrayTerm(terms...)),
		ast.Item(ast.InternedTerm("config"), ast.NewTerm(config)),
	)
	t, err := e.evalTerm(ctx, e.routes, input)
	if err != nil {
		return nil, err
	}
	var out []*RouteReport
	if err := decodeValue(t.Value, &out); err != nil {
		return nil, err
	}
	return batchReports(out, len(objs), "route")
}

// batchReports checks that a batch has one report per object, each a
// report of what (a route, a ReferenceGrant), not null.
func batchReports[T any](out []*T, n int, what string) ([]T, error) {
	if len(out) != n {
		return nil, fmt.Errorf("evaluate policy: %d reports for %d objects", len(out), n)
	}
	reports := make([]T, len(out))
	for i, r := range out {
		if r == nil && n == 1 {
			return nil, fmt.Errorf("evaluate policy: no report: the policy does not take it for a %s", what)
		}
		if r == nil {
			return nil, fmt.Errorf("evaluate policy: object %d of the batch is not a %s", i, what)
		}
		reports[i] = *r
	}
	return reports, nil
}

// decodeBatchReports reads the result set of a batch query in OPA's JSON
// form ([{"result": [report, …]}], what a Wasm evaluation returns).
func decodeBatchReports[T any](resultSet []byte, n int, what string) ([]T, error) {
	var rs []struct {
		Result []*T `json:"result"`
	}
	if err := json.Unmarshal(resultSet, &rs); err != nil {
		return nil, fmt.Errorf("decode policy result: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate policy: %d results, want 1", len(rs))
	}
	return batchReports(rs[0].Result, n, what)
}

// DecodeRouteReports reads the result set of RoutesQuery for a batch of
// routes.
func DecodeRouteReports(resultSet []byte, routes int) ([]RouteReport, error) {
	return decodeBatchReports[RouteReport](resultSet, routes, "route")
}

// EvalGrant evaluates one ReferenceGrant; usedGrants (may be nil when the
// set is not complete) are the "ns/name" keys routes reported as used.
// It is evaluated as a batch of one, so that an error is about that grant.
func (e *Engine) EvalGrant(ctx context.Context, obj ast.Object, config ast.Value, usedGrants *ast.Term) (*GrantReport, error) {
	input := ast.NewObject(
		ast.Item(ast.InternedTerm("objects"), ast.ArrayTerm(ast.NewTerm(obj))),
		ast.Item(ast.InternedTerm("config"), ast.NewTerm(config)),
	)
	if usedGrants != nil {
		input.Insert(ast.InternedTerm("used_grants"), usedGrants)
	}
	var out []*GrantReport
	if err := e.evalValue(ctx, e.grants, input, &out); err != nil {
		return nil, err
	}
	grs, err := batchReports(out, 1, "grant")
	if err != nil {
		return nil, err
	}
	return &grs[0], nil
}

// UsedGrants converts the "ns/name" keys of used grants once, for EvalGrant:
// a set, so a grant's check looks its key up instead of building a set of
// every used grant again for each grant.
func UsedGrants(keys []string) *ast.Term {
	terms := make([]*ast.Term, len(keys))
	for i, k := range keys {
		terms[i] = ast.StringTerm(k)
	}
	return ast.SetTerm(terms...)
}

func (e *Engine) eval(ctx context.Context, pq rego.PreparedEvalQuery, input map[string]any, out any) error {
	value, err := ast.InterfaceToValue(input)
	if err != nil {
		return fmt.Errorf("convert input: %w", err)
	}
	return e.evalValue(ctx, pq, value, out)
}

// evalValue evaluates with a pooled virtual cache (see refCache) and
// decodes the result into out.
func (e *Engine) evalValue(ctx context.Context, pq rego.PreparedEvalQuery, value ast.Value, out any) error {
	result, err := e.evalResult(ctx, pq, value)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("decode policy result: %w", err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode policy result: %w", err)
	}
	return nil
}

// evalTerm evaluates a query prepared with astTerm and returns its AST term.
func (e *Engine) evalTerm(ctx context.Context, pq rego.PreparedEvalQuery, value ast.Value) (*ast.Term, error) {
	result, err := e.evalResult(ctx, pq, value)
	if err != nil {
		return nil, err
	}
	return resultTerm(result)
}

// evalResult evaluates with a pooled virtual cache (see refCache) and
// returns the query's one value.
func (e *Engine) evalResult(ctx context.Context, pq rego.PreparedEvalQuery, value ast.Value) (any, error) {
	cache := e.caches.get()
	defer e.caches.put(cache)
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(value), rego.EvalVirtualCache(cache))
	if err != nil {
		return nil, fmt.Errorf("evaluate policy: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return nil, fmt.Errorf("evaluate policy: no result (is the object a route or grant?)")
	}
	return rs[0].Expressions[0].Value, nil
}

// DecodeGrantReports reads the result set of GrantsQuery for a batch of
// ReferenceGrants.
func DecodeGrantReports(resultSet []byte, grants int) ([]GrantReport, error) {
	return decodeBatchReports[GrantReport](resultSet, grants, "ReferenceGrant")
}

// DecodeFindings reads the result set of a query whose value is a set of
// findings (DuplicatesQuery), in OPA's JSON form.
func DecodeFindings(resultSet []byte) ([]report.PolicyFinding, error) {
	var rs []struct {
		Result []report.PolicyFinding `json:"result"`
	}
	if err := json.Unmarshal(resultSet, &rs); err != nil {
		return nil, fmt.Errorf("decode policy result: %w", err)
	}
	if len(rs) != 1 {
		return nil, fmt.Errorf("evaluate policy: %d results, want 1", len(rs))
	}
	return rs[0].Result, nil
}

// astTerm makes a prepared query hand out its result as the AST term.
func astTerm(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// resultTerm is the AST term of a query evaluated with astTerm.
func resultTerm(v any) (*ast.Term, error) {
	t, ok := v.(*ast.Term)
	if !ok {
		return nil, fmt.Errorf("decode policy result: %T is not an AST term", v)
	}
	return t, nil
}

// decodeValue reads a result value into out through its JSON form (sets
// become arrays, in their sorted order), as every result of the Wasm build
// is read. A hand-written reader of the AST saved about 1 % of a check
// with OPA's evaluator, and only with it (docs/performance.md).
func decodeValue(v ast.Value, out any) error {
	native, err := ast.JSON(v)
	if err != nil {
		return fmt.Errorf("decode policy result: %w", err)
	}
	raw, err := json.Marshal(native)
	if err != nil {
		return fmt.Errorf("decode policy result: %w", err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode policy result: %w", err)
	}
	return nil
}
