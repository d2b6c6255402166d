package harness_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fix"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/report"
)

// repairCase runs fix over files as `refguard fix` does and asserts the
// repair invariant: the repair is never refused, no place that had no error
// has one afterwards, and what is left is what the final check reports.
// It returns the errors before and after.
func repairCase(t *testing.T, checker *check.Checker, names []string, files map[string][]byte, lookup []manifest.Object, config map[string]any) (before, after int) {
	t.Helper()
	recheck := func(names []string, contents map[string][]byte) (*report.Report, error) {
		loaded, err := manifest.LoadContents(names, contents, checker.LoadOptions())
		if err != nil {
			return nil, err
		}
		return checker.Check(context.Background(), loaded, lookup, config)
	}
	first, err := recheck(names, files)
	require.NoError(t, err)
	plan, err := fix.Repair(names, files, recheck, "")
	require.NoError(t, err, "the repair invariant held on this input")
	repaired := map[string][]byte{}
	for _, n := range names {
		repaired[n] = files[n]
		if c, ok := plan.Files[n]; ok {
			repaired[n] = c
		}
	}
	last, err := recheck(names, repaired)
	require.NoError(t, err)
	had := map[string]bool{}
	for _, f := range first.Findings {
		if f.Severity == "error" {
			had[fmt.Sprintf("%v %s", f.Object, f.Field)] = true
			before++
		}
	}
	for _, f := range last.Findings {
		if f.Severity == "error" {
			require.True(t, had[fmt.Sprintf("%v %s", f.Object, f.Field)], "a repair made %v %s fail (%s)", f.Object, f.Field, f.Rule)
			if f.Suppression == nil {
				after++ // a suppressed finding is neither repaired nor left to do
			}
		}
	}
	require.Len(t, plan.Skipped, after, "what fix says is left is what a check finds")
	return before, after
}

func readAll(t *testing.T, paths []string) ([]string, map[string][]byte) {
	t.Helper()
	files := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		files[p] = b
	}
	return paths, files
}

// TestFixKeepsTheRepairInvariant: over every fixture, the conformance
// corpus and generated sets (also randomly mutated), fix never breaks what
// worked. It logs the share of errors repaired fully.
func TestFixKeepsTheRepairInvariant(t *testing.T) {
	checker := newChecker(t)
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	var before, after int
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			var lookup []manifest.Object
			if len(c.Inventory) > 0 {
				inv, err := manifest.Load(c.Inventory, nil)
				require.NoError(t, err)
				lookup = inv.Objects
			}
			names, files := readAll(t, c.Manifests)
			b, a := repairCase(t, checker, names, files, lookup, c.Config())
			before, after = before+b, after+a
		})
	}
	t.Logf("fixtures: %d errors before fix, %d after (%d repaired)", before, after, before-after)

	before, after = 0, 0
	corpus, err := filepath.Glob(filepath.Join("..", "fixtures", "conformance", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, corpus)
	for _, p := range corpus {
		t.Run("conformance/"+filepath.Base(p), func(t *testing.T) {
			names, files := readAll(t, []string{p})
			b, a := repairCase(t, checker, names, files, nil, nil)
			before, after = before+b, after+a
		})
	}
	t.Logf("conformance corpus (%d cases): %d errors before fix, %d after (%d repaired)", len(corpus), before, after, before-after)

	before, after = 0, 0
	rng := rand.New(rand.NewPCG(3, 5))
	for seed := uint64(1); seed <= 6; seed++ {
		set := gen.GenerateMix(120, seed, gen.EveryRule)
		yaml := set.YAML
		if seed > 3 {
			yaml = mutate(rng, yaml)
		}
		t.Run(fmt.Sprintf("generated-%d", seed), func(t *testing.T) {
			b, a := repairCase(t, checker, []string{"set.yaml"}, map[string][]byte{"set.yaml": yaml}, nil, set.Config)
			before, after = before+b, after+a
		})
	}
	t.Logf("generated sets: %d errors before fix, %d after (%d repaired)", before, after, before-after)
}

// mutate damages a set the ways people do: a name with a letter dropped,
// a port changed, a namespace changed, a kind misspelt.
func mutate(rng *rand.Rand, yaml []byte) []byte {
	lines := bytes.Split(yaml, []byte("\n"))
	for i, l := range lines {
		if rng.IntN(12) != 0 {
			continue
		}
		t := bytes.TrimSpace(l)
		switch {
		case bytes.HasPrefix(t, []byte("- name: svc-")) || bytes.HasPrefix(t, []byte("name: svc-")):
			lines[i] = l[:len(l)-1]
		case bytes.HasPrefix(t, []byte("port: 8080")):
			lines[i] = bytes.Replace(l, []byte("8080"), []byte("80"), 1)
		case bytes.HasPrefix(t, []byte("kind: Service")):
			lines[i] = bytes.Replace(l, []byte("Service"), []byte("service"), 1)
		case bytes.HasPrefix(t, []byte("namespace: team-")):
			lines[i] = append(append([]byte{}, l...), 'x')
		}
	}
	return bytes.Join(lines, []byte("\n"))
}
