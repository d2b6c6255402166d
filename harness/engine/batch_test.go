package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

func generatedEngine(t testing.TB, n int) (*engine.Engine, []ast.Object, []ast.Object) {
	t.Helper()
	modules, err := engine.Modules(policy.FS)
	require.NoError(t, err)
	compiler, err := engine.Compile(modules)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "set.yaml")
	require.NoError(t, os.WriteFile(path, gen.Generate(n, 3).YAML, 0o644))
	loaded, err := manifest.Load([]string{path}, nil)
	require.NoError(t, err)
	inv, err := inventory.Build(testsupport.Collections(t), loaded.Objects)
	require.NoError(t, err)
	eng, err := engine.New(context.Background(), compiler, inv, nil)
	require.NoError(t, err)
	var routes, others []ast.Object
	for _, o := range loaded.Objects {
		if o.Kind == "HTTPRoute" {
			routes = append(routes, o.Value)
		} else {
			others = append(others, o.Value)
		}
	}
	return eng, routes, others
}

// A batch of routes gets the reports each route gets on its own, in order,
// whatever the batch size and under a config other than the default.
func TestEvalRoutesAgreesWithEvalRoute(t *testing.T) {
	ctx := context.Background()
	eng, routes, _ := generatedEngine(t, 300)
	for _, raw := range []map[string]any{nil, {"profile": "istio", "severity": map[string]any{"RG103": "warning", "RG401": "info"}}} {
		config, err := engine.Config(raw)
		require.NoError(t, err)
		single := make([]engine.RouteReport, len(routes))
		findings := 0
		for i, r := range routes {
			rr, err := eng.EvalRoute(ctx, r, config)
			require.NoError(t, err)
			single[i] = *rr
			findings += len(rr.Findings)
		}
		require.Positive(t, findings, "the generated set plants failures")
		for _, size := range []int{1, 7, 32, len(routes)} {
			var batched []engine.RouteReport
			for start := 0; start < len(routes); start += size {
				rrs, err := eng.EvalRoutes(ctx, routes[start:min(start+size, len(routes))], config)
				require.NoError(t, err)
				batched = append(batched, rrs...)
			}
			assert.Equal(t, single, batched, "batches of %d, config %v", size, raw)
		}
	}
}

func TestEvalRoutesRejectsWhatIsNotARoute(t *testing.T) {
	eng, routes, others := generatedEngine(t, 20)
	config, err := engine.Config(nil)
	require.NoError(t, err)
	_, err = eng.EvalRoutes(context.Background(), []ast.Object{routes[0], others[0], routes[1]}, config)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "object 1 of the batch is not a route")
	rrs, err := eng.EvalRoutes(context.Background(), nil, config)
	require.NoError(t, err)
	assert.Empty(t, rrs)
}
