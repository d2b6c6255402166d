package harness_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/gatekeeper"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

// BenchmarkGatekeeperReview evaluates one route review the way Gatekeeper
// does per admission request, minus its webhook plumbing, against 10,000
// Services in 500 namespaces (and their ReferenceGrants) synced into
// data.inventory, stored as Gatekeeper's Rego driver stores it (plain JSON
// in OPA's in-memory store: what a query reads is converted on every
// query): through the aggregate template (one template, every rule) and
// through every per-rule template in turn. REFGUARD_BENCH_RULE limits the
// per-rule set.
func BenchmarkGatekeeperReview(b *testing.B) {
	_, loaded, route := generatedSet(b, 10000)
	modules, err := engine.Modules(policy.FS)
	require.NoError(b, err)
	modules["template-aggregate.rego"] = gatekeeper.AggregateModule()
	var perRule []string
	for _, r := range allRules(b) {
		if (r.Scope == "route" || r.Scope == "inventory") && (os.Getenv("REFGUARD_BENCH_RULE") == "" || os.Getenv("REFGUARD_BENCH_RULE") == r.ID) {
			modules["template-"+r.ID+".rego"] = gatekeeper.EntryModule(r)
			perRule = append(perRule, fmt.Sprintf("data.%s.violation", gatekeeper.TemplateName(r)))
		}
	}
	compiler, err := engine.Compile(modules)
	require.NoError(b, err)
	store := inmem.NewFromObjectWithOpts(inventory.GatekeeperShape(testsupport.Collections(b), loaded.Objects), inmem.OptRoundTripOnWrite(false))
	review := map[string]any{"review": map[string]any{"object": route}, "parameters": map[string]any{"severities": []any{"error", "warning", "info"}}}
	ctx := context.Background()
	for _, bench := range []struct {
		name    string
		queries []string
	}{
		{"aggregate", []string{"data.refguardbackendrefs.violation"}},
		{fmt.Sprintf("per-rule-templates=%d", len(perRule)), perRule},
	} {
		var prepared []rego.PreparedEvalQuery
		for _, q := range bench.queries {
			pq, err := rego.New(rego.Query(q), rego.Compiler(compiler), rego.Store(store)).PrepareForEval(ctx)
			require.NoError(b, err)
			prepared = append(prepared, pq)
		}
		b.Run(bench.name, func(b *testing.B) {
			latencies(b, func() {
				// Gatekeeper converts the review for each template it evaluates.
				for _, pq := range prepared {
					input, err := ast.InterfaceToValue(review)
					if err != nil {
						b.Fatal(err)
					}
					rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
					if err != nil {
						b.Fatal(err)
					}
					if v := rs[0].Expressions[0].Value.([]any); len(v) != 0 {
						b.Fatalf("route-15 is valid, got %v", v)
					}
				}
			})
		})
	}
}

// latencies runs review b.N times and reports the median and 99th
// percentile of single reviews next to the mean.
func latencies(b *testing.B, review func()) {
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		review()
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
}
