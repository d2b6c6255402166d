package harness_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
)

// TestReportsDoNotDependOnArgumentOrder: every fixture case, its documents
// split one per file, checked with the files in order, reversed and
// rotated, by both evaluators, gives the same report byte for byte. A set
// that defines an object twice is read from the first copy by path, never
// from whichever file came last on the command line.
func TestReportsDoNotDependOnArgumentOrder(t *testing.T) {
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	checkers := map[string]*check.Checker{"rego": newChecker(t), "wasm": newWasmChecker(t, set)}
	ctx := context.Background()
	permuted := 0
	for i := range cases {
		c := &cases[i]
		files := splitDocuments(t, c.Manifests)
		if len(files) < 2 {
			continue
		}
		permuted++
		reversed := slices.Clone(files)
		slices.Reverse(reversed)
		rotated := append(slices.Clone(files[len(files)/2:]), files[:len(files)/2]...)
		for name, checker := range checkers {
			var want []byte
			for _, order := range [][]string{files, reversed, rotated} {
				loaded, err := manifest.LoadWithOptions(order, nil, checker.LoadOptions())
				require.NoError(t, err, c.Name)
				var lookup []manifest.Object
				if len(c.Inventory) > 0 {
					inv, err := manifest.LoadWithOptions(c.Inventory, nil, checker.InventoryOptions())
					require.NoError(t, err, c.Name)
					lookup = inv.Objects
				}
				rep, err := checker.Check(ctx, loaded, lookup, c.Config())
				require.NoError(t, err, c.Name)
				got := reportJSON(t, rep)
				if want == nil {
					want = []byte(got)
					continue
				}
				require.Equal(t, string(want), got, "%s (%s): the report changed with the order of %v", c.Name, name, order)
			}
		}
	}
	require.GreaterOrEqual(t, permuted, 50, "cases with more than one document")
}

// splitDocuments writes every document of the files to its own file, in a
// temporary directory, and returns their paths in document order.
func splitDocuments(t *testing.T, files []string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, doc := range strings.Split("\n"+string(raw), "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			p := filepath.Join(dir, fmt.Sprintf("doc-%03d.yaml", len(out)))
			require.NoError(t, os.WriteFile(p, []byte(strings.TrimPrefix(doc, "\n")), 0o644))
			out = append(out, p)
		}
	}
	return out
}
