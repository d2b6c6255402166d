package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodedAtOnce is what JSON wrote before it streamed: the whole report
// through one json.Encoder (two-space indent, HTML unescaped).
func encodedAtOnce(t *testing.T, meta Meta, rep *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(newJSONReport(meta, rep)))
	return buf.Bytes()
}

func TestJSONIsTheEncodersOutputStreamed(t *testing.T) {
	meta := Meta{Tool: Tool{Name: "refguard", Version: "1.2.3", BundleRevision: "abc"}, Profile: "istio"}
	route := ObjectRef{APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute", Namespace: "team-a", Name: "web"}
	finding := func(i int) Finding {
		f := Finding{PolicyFinding: PolicyFinding{
			Rule: "RG103", Name: "backend-not-found", Severity: "error", Reason: "BackendNotFound", Object: route,
			Field:   fmt.Sprintf("spec.rules[%d].backendRefs[0]", i),
			Message: `Service team-a/api-svc not found; did you mean "api-service"? <a & b> ünïcödé`,
		}, File: "routes/web.yaml", Line: 10 + i}
		if i%2 == 0 {
			f.Fix = "set name: api-service"
			f.Suggestion = map[string]any{"name": "api-service", "score": 0.8, "edits": []any{map[string]any{"op": "set", "value": 8080}}}
		}
		return f
	}
	var many []Finding
	var routes []Route
	for i := range 25 {
		many = append(many, finding(i))
		routes = append(routes, Route{Object: route, File: "routes/web.yaml", Line: i + 1, Conditions: []Condition{
			{Type: "ResolvedRefs", Status: "False", Reason: "BackendNotFound", Message: "a\nb"},
		}})
	}
	for name, rep := range map[string]*Report{
		"nothing checked":               {},
		"no findings, no routes":        {Routes: []Route{}},
		"one finding":                   {Summary: Summary{Files: 1, Routes: 1, Errors: 1}, Findings: []Finding{finding(0)}, Routes: routes[:1]},
		"many findings and routes":      {Summary: Summary{Files: 3, Objects: 70, Routes: 25, BackendRefs: 25, Errors: 25}, Findings: many, Routes: routes},
		"a route without conditions":    {Routes: []Route{{Object: route, File: "x.yaml", Line: 1}}},
		"a route with empty conditions": {Routes: []Route{{Object: route, Conditions: []Condition{}}}},
	} {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			require.NoError(t, JSON(&got, meta, rep))
			assert.Equal(t, string(encodedAtOnce(t, meta, rep)), got.String())
			assert.True(t, json.Valid(got.Bytes()))
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestJSONReportsAWriteError(t *testing.T) {
	rep := &Report{Findings: []Finding{{PolicyFinding: PolicyFinding{Rule: "RG103", Message: string(bytes.Repeat([]byte("x"), 200<<10))}}}}
	err := JSON(&failingWriter{}, Meta{}, rep)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write JSON report: disk full")
}

func TestJSONReportsAnEncodingError(t *testing.T) {
	rep := &Report{Findings: []Finding{{PolicyFinding: PolicyFinding{Rule: "RG103", Suggestion: map[string]any{"bad": make(chan int)}}}}}
	err := JSON(&bytes.Buffer{}, Meta{}, rep)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "write JSON report")
}
