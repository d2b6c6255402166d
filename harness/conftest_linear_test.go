package harness_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
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
// thousand routes took three minutes. Besides the generated set, two
// shapes where a scan per reference would be quadratic: every route in a
// namespace of its own naming a Service found nowhere (the namespaces
// holding one of that name are looked up), and every route in a namespace
// of its own reaching one shared namespace that grants each of them.
func TestConftestQueryCostIsLinear(t *testing.T) {
	set, err := policyset.Embedded()
	require.NoError(t, err)
	compiler, err := set.Compiler()
	require.NoError(t, err)
	for name, manifests := range map[string]func(n int) []byte{
		"generated":        func(n int) []byte { return gen.Generate(n, 1).YAML },
		"found nowhere":    namespacePerRouteFoundNowhere,
		"shared namespace": namespacePerRouteGrantedByOne,
	} {
		t.Run(name, func(t *testing.T) {
			evaluations := func(n int) int {
				input := combinedInput(t, "set.yaml", manifests(n))
				counter := &evalCounter{}
				rs, err := rego.New(rego.Query("data.main.deny"), rego.Compiler(compiler), rego.Input(input), rego.QueryTracer(counter)).Eval(context.Background())
				require.NoError(t, err)
				require.NotEmpty(t, rs[0].Expressions[0].Value, "the set's failures are found")
				return counter.n
			}
			small, large := evaluations(100), evaluations(200)
			ratio := float64(large) / float64(small)
			t.Logf("%d evaluations for 100 routes, %d for 200: %.2f times", small, large, ratio)
			require.Less(t, ratio, 2.3, "the conftest query's cost grows faster than the set")
		})
	}
}

// namespacePerRouteFoundNowhere: n routes, each in a namespace of its own
// beside a Service, each naming Service "web", which no namespace holds
// (RG103 for every route).
func namespacePerRouteFoundNowhere(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata: {name: svc-%d, namespace: ns-%d}\nspec: {ports: [{port: 8080}]}\n---\n", i, i)
		fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r-%d, namespace: ns-%d}\nspec:\n  rules:\n    - backendRefs: [{name: web, port: 8080}]\n---\n", i, i)
	}
	return b.Bytes()
}

// namespacePerRouteGrantedByOne: n routes, each in a namespace of its own,
// each reaching its Service in namespace shared, which grants each route's
// namespace with a ReferenceGrant of its own, but for every third route
// (RG102, whose near misses are looked for among the grants); another
// third names port 9090, which its Service does not expose (RG105). (A
// Service name found nowhere would add the did-you-mean, which compares
// the name with every name in the target namespace, up to
// lib.refguard.similar.max_candidates.)
func namespacePerRouteGrantedByOne(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		svc := fmt.Sprintf("svc-%d", i)
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: shared}\nspec: {ports: [{port: 8080}]}\n---\n", svc)
		if i%3 != 1 {
			fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g-%d, namespace: shared}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ns-%d}]\n  to: [{group: \"\", kind: Service, name: %s}]\n---\n", i, i, svc)
		}
		port := 8080
		if i%3 == 0 {
			port = 9090
		}
		fmt.Fprintf(&b, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r-%d, namespace: ns-%d}\nspec:\n  rules:\n    - backendRefs: [{name: %s, namespace: shared, port: %d}]\n---\n", i, i, svc, port)
	}
	return b.Bytes()
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
