package engine

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/policy"
)

// BenchmarkRefCacheAgainstOPAs keeps the hand-written virtual cache
// honest (docs/performance.md): refCache against OPA's own, on a batch of
// 32 generated routes, as the CLI's interpreter evaluates them.
func BenchmarkRefCacheAgainstOPAs(b *testing.B) {
	ctx := context.Background()
	modules, err := Modules(policy.FS)
	if err != nil {
		b.Fatal(err)
	}
	compiler, err := Compile(modules)
	if err != nil {
		b.Fatal(err)
	}
	tv, err := EvalConstant(ctx, compiler, CollectionsQuery)
	if err != nil {
		b.Fatal(err)
	}
	table, err := inventory.TableOf(tv)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "set.yaml")
	if err := os.WriteFile(path, gen.Generate(1000, 3).YAML, 0o644); err != nil {
		b.Fatal(err)
	}
	loaded, err := manifest.Load([]string{path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	inv, err := inventory.Build(table, loaded.Objects)
	if err != nil {
		b.Fatal(err)
	}
	e, err := New(ctx, compiler, inv, nil)
	if err != nil {
		b.Fatal(err)
	}
	var batch []*ast.Term
	for _, o := range loaded.Objects {
		if o.Kind == "HTTPRoute" && len(batch) < 32 {
			batch = append(batch, ast.NewTerm(o.Value))
		}
	}
	config, err := Config(nil)
	if err != nil {
		b.Fatal(err)
	}
	input := ast.NewObject(
		ast.Item(ast.InternedTerm("objects"), ast.ArrayTerm(batch...)),
		ast.Item(ast.InternedTerm("config"), ast.NewTerm(config)),
	)
	b.Run("cache=refCache", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.evalResult(ctx, e.routes, input); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cache=opa", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.routes.Eval(ctx, rego.EvalParsedInput(input)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
