package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
)

// checkGeneratedSet writes a generated set to a file and runs refguard
// check over it as the CLI does, under the set's config; the file is
// returned for the other contexts.
func checkGeneratedSet(t *testing.T, checker *check.Checker, set gen.Set) (string, *report.Report) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "set.yaml")
	require.NoError(t, os.WriteFile(path, set.YAML, 0o644))
	loaded, err := manifest.LoadWithOptions([]string{path}, nil, checker.LoadOptions())
	require.NoError(t, err)
	require.Empty(t, loaded.Notes)
	rep, err := checker.Check(context.Background(), loaded, nil, set.Config)
	require.NoError(t, err)
	require.Equal(t, set.Routes, rep.Summary.Routes)
	return path, rep
}

// TestGeneratedSetFindsExactlyThePlantedFailures: every planted failure is
// found once, nothing else is an error.
func TestGeneratedSetFindsExactlyThePlantedFailures(t *testing.T) {
	set := gen.Generate(1000, 1)
	_, rep := checkGeneratedSet(t, newChecker(t), set)
	got := map[string]int{}
	for _, f := range rep.Findings {
		if f.Severity == "error" {
			got[f.Rule]++
		}
	}
	require.Equal(t, map[string]int(set.Planted), got)
	require.Equal(t, 1000, rep.Summary.Routes)
	require.Len(t, set.Planted, 4, "all four failure kinds planted")
}

// findingsPerRule counts a report's findings by rule.
func findingsPerRule(rep *report.Report) map[string]int {
	got := map[string]int{}
	for _, f := range rep.Findings {
		got[f.Rule]++
	}
	return got
}

// TestEveryRuleSetFindsExactlyThePlantedFailures: the EveryRule mix plants a
// failure of every rule of the catalogue; under the set's config the CLI
// finds exactly the planted findings, per rule, for several sizes and seeds
// (a seed rotates which route gets which failure).
func TestEveryRuleSetFindsExactlyThePlantedFailures(t *testing.T) {
	checker := newChecker(t)
	rules := allRules(t)
	for _, tc := range []struct {
		n    int
		seed uint64
	}{{4, 1}, {25, 4}, {239, 6}, {480, 1}, {1300, 2}, {12000, 3}} {
		set := gen.GenerateMix(tc.n, tc.seed, gen.EveryRule)
		for _, r := range rules {
			if tc.n >= 10*len(rules) { // one route in ten is broken, in turn
				require.Positive(t, set.Planted[r.ID], "%s is not planted (n=%d)", r.ID, tc.n)
			}
		}
		_, rep := checkGeneratedSet(t, checker, set)
		require.Equal(t, map[string]int(set.Planted), findingsPerRule(rep), "n=%d seed=%d", tc.n, tc.seed)
		require.Equal(t, tc.n, rep.Summary.Routes)
	}
}

// generatedSet writes a generated manifest set of n routes and loads it;
// route is route-15, a valid cross-namespace route, for single reviews.
func generatedSet(b *testing.B, n int) (path string, loaded *manifest.Result, route map[string]any) {
	b.Helper()
	set := gen.Generate(n, 1)
	path = filepath.Join(b.TempDir(), "set.yaml")
	require.NoError(b, os.WriteFile(path, set.YAML, 0o644))
	loaded, err := manifest.Load([]string{path}, nil)
	require.NoError(b, err)
	for _, o := range loaded.Objects {
		if o.Kind == "HTTPRoute" && o.Name == "route-15" {
			route = o.Body()
		}
	}
	require.NotNil(b, route)
	return path, loaded, route
}

func BenchmarkCheck(b *testing.B) {
	sizes := []int{1000, 10000}
	if os.Getenv("REFGUARD_BENCH_LARGE") != "" {
		sizes = append(sizes, 50000)
	}
	for _, n := range sizes {
		path, _, _ := generatedSet(b, n)
		info, err := os.Stat(path)
		require.NoError(b, err)
		set, err := policyset.Embedded()
		require.NoError(b, err)
		checkers := map[string]*check.Checker{"rego": newChecker(b), "wasm": newWasmChecker(b, set)}
		b.Run(fmt.Sprintf("load/routes=%d", n), func(b *testing.B) {
			b.SetBytes(info.Size())
			for i := 0; i < b.N; i++ {
				if _, err := manifest.Load([]string{path}, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, evaluator := range []string{"rego", "wasm"} {
			checker := checkers[evaluator]
			b.Run(fmt.Sprintf("check/evaluator=%s/routes=%d", evaluator, n), func(b *testing.B) {
				b.SetBytes(info.Size())
				for i := 0; i < b.N; i++ {
					loaded, err := manifest.LoadWithOptions([]string{path}, nil, checker.LoadOptions())
					if err != nil {
						b.Fatal(err)
					}
					if _, err := checker.Check(context.Background(), loaded, nil, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
