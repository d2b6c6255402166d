package harness_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/policyset"
)

// TestConftestQueryCostIsLinear: the query conftest --combine asks
// (data.main.deny) evaluates a number of expressions that grows linearly
// with the set: twice the documents, at most 2.3 times the evaluations
// (did-you-mean scans grow with the generator's namespaces, a little). The
// work is counted, not timed. A lookup into a partial set rule, which OPA
// evaluates anew for every key, once made the adapter quadratic: a
// thousand routes took three minutes.
func TestConftestQueryCostIsLinear(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	compiler, err := set.Compiler()
	require.NoError(t, err)
	evaluations := func(n int) int {
		input := combinedInput(t, "set.yaml", gen.Generate(n, 1).YAML)
		counter := &evalCounter{}
		rs, err := rego.New(rego.Query("data.main.deny"), rego.Compiler(compiler), rego.Input(input), rego.QueryTracer(counter)).Eval(context.Background())
		require.NoError(t, err)
		require.NotEmpty(t, rs, "the generated set's planted failures are found")
		return counter.n
	}
	small, large := evaluations(100), evaluations(200)
	ratio := float64(large) / float64(small)
	t.Logf("%d evaluations for 100 routes, %d for 200: %.2f times", small, large, ratio)
	require.Less(t, ratio, 2.3, "the conftest query's cost grows faster than the set")
}

// combinedInput is what conftest --combine hands its policy for one
// multi-document file: {path, contents} per document.
func combinedInput(t *testing.T, path string, text []byte) []any {
	t.Helper()
	var out []any
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, map[string]any{"path": path, "contents": doc})
	}
}

// evalCounter counts the expressions OPA's evaluator evaluates.
type evalCounter struct{ n int }

func (c *evalCounter) Enabled() bool               { return true }
func (c *evalCounter) Config() topdown.TraceConfig { return topdown.TraceConfig{} }
func (c *evalCounter) TraceEvent(e topdown.Event) {
	if e.Op == topdown.EvalOp {
		c.n++
	}
}
