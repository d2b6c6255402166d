package engine_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
)

// healthyRouteAllocationBudget: allocations OPA may make to evaluate one
// healthy route (one backendRef, same namespace) in a batch of 32. Measured:
// 723 with OPA v1.22.3; 1,397 before the context was returned as a finished
// value (docs/decisions.md 33), which this budget exists to catch: a route
// context left as an object literal is copied for every rule that takes it.
// An allocation count is a property of the policy and the OPA version, not
// of the machine: this is not a timing assertion. An OPA upgrade that moves
// it past the budget is a reason to look, then to re-measure the budget.
const healthyRouteAllocationBudget = 1000

func TestHealthyRouteAllocationBudget(t *testing.T) {
	ctx := context.Background()
	eng, routes, _ := generatedEngine(t, 300)
	config, err := engine.Config(nil)
	require.NoError(t, err)
	var healthy []ast.Object
	for _, r := range routes {
		rr, err := eng.EvalRoute(ctx, r, config)
		require.NoError(t, err)
		if len(rr.Findings) == 0 && len(rr.UsedGrants) == 0 && rr.BackendRefs == 1 && len(healthy) < 32 {
			healthy = append(healthy, r)
		}
	}
	require.Len(t, healthy, 32, "the generated set has healthy routes")
	perBatch := testing.AllocsPerRun(10, func() {
		if _, err := eng.EvalRoutes(ctx, healthy, config); err != nil {
			t.Fatal(err)
		}
	})
	perRoute := perBatch / float64(len(healthy))
	t.Logf("%.0f allocations per healthy route", perRoute)
	require.LessOrEqual(t, perRoute, float64(healthyRouteAllocationBudget),
		"a healthy route costs %.0f allocations, over the budget of %d", perRoute, healthyRouteAllocationBudget)
}

// BenchmarkEvalRoutesByKind: the cost of one route of each kind in a batch
// of 32, over the inventory of a generated 10,000-route set — the numbers
// docs/performance.md (round 5) tracks per change. Run with
// `go test -run '^$' -bench EvalRoutesByKind -benchmem ./harness/engine/`.
func BenchmarkEvalRoutesByKind(b *testing.B) {
	ctx := context.Background()
	eng, routes, _ := generatedEngine(b, 10000)
	config, err := engine.Config(nil)
	require.NoError(b, err)
	kinds := map[string][]ast.Object{}
	var order []string
	for _, r := range routes {
		rr, err := eng.EvalRoute(ctx, r, config)
		require.NoError(b, err)
		kind := "healthy"
		switch {
		case len(rr.Findings) > 0:
			kind = "finding=" + rr.Findings[0].Rule
		case len(rr.UsedGrants) > 0:
			kind = "cross-namespace"
		}
		if _, seen := kinds[kind]; !seen {
			order = append(order, kind)
		}
		if len(kinds[kind]) < 32 {
			kinds[kind] = append(kinds[kind], r)
		}
	}
	for _, kind := range order {
		batch := kinds[kind]
		b.Run(kind, func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for b.Loop() {
				if _, err := eng.EvalRoutes(ctx, batch, config); err != nil {
					b.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			n := float64(b.N * len(batch))
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/n, "allocs/route")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "B/route")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/1000, "µs/route")
		})
	}
}
