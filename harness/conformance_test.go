package harness_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
)

type conformanceCase struct {
	Case           string   `json:"case"`
	RemovedObjects []string `json:"removedObjects"`
	Routes         []struct {
		Kind      string `json:"kind"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
		Parents   []struct {
			Conditions map[string]struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
			} `json:"conditions"`
		} `json:"parents"`
	} `json:"routes"`
}

// TestConformanceCorpus predicts the route status of every Gateway API
// conformance case that touches backendRefs and asserts 100 % agreement
// with every ResolvedRefs condition the suite asserts or implies.
func TestConformanceCorpus(t *testing.T) {
	expected := conformanceCases(t)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	ctx := context.Background()
	checker, err := check.NewChecker(ctx, set)
	require.NoError(t, err)
	wasmChecker := newWasmChecker(t, set)

	compared, agreed := 0, 0
	for _, path := range expected {
		cc := readConformanceCase(t, path)
		t.Run(cc.Case, func(t *testing.T) {
			loaded, err := manifest.Load([]string{conformanceManifests(path)}, nil)
			require.NoError(t, err)
			rep, err := checker.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
			require.NoError(t, err)
			wasmRep, err := wasmChecker.Check(ctx, loaded, nil, map[string]any{"profile": "spec"})
			require.NoError(t, err)
			requireSameReport(t, rep, wasmRep)
			c, a := compareWithConformance(t, cc, rep, "spec", nil, nil)
			compared, agreed = compared+c, agreed+a
		})
	}
	t.Logf("conformance: %d/%d ResolvedRefs conditions agree", agreed, compared)
	require.Equal(t, compared, agreed, "agreement must be 100%%")
	require.Equal(t, corpusConditions(t, expected), compared, "every ResolvedRefs condition of every case is compared")
}

func conformanceCases(t *testing.T) []string {
	t.Helper()
	expected, err := filepath.Glob(filepath.Join("..", "fixtures", "conformance", "*.expected.json"))
	require.NoError(t, err)
	require.NotEmpty(t, expected, "conformance corpus missing")
	return expected
}

func readConformanceCase(t *testing.T, path string) conformanceCase {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var cc conformanceCase
	require.NoError(t, json.Unmarshal(raw, &cc))
	return cc
}

func conformanceManifests(expectedPath string) string {
	return strings.TrimSuffix(expectedPath, ".expected.json") + ".yaml"
}

// conformanceDifferences lists the conformance cases a profile's
// controller does not pass, by its own code and tests, with the reason.
const conformanceDifferences = "testdata/upstream/conformance.txt"

// compareWithConformance compares a report's predicted conditions with
// every ResolvedRefs condition a case asserts, failing on each that
// differs unless listed (a listed one is marked seen), and returns how
// many it compared and how many agree or are listed.
func compareWithConformance(t *testing.T, cc conformanceCase, rep *report.Report, profile string, listed map[string]string, seen map[string]bool) (compared, agreed int) {
	t.Helper()
	predicted := map[string]report.Route{}
	for _, r := range rep.Routes {
		predicted[fixture.ObjectKey(r.Object.Kind, r.Object.Namespace, r.Object.Name)] = r
	}
	for _, want := range cc.Routes {
		key := fixture.ObjectKey(want.Kind, want.Namespace, want.Name)
		got, ok := predicted[key]
		require.True(t, ok, "route %s not checked", key)
		for _, parent := range want.Parents {
			cond, ok := parent.Conditions["ResolvedRefs"]
			if !ok {
				continue
			}
			compared++
			c := got.Conditions[0]
			if c.Status == cond.Status && c.Reason == cond.Reason {
				agreed++
				continue
			}
			line := fmt.Sprintf("%s %s %s want %s got %s", profile, cc.Case, key, statusText(cond.Status, cond.Reason), statusText(c.Status, c.Reason))
			if _, ok := listed[line]; ok {
				seen[line] = true
				agreed++
				continue
			}
			t.Errorf("%s, %s %s: predicted ResolvedRefs=%s/%s (%s), conformance says %s/%s", profile, cc.Case, key, c.Status, c.Reason, c.Message, cond.Status, cond.Reason)
		}
	}
	return compared, agreed
}

// corpusConditions counts the ResolvedRefs conditions the corpus asserts,
// read apart from the comparison: the floor is every one of them.
func corpusConditions(t *testing.T, expected []string) int {
	t.Helper()
	n := 0
	for _, path := range expected {
		for _, r := range readConformanceCase(t, path).Routes {
			for _, p := range r.Parents {
				if _, ok := p.Conditions["ResolvedRefs"]; ok {
					n++
				}
			}
		}
	}
	return n
}

// TestConformanceCorpusIsTheSharedOne: the in-repo corpus is a copy of the
// peer suite's cases in ../shared/corpus/conformance; where that is at
// hand (the development machine), every case must be there and identical,
// so the copy cannot drift or lose a case unnoticed. A clone without it
// checks the copy alone (TestConformanceCorpus).
func TestConformanceCorpusIsTheSharedOne(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "corpus", "conformance")
	if _, err := os.Stat(shared); err != nil {
		t.Logf("no shared corpus at %s: the in-repo copy is checked alone", shared)
		return
	}
	local := filepath.Join("..", "fixtures", "conformance")
	for _, pattern := range []string{"*.yaml", "*.expected.json"} {
		want, err := filepath.Glob(filepath.Join(shared, pattern))
		require.NoError(t, err)
		got, err := filepath.Glob(filepath.Join(local, pattern))
		require.NoError(t, err)
		require.Equal(t, len(want), len(got), "cases in %s", pattern)
		for _, path := range want {
			a, err := os.ReadFile(path)
			require.NoError(t, err)
			b, err := os.ReadFile(filepath.Join(local, filepath.Base(path)))
			require.NoError(t, err, "%s is missing from fixtures/conformance", filepath.Base(path))
			require.Equal(t, string(a), string(b), "%s differs from the shared corpus", filepath.Base(path))
		}
	}
}

// TestConformanceCorpusUnderEveryProfile: a controller that passes the
// conformance suite writes the conditions the suite asserts, so every
// profile must agree with the corpus, but for the cases its controller
// does not pass (conformanceDifferences), where the profile follows the
// controller's own code and tests.
func TestConformanceCorpusUnderEveryProfile(t *testing.T) {
	expected := conformanceCases(t)
	checker := newChecker(t)
	ctx := context.Background()
	listed := readDifferences(t, conformanceDifferences)
	seen := map[string]bool{}
	defer func() {
		var stale []string
		for line := range listed {
			if !seen[line] {
				stale = append(stale, line)
			}
		}
		require.Empty(t, stale, "listed differences that no longer occur: remove them from %s", conformanceDifferences)
	}()
	for _, profile := range checker.Profiles() {
		compared, agreed := 0, 0
		for _, path := range expected {
			loaded, err := manifest.Load([]string{conformanceManifests(path)}, nil)
			require.NoError(t, err)
			rep, err := checker.Check(ctx, loaded, nil, map[string]any{"profile": profile})
			require.NoError(t, err)
			c, a := compareWithConformance(t, readConformanceCase(t, path), rep, profile, listed, seen)
			compared, agreed = compared+c, agreed+a
		}
		differ := 0
		for line := range seen {
			if strings.HasPrefix(line, profile+" ") {
				differ++
			}
		}
		t.Logf("%s: %d/%d ResolvedRefs conditions agree, %d listed in %s", profile, agreed-differ, compared, differ, conformanceDifferences)
		require.Equal(t, compared, agreed, "%s: agreement must be 100%%", profile)
		require.Equal(t, corpusConditions(t, expected), compared, "every ResolvedRefs condition of every case is compared")
	}
}
