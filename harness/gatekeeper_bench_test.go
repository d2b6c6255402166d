package harness_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/bundle"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/policy"
)

// BenchmarkGatekeeperReview evaluates one route review through every
// generated template's Rego (the same modules Gatekeeper loads) against
// 10,000 Services in 500 namespaces synced into data.inventory — what
// Gatekeeper does per admission request, minus its webhook plumbing.
func BenchmarkGatekeeperReview(b *testing.B) {
	_, loaded, route := generatedSet(b, 10000)
	modules, err := engine.Modules(policy.FS)
	require.NoError(b, err)
	rules := allRules(b)
	modules["template-aggregate.rego"] = bundle.AggregateModule()
	if os.Getenv("REFGUARD_BENCH_AGGREGATE") != "" {
		rules = nil
	}
	queries := []string{}
	if os.Getenv("REFGUARD_BENCH_AGGREGATE") != "" {
		queries = append(queries, "data.refguardbackendrefs.violation")
	}
	for _, r := range rules {
		if (r.Scope == "route" || r.Scope == "inventory") && (os.Getenv("REFGUARD_BENCH_RULE") == "" || os.Getenv("REFGUARD_BENCH_RULE") == r.ID) {
			modules["template-"+r.ID+".rego"] = bundle.EntryModule(r)
			queries = append(queries, fmt.Sprintf("data.%s.violation", bundle.TemplateName(r)))
		}
	}
	compiler, err := engine.Compile(modules)
	require.NoError(b, err)
	value, err := ast.InterfaceToValue(inventory.GatekeeperShape(loaded.Objects))
	require.NoError(b, err)
	store := inmem.NewFromObjectWithOpts(map[string]any{}, inmem.OptReturnASTValuesOnRead(true))
	ctx := context.Background()
	txn, err := store.NewTransaction(ctx, storageWrite)
	require.NoError(b, err)
	require.NoError(b, store.Write(ctx, txn, addOp, rootPath, value))
	require.NoError(b, store.Commit(ctx, txn))
	input, err := ast.InterfaceToValue(map[string]any{"review": map[string]any{"object": route}, "parameters": map[string]any{"severities": []any{"error", "warning", "info"}}})
	require.NoError(b, err)
	var prepared []rego.PreparedEvalQuery
	for _, q := range queries {
		pq, err := rego.New(rego.Query(q), rego.Compiler(compiler), rego.Store(store)).PrepareForEval(ctx)
		require.NoError(b, err)
		prepared = append(prepared, pq)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, pq := range prepared {
			rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
			if err != nil {
				b.Fatal(err)
			}
			if v := rs[0].Expressions[0].Value.([]any); len(v) != 0 {
				b.Fatalf("route-15 is valid, got %v", v)
			}
		}
	}
	b.ReportMetric(float64(len(prepared)), "templates")
}

var (
	storageWrite = storage.WriteParams
	addOp        = storage.AddOp
	rootPath     = storage.RootPath
)
