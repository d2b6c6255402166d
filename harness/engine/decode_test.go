package engine

import (
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// viaJSON decodes a report the way every other result is decoded: to Go
// values, to JSON and into the struct.
func viaJSON(t *testing.T, v ast.Value) *RouteReport {
	t.Helper()
	native, err := ast.JSON(v)
	require.NoError(t, err)
	raw, err := json.Marshal(native)
	require.NoError(t, err)
	var rr RouteReport
	require.NoError(t, json.Unmarshal(raw, &rr))
	return &rr
}

func TestDecodeRouteReportAgreesWithJSON(t *testing.T) {
	for name, report := range map[string]string{
		"healthy":                      `{"findings": set(), "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": "Resolved all the Object references for the Route"}, "used_grants": set(), "backend_refs": 1}`,
		"used grants, sorted as a set": `{"findings": set(), "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": ""}, "used_grants": {"b/allow", "a/allow"}, "backend_refs": 2}`,
		"arrays instead of sets":       `{"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": ""}, "used_grants": ["b/x", "a/y"], "backend_refs": 0}`,
		"findings with edits and a suggestion": `{"findings": {
			{"rule": "RG103", "name": "backend-not-found", "severity": "error", "reason": "BackendNotFound",
			 "object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "a", "name": "r"},
			 "field": "spec.rules[0].backendRefs[0]", "message": "Service a/api-svc not found", "fix": "set name: api-service",
			 "suggestion": {"name": "api-service", "score": 0.8},
			 "edits": [{"op": "set", "object": {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "namespace": "a", "name": "r"}, "field": "spec.rules[0].backendRefs[0].name", "value": "api-service"}]},
			{"rule": "RG501", "name": "backend-port-invalid", "severity": "error", "reason": "", "object": {"apiVersion": "v", "kind": "k", "namespace": "n", "name": "m"},
			 "field": "f", "message": "m", "fix": "", "edits": [{"op": "set", "object": {"apiVersion": "v", "kind": "k", "namespace": "n", "name": "m"}, "field": "f.port", "value": 8080}]}},
			"condition": {"type": "ResolvedRefs", "status": "False", "reason": "BackendNotFound", "message": "Service a/api-svc not found"}, "used_grants": set(), "backend_refs": 1}`,
		"missing fields are zero values":        `{}`,
		"null used grants and condition fields": `{"used_grants": null, "condition": {"type": null}}`,
		"unknown fields are ignored":            `{"backend_refs": 3, "extra": [1, 2]}`,
	} {
		t.Run(name, func(t *testing.T) {
			v := ast.MustParseTerm(report).Value
			got, err := decodeRouteReport(v)
			require.NoError(t, err)
			assert.Equal(t, viaJSON(t, v), got)
		})
	}
}

func TestDecodeRouteReportRejectsWrongTypes(t *testing.T) {
	for report, want := range map[string]string{
		`"report"`:                                 "a route report is string, not an object",
		`{"findings": "none"}`:                     "findings",
		`{"findings": {1}}`:                        "findings",
		`{"condition": []}`:                        "condition is array, not an object",
		`{"condition": {"status": true}}`:          "condition: status is boolean, not a string",
		`{"used_grants": "a/b"}`:                   "used_grants: string, not a set or an array",
		`{"used_grants": {"a/b", 1}}`:              "used_grants: an element is number, not a string",
		`{"backend_refs": "1"}`:                    "backend_refs is string, not a number",
		`{"backend_refs": 1.5}`:                    "backend_refs 1.5 is not an integer",
		`{"findings": set(), "backend_refs": {1}}`: "backend_refs is set, not a number",
	} {
		_, err := decodeRouteReport(ast.MustParseTerm(report).Value)
		require.Error(t, err, report)
		assert.Contains(t, err.Error(), want, report)
		assert.Contains(t, err.Error(), "decode policy result", report)
	}
}

func TestDecodeRouteReportsKeepsOrderAndNulls(t *testing.T) {
	got, err := decodeRouteReports(ast.MustParseTerm(`[{"backend_refs": 1}, null, {"backend_refs": 2}]`).Value)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, 1, got[0].BackendRefs)
	assert.Nil(t, got[1])
	assert.Equal(t, 2, got[2].BackendRefs)

	_, err = decodeRouteReports(ast.MustParseTerm(`{"backend_refs": 1}`).Value)
	assert.ErrorContains(t, err, "route reports are object, not an array")
	_, err = decodeRouteReports(ast.MustParseTerm(`[null, {"backend_refs": "x"}]`).Value)
	assert.ErrorContains(t, err, "report 1: decode policy result: backend_refs is string")
}
