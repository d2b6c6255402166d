package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
)

// TestStepGateDropsNoFinding: lib.refguard.all calls the rules that fire
// at one resolution step only for the steps a route's references stopped
// at. Every route of every fixture case and of a generated set, under the
// case's config and under every profile with every rule switched on, gets
// the same findings from lib.refguard.all as from the union of every
// route-level rule called unconditionally.
func TestStepGateDropsNoFinding(t *testing.T) {
	ctx := context.Background()
	ps, err := policyset.Embedded()
	require.NoError(t, err)
	const build = "data.lib.refguard.context.build(input.object, data.kubernetes, input.config)"
	var calls []string
	severity := map[string]any{}
	for _, r := range allRules(t) {
		severity[r.ID] = "info"
		if r.Scope == "route" || r.Scope == "inventory" {
			calls = append(calls, "data."+r.Package+".findings("+build+")")
		}
	}
	query := fmt.Sprintf(`{"gated": data.lib.refguard.all.route_findings(%s), "ungated": %s}`, build, strings.Join(calls, " | "))
	compiler, err := ps.Compiler()
	require.NoError(t, err)
	profiles, err := engine.ProfileNames(ctx, compiler)
	require.NoError(t, err)
	configs := []map[string]any{}
	for _, p := range profiles {
		configs = append(configs, map[string]any{"profile": p, "severity": severity})
	}

	type set struct {
		name    string
		checked *manifest.Result
		lookup  []manifest.Object
		config  map[string]any
	}
	var sets []set
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	for i := range cases {
		checked, lookup, err := cases[i].Load()
		require.NoError(t, err)
		sets = append(sets, set{cases[i].Name, checked, lookup, cases[i].Config()})
	}
	generated := gen.Generate(400, 7)
	path := filepath.Join(t.TempDir(), "set.yaml")
	require.NoError(t, os.WriteFile(path, generated.YAML, 0o644))
	checked, err := manifest.Load([]string{path}, nil)
	require.NoError(t, err)
	sets = append(sets, set{"generated", checked, nil, nil})

	checker := newChecker(t)
	fired := map[string]bool{}
	routes := 0
	for _, s := range sets {
		inv, err := inventory.Build(checker.Collections(nil), s.lookup, s.checked.Objects)
		require.NoError(t, err)
		eng, err := engine.New(ctx, compiler, inv, nil)
		require.NoError(t, err)
		eval, err := eng.Prepare(ctx, query)
		require.NoError(t, err)
		for _, o := range s.checked.Objects {
			if !checker.IsRoute(o.APIVersion, o.Kind) {
				continue
			}
			routes++
			for _, cfg := range append([]map[string]any{s.config}, configs...) {
				var got struct {
					Gated   []report.PolicyFinding `json:"gated"`
					Ungated []report.PolicyFinding `json:"ungated"`
				}
				require.NoError(t, eval(ctx, map[string]any{"object": o.Body(), "config": cfg}, &got))
				require.Equal(t, got.Ungated, got.Gated, "%s: %s %s/%s with config %v", s.name, o.Kind, o.Namespace, o.Name, cfg)
				for _, f := range got.Gated {
					fired[f.Rule] = true
				}
			}
		}
	}
	// Not vacuous: every route-level rule fired somewhere.
	var missing []string
	for _, r := range allRules(t) {
		if (r.Scope == "route" || r.Scope == "inventory") && !fired[r.ID] {
			missing = append(missing, r.ID)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "rules that fired on no route of %d", routes)
}
