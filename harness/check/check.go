// Package check runs the policy over loaded manifests and assembles the
// report: findings with file and line, and the predicted ResolvedRefs
// condition of every route. Deterministic: sorted, byte-identical output.
package check

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
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
	routeKinds map[string]bool
}

// NewChecker reads the route kinds from the policy itself, so Go and Rego
// agree on what a route is.
func NewChecker(ctx context.Context, compiler *ast.Compiler) (*Checker, error) {
	rs, err := rego.New(rego.Query("data.lib.refguard.refs.route_kinds"), rego.Compiler(compiler)).Eval(ctx)
	if err != nil || len(rs) == 0 {
		return nil, fmt.Errorf("read route kinds from policy: %v", err)
	}
	kinds, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		return nil, fmt.Errorf("read route kinds from policy: unexpected %T", rs[0].Expressions[0].Value)
	}
	c := &Checker{compiler: compiler, routeKinds: map[string]bool{}}
	for _, k := range kinds {
		if s, ok := k.(string); ok {
			c.routeKinds[s] = true
		}
	}
	return c, nil
}

const gatewayGroup = "gateway.networking.k8s.io/"

func (c *Checker) isRoute(o *manifest.Object) bool {
	return len(o.APIVersion) > len(gatewayGroup) && o.APIVersion[:len(gatewayGroup)] == gatewayGroup && c.routeKinds[o.Kind]
}

func (c *Checker) isGrant(o *manifest.Object) bool {
	return inventory.CollectionOf(o.APIVersion, o.Kind) == inventory.ReferenceGrants
}

// Check evaluates every route and ReferenceGrant in checked; lookup objects
// only serve as inventory. config is the policy config ({"profile": …}).
func (c *Checker) Check(ctx context.Context, checked *manifest.Result, lookup []manifest.Object, config map[string]any) (*Report, error) {
	inv := inventory.Build(lookup, checked.Objects)
	eng, err := engine.New(ctx, c.compiler, inv, nil)
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
	reports, err := evalRoutes(ctx, eng, routes, config)
	if err != nil {
		return nil, err
	}
	var used []string
	for i, o := range routes {
		rr := reports[i]
		rep.Summary.Routes++
		rep.Summary.BackendRefs += rr.BackendRefs
		used = append(used, rr.UsedGrants...)
		for _, f := range rr.Findings {
			rep.Findings = append(rep.Findings, locate(o, f))
		}
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
	for i := range checked.Objects {
		o := &checked.Objects[i]
		if !c.isGrant(o) {
			continue
		}
		gr, err := eng.EvalGrant(ctx, o.Body, config, used)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s %s: %w", o.File, o.Line, o.Kind, o.Name, err)
		}
		for _, f := range gr.Findings {
			rep.Findings = append(rep.Findings, locate(o, f))
		}
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

// Sort orders findings by (file, line, rule, field, object) and routes by
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
		return objectKey(a.Object) < objectKey(b.Object)
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

// evalRoutes evaluates routes on every core; reports keep the input order.
func evalRoutes(ctx context.Context, eng *engine.Engine, routes []*manifest.Object, config map[string]any) ([]*engine.RouteReport, error) {
	reports := make([]*engine.RouteReport, len(routes))
	errs := make([]error, len(routes))
	workers := min(runtime.GOMAXPROCS(0), max(len(routes), 1))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o := routes[i]
				rr, err := eng.EvalRoute(ctx, o.Body, config)
				if err != nil {
					err = fmt.Errorf("%s:%d: %s %s: %w", o.File, o.Line, o.Kind, o.Name, err)
				}
				reports[i], errs[i] = rr, err
			}
		}()
	}
	for i := range routes {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return reports, nil
}
