package harness_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/stretchr/testify/require"
)

// TestClosestAgreesWithItsDefinition: the did-you-mean scoring
// (lib.refguard.similar.closest) skips work the definition does not need;
// on random names from a small alphabet — so prefixes, equal bigram sets,
// scores of exactly 0.5 and ties are common — it returns exactly what
// scoring every candidate in full returns (testdata/similar/reference.rego).
func TestClosestAgreesWithItsDefinition(t *testing.T) {
	policy, err := os.ReadFile(filepath.Join("..", "policy", "lib", "refguard", "similar", "similar.rego"))
	require.NoError(t, err)
	reference, err := os.ReadFile(filepath.Join("testdata", "similar", "reference.rego"))
	require.NoError(t, err)
	ctx := context.Background()
	pq, err := rego.New(
		rego.Query(`[[data.lib.refguard.similar.closest(c.name, c.candidates), data.reference.similar.closest(c.name, c.candidates)] | some c in input.cases]`),
		rego.Module("similar.rego", string(policy)),
		rego.Module("reference.rego", string(reference)),
	).PrepareForEval(ctx)
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		const alphabet = "ab-c1x"
		var b strings.Builder
		for range 1 + rng.IntN(7) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	var cases []*ast.Term
	for range 3000 {
		name := word()
		var candidates []*ast.Term
		for range rng.IntN(12) {
			c := word()
			switch rng.IntN(5) {
			case 0: // extends the name
				c = name + c
			case 1: // a prefix of the name
				c = name[:rng.IntN(len(name))+1]
			case 2: // the name behind a prefix, maybe before a suffix
				c = c + "-" + name + []string{"", "-v2"}[rng.IntN(2)]
			}
			candidates = append(candidates, ast.StringTerm(c))
		}
		cases = append(cases, ast.ObjectTerm(
			ast.Item(ast.StringTerm("name"), ast.StringTerm(name)),
			ast.Item(ast.StringTerm("candidates"), ast.SetTerm(candidates...)),
		))
	}
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(ast.NewObject(ast.Item(ast.StringTerm("cases"), ast.ArrayTerm(cases...)))))
	require.NoError(t, err)
	results := rs[0].Expressions[0].Value.([]any)
	require.Len(t, results, len(cases))
	suggested, ties := 0, 0
	for i, r := range results {
		pair := r.([]any)
		require.Equal(t, pair[1], pair[0], "case %v", cases[i])
		if n := len(pair[0].([]any)); n > 0 {
			suggested++
			if n > 1 {
				ties++
			}
		}
	}
	// Not vacuous: many cases suggest something, and some tie.
	require.Greater(t, suggested, 1000)
	require.Greater(t, ties, 100)
	t.Logf("%d cases, %d with a suggestion, %d ties", len(cases), suggested, ties)
}
