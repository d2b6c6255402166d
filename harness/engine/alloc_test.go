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
// healthy route (one backendRef, same namespace) in a batch of 32, with a
// small margin over what the policy needs. It exists to catch the route
// context coming back as an object literal (docs/decisions.md 33), copied
// for every rule that takes it: that costs about two fifths more. An
// allocation count is a property of the policy and the OPA version, not of
// the machine: this is not a timing assertion. A change that moves it past
// the budget is a reason to look (the test logs the count), then, when
// the cost buys a check, to re-measure the budget.
const healthyRouteAllocationBudget = 1030

// batchesByKind evaluates every route of a generated set of n routes once
// and keeps up to 32 of each kind: "healthy" (one backendRef, no finding,
// no grant used), "cross-namespace" (no finding, a grant used),
// "finding=<rule>" (by its first finding) and "other"; kinds in the order
// they first appear.
func batchesByKind(tb testing.TB, n int) (*engine.Engine, ast.Value, []string, map[string][]ast.Object) {
	tb.Helper()
	eng, routes, _ := generatedEngine(tb, n)
	config, err := engine.Config(nil)
	require.NoError(tb, err)
	batches := map[string][]ast.Object{}
	var kinds []string
	for _, r := range routes {
		rr, err := eng.EvalRoute(context.Background(), r, config)
		require.NoError(tb, err)
		kind := "other"
		switch {
		case len(rr.Findings) > 0:
			kind = "finding=" + rr.Findings[0].Rule
		case len(rr.UsedGrants) > 0:
			kind = "cross-namespace"
		case rr.BackendRefs == 1:
			kind = "healthy"
		}
		if _, seen := batches[kind]; !seen {
			kinds = append(kinds, kind)
		}
		if len(batches[kind]) < 32 {
			batches[kind] = append(batches[kind], r)
		}
	}
	return eng, config, kinds, batches
}

func TestHealthyRouteAllocationBudget(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts under the race detector are not the product's (sync.Pool drops items at random)")
	}
	ctx := context.Background()
	eng, config, _, batches := batchesByKind(t, 300)
	healthy := batches["healthy"]
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
// docs/performance.md tracks per change. Run with
// `go test -run '^$' -bench EvalRoutesByKind -benchmem ./harness/engine/`.
func BenchmarkEvalRoutesByKind(b *testing.B) {
	ctx := context.Background()
	eng, config, kinds, batches := batchesByKind(b, 10000)
	for _, kind := range kinds {
		batch := batches[kind]
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
