package harness_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/rulemeta"
	"github.com/refguard/refguard/harness/wasm"
	"github.com/refguard/refguard/policy"
)

func newChecker(t testing.TB) *check.Checker {
	t.Helper()
	set, err := policyset.Embedded()
	require.NoError(t, err)
	c, err := check.NewChecker(context.Background(), set)
	require.NoError(t, err)
	return c
}

var tableChecker struct {
	once    sync.Once
	checker *check.Checker
	err     error
}

// collectionsFor is the table of collections a check under config indexes
// (check.Checker.Collections: the policy's, the config profile's own and
// the config's lookups): what a deployment replicates for that config.
func collectionsFor(t testing.TB, config map[string]any) inventory.Table {
	t.Helper()
	tableChecker.once.Do(func() {
		set, err := policyset.Embedded()
		if err != nil {
			tableChecker.err = err
			return
		}
		tableChecker.checker, tableChecker.err = check.NewChecker(context.Background(), set)
	})
	require.NoError(t, tableChecker.err)
	return tableChecker.checker.Collections(config)
}

// newWasmChecker evaluates routes with the policy compiled to Wasm, as
// refguard check does by default.
func newWasmChecker(t testing.TB, set *policyset.Set) *check.Checker {
	t.Helper()
	ctx := context.Background()
	policy, err := wasm.Load(ctx, set.Modules, engine.WasmEntrypoints(), "")
	require.NoError(t, err)
	t.Cleanup(func() { policy.Close(ctx) })
	c, err := check.NewChecker(ctx, set, check.WithWasm(policy))
	require.NoError(t, err)
	return c
}

func allRules(t testing.TB) []rulemeta.Rule {
	t.Helper()
	modules, err := engine.Modules(policy.FS)
	require.NoError(t, err)
	rules, err := rulemeta.Read(modules)
	require.NoError(t, err)
	return rules
}

// TestFixtures runs every fixture case through the embedded policy,
// compiled to Wasm as refguard check runs it (TestEveryContextAgrees
// holds OPA's evaluator to the same reports).
func TestFixtures(t *testing.T) {
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(cases), 60)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	checker := newWasmChecker(t, set)
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			o, err := fixture.Run(context.Background(), checker, c)
			require.NoError(t, err)
			require.Empty(t, o.Problems, "%s: %s", c.Name, c.Expected.Description)
			// Every expected finding pins what a user reads — its line,
			// its message and its fix — so a change to any of them fails
			// here; `refguard test --fill` writes them for review.
			for _, e := range c.Expected.Findings {
				require.NotZero(t, e.Line, "%s: %s %s has no line (refguard test --fill)", c.Name, e.Rule, e.Field)
				require.NotEmpty(t, e.Message, "%s: %s %s has no message (refguard test --fill)", c.Name, e.Rule, e.Field)
			}
			require.False(t, fixture.Fill(&c.Expected, o.Report), "%s: a finding's fix is not pinned (refguard test --fill)", c.Name)
		})
	}
}

// TestEveryRuleHasFixturesThatFireAndThatMustNot: fixtures/rules/<ID>-<name>/
// holds fires-* cases that expect the rule and near-miss-* cases that do not.
func TestEveryRuleHasFixturesThatFireAndThatMustNot(t *testing.T) {
	root := filepath.Join("..", "fixtures", "rules")
	for _, r := range allRules(t) {
		dir := filepath.Join(root, r.ID+"-"+r.Name)
		cases, err := fixture.Discover(dir)
		require.NoError(t, err, r.ID)
		fires, nearMisses := 0, 0
		for _, c := range cases {
			expects := false
			for _, f := range c.Expected.Findings {
				expects = expects || f.Rule == r.ID
			}
			base := filepath.Base(c.Dir)
			switch {
			case strings.HasPrefix(base, "fires-"):
				require.True(t, expects, "%s: a fires- case must expect %s", c.Dir, r.ID)
				fires++
			case strings.HasPrefix(base, "near-miss-"):
				require.False(t, expects, "%s: a near-miss case must not expect %s", c.Dir, r.ID)
				nearMisses++
			}
		}
		require.Positive(t, fires, "%s has no fires-* fixture in %s", r.ID, dir)
		require.Positive(t, nearMisses, "%s has no near-miss-* fixture in %s", r.ID, dir)
	}
}

// TestEveryRuleHasRegoTestsAndIsAggregated: a _test.rego beside every rule,
// and lib.refguard.all calls every rule package.
func TestEveryRuleHasRegoTestsAndIsAggregated(t *testing.T) {
	all, err := os.ReadFile(filepath.Join("..", "policy", "lib", "refguard", "all", "all.rego"))
	require.NoError(t, err)
	for _, r := range allRules(t) {
		test := strings.TrimSuffix(r.File, ".rego") + "_test.rego"
		_, err := os.Stat(filepath.Join("..", "policy", test))
		require.NoError(t, err, "%s has no %s", r.ID, test)
		short := strings.TrimPrefix(r.Package, "lib.refguard.rules.")
		require.Contains(t, string(all), short+".findings(", "%s is not called from lib.refguard.all", r.ID)
		src, err := os.ReadFile(filepath.Join("..", "policy", r.File))
		require.NoError(t, err)
		builds := false
		for _, builder := range []string{"finding", "reference_finding", "rejected"} {
			builds = builds || strings.Contains(string(src), `result.`+builder+`("`+r.ID+`"`)
		}
		require.True(t, builds, "%s builds findings under another id", r.File)
	}
}
