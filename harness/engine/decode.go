package engine

import (
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/refguard/refguard/harness/report"
)

// Route reports are read from the AST value the query returns. Most routes
// have no finding, and their report (a condition, the used grants, a count)
// is read field by field; only findings, whose edits carry any value, go
// through JSON. Converting every report to Go values, to JSON and back cost
// 47 of a healthy route's 824 allocations. A field of the wrong type is an
// error naming the field, as the JSON decoder's would be; a missing one is
// its zero value, as with the JSON decoder.

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

// decodeRouteReports reads route_reports: an array of reports, null for an
// object that is not a route.
func decodeRouteReports(v ast.Value) ([]*RouteReport, error) {
	arr, ok := v.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("decode policy result: route reports are %s, not an array", ast.ValueName(v))
	}
	out := make([]*RouteReport, arr.Len())
	for i := range out {
		elem := arr.Elem(i).Value
		if _, null := elem.(ast.Null); null {
			continue
		}
		rr, err := decodeRouteReport(elem)
		if err != nil {
			return nil, fmt.Errorf("report %d: %w", i, err)
		}
		out[i] = rr
	}
	return out, nil
}

func decodeRouteReport(v ast.Value) (*RouteReport, error) {
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("decode policy result: a route report is %s, not an object", ast.ValueName(v))
	}
	var rr RouteReport
	var err error
	if rr.Findings, err = decodeFindings(obj.Get(ast.InternedTerm("findings"))); err != nil {
		return nil, err
	}
	if cond := obj.Get(ast.InternedTerm("condition")); cond != nil {
		c, ok := cond.Value.(ast.Object)
		if !ok {
			return nil, fmt.Errorf("decode policy result: condition is %s, not an object", ast.ValueName(cond.Value))
		}
		for _, field := range []struct {
			key string
			dst *string
		}{{"type", &rr.Condition.Type}, {"status", &rr.Condition.Status}, {"reason", &rr.Condition.Reason}, {"message", &rr.Condition.Message}} {
			if *field.dst, err = optionalString(c, field.key); err != nil {
				return nil, fmt.Errorf("decode policy result: condition: %w", err)
			}
		}
	}
	if rr.UsedGrants, err = decodeStrings(obj.Get(ast.InternedTerm("used_grants"))); err != nil {
		return nil, fmt.Errorf("decode policy result: used_grants: %w", err)
	}
	if n := obj.Get(ast.InternedTerm("backend_refs")); n != nil {
		num, ok := n.Value.(ast.Number)
		if !ok {
			return nil, fmt.Errorf("decode policy result: backend_refs is %s, not a number", ast.ValueName(n.Value))
		}
		count, ok := num.Int()
		if !ok {
			return nil, fmt.Errorf("decode policy result: backend_refs %v is not an integer", num)
		}
		rr.BackendRefs = count
	}
	return &rr, nil
}

// decodeFindings: an empty collection is an empty slice (what the JSON
// decoder makes of []), anything else goes through JSON.
func decodeFindings(t *ast.Term) ([]report.PolicyFinding, error) {
	if t == nil {
		return nil, nil
	}
	if n, ok := collectionLen(t.Value); ok && n == 0 {
		return []report.PolicyFinding{}, nil
	}
	native, err := ast.JSON(t.Value)
	if err != nil {
		return nil, fmt.Errorf("decode policy result: findings: %w", err)
	}
	raw, err := json.Marshal(native)
	if err != nil {
		return nil, fmt.Errorf("decode policy result: findings: %w", err)
	}
	var out []report.PolicyFinding
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decode policy result: findings: %w", err)
	}
	return out, nil
}

func collectionLen(v ast.Value) (int, bool) {
	switch c := v.(type) {
	case ast.Set:
		return c.Len(), true
	case *ast.Array:
		return c.Len(), true
	}
	return 0, false
}

// decodeStrings reads a set or an array of strings (sets in their sorted
// order, as their JSON form has them).
func decodeStrings(t *ast.Term) ([]string, error) {
	if t == nil {
		return nil, nil
	}
	if _, null := t.Value.(ast.Null); null {
		return nil, nil
	}
	n, ok := collectionLen(t.Value)
	if !ok {
		return nil, fmt.Errorf("%s, not a set or an array", ast.ValueName(t.Value))
	}
	out := make([]string, 0, n)
	var bad ast.Value
	each := func(x *ast.Term) {
		s, ok := x.Value.(ast.String)
		if !ok {
			if bad == nil {
				bad = x.Value
			}
			return
		}
		out = append(out, string(s))
	}
	switch c := t.Value.(type) {
	case ast.Set:
		c.Foreach(each)
	case *ast.Array:
		c.Foreach(each)
	}
	if bad != nil {
		return nil, fmt.Errorf("an element is %s, not a string", ast.ValueName(bad))
	}
	return out, nil
}

func optionalString(obj ast.Object, key string) (string, error) {
	t := obj.Get(ast.InternedTerm(key))
	if t == nil {
		return "", nil
	}
	switch v := t.Value.(type) {
	case ast.String:
		return string(v), nil
	case ast.Null:
		return "", nil
	}
	return "", fmt.Errorf("%s is %s, not a string", key, ast.ValueName(t.Value))
}
