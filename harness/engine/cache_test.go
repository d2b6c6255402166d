package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRefCacheStoresExactReferences(t *testing.T) {
	c := newRefCache()
	key := ast.MustParseRef("data.p.f[1]")
	value := ast.StringTerm("one")

	got, undefined := c.Get(key)
	assert.Nil(t, got, "empty cache")
	assert.False(t, undefined)

	c.Put(key, value)
	got, undefined = c.Get(ast.MustParseRef("data.p.f[1]"))
	assert.Equal(t, value, got, "an equal reference finds the entry")
	assert.False(t, undefined)
	got, _ = c.Get(ast.MustParseRef("data.p.f"))
	assert.Nil(t, got, "a prefix is not an entry")

	c.Put(key, nil)
	got, undefined = c.Get(key)
	assert.Nil(t, got)
	assert.True(t, undefined, "a nil value records undefined")

	c.Put(key, ast.StringTerm("again"))
	got, undefined = c.Get(key)
	assert.Equal(t, ast.StringTerm("again"), got, "Put overwrites")
	assert.False(t, undefined)
}

func TestRefCacheCopiesTheKey(t *testing.T) {
	c := newRefCache()
	key := ast.MustParseRef("data.p.f[1]")
	c.Put(key, ast.StringTerm("one"))
	key[len(key)-1] = ast.IntNumberTerm(2) // the evaluator reuses its key slice
	got, _ := c.Get(ast.MustParseRef("data.p.f[1]"))
	assert.Equal(t, ast.StringTerm("one"), got)
	got, _ = c.Get(ast.MustParseRef("data.p.f[2]"))
	assert.Nil(t, got)
}

func TestRefCacheFramesAndReset(t *testing.T) {
	c := newRefCache()
	outer := ast.MustParseRef("data.p.x")
	c.Put(outer, ast.StringTerm("outer"))

	c.Push()
	got, _ := c.Get(outer)
	assert.Nil(t, got, "a pushed frame starts empty")
	c.Put(outer, ast.StringTerm("inner"))
	c.Pop()

	got, _ = c.Get(outer)
	assert.Equal(t, ast.StringTerm("outer"), got, "Pop restores the frame below")
	assert.Equal(t, []ast.Ref{outer}, c.Keys())

	c.Push()
	c.Put(outer, ast.StringTerm("left behind"))
	c.reset()
	got, undefined := c.Get(outer)
	assert.Nil(t, got, "reset empties every frame")
	assert.False(t, undefined)
	assert.Empty(t, c.Keys())
	c.Pop()
	c.Push() // a reset cache behaves as a new one
	c.Put(outer, ast.StringTerm("fresh"))
	got, _ = c.Get(outer)
	assert.Equal(t, ast.StringTerm("fresh"), got)
}

func TestRefCacheCollidingHashes(t *testing.T) {
	c := newRefCache()
	f := c.top()
	a, b := ast.MustParseRef("data.p.a"), ast.MustParseRef("data.p.b")
	// Force both into one chain, as a hash collision would.
	c.Put(a, ast.StringTerm("a"))
	f.index[refHash(b)] = f.index[refHash(a)]
	c.Put(b, ast.StringTerm("b"))
	f.index[refHash(a)] = f.index[refHash(b)]
	got, _ := c.Get(a)
	assert.Equal(t, ast.StringTerm("a"), got)
	got, _ = c.Get(b)
	assert.Equal(t, ast.StringTerm("b"), got)
}

// The cache must not change any answer: the same queries over a policy
// that leans on memoisation (functions called repeatedly, complete and
// partial rules, else chains, undefined results, with) give the same
// results with OPA's cache, with a fresh refCache and with one cache reused
// across every evaluation.
func TestRefCacheAgreesWithOPAsCache(t *testing.T) {
	const module = `package p

f(x) := x * 2 if x > 0

else := 0

g(x) := y if {
	y := {k: f(v) | some k, v in x}
}

complete := {n: f(n) | some n in input.numbers}

partial contains n if {
	some n in input.numbers
	f(n) > 4
}

keyed[n] := f(n) if some n in input.numbers

undefined_result(x) := 1 if x == "never"

mocked := m if m := complete with input.numbers as [9]

with_partial := p if p := partial with input.numbers as [1, 5]

result := {
	"complete": complete,
	"partial": partial,
	"keyed": keyed,
	"g": g(keyed),
	"again": [f(n) | some n in input.numbers],
	"undefined": [x | some x in input.numbers; undefined_result(x)],
	"mocked": mocked,
	"with": with_partial,
	"after_with": partial,
}
`
	compiler, err := Compile(map[string]string{"p.rego": module})
	require.NoError(t, err)
	ctx := context.Background()
	pq, err := rego.New(rego.Query("data.p.result"), rego.Compiler(compiler)).PrepareForEval(ctx)
	require.NoError(t, err)

	reused := newRefCache()
	for i, numbers := range [][]any{{1, 2, 3}, {-1, 4, 10}, {}, {3, 3, 7}} {
		input := map[string]any{"numbers": numbers}
		eval := func(cache topdown.VirtualCache) string {
			rs, err := pq.Eval(ctx, rego.EvalInput(input), rego.EvalVirtualCache(cache))
			require.NoError(t, err)
			require.Len(t, rs, 1)
			return fmt.Sprint(rs[0].Expressions[0].Value)
		}
		want := eval(topdown.NewVirtualCache())
		assert.Equal(t, want, eval(newRefCache()), "input %d, fresh cache", i)
		assert.Equal(t, want, eval(reused), "input %d, reused cache", i)
		reused.reset()
	}
}
