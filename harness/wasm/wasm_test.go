package wasm

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A small policy that exercises what the harness needs of the Wasm path:
// data lookups, input, a builtin the module leaves to its host (sprintf),
// sets in the result, and a conflict that aborts.
var testModules = map[string]string{
	"test.rego": `package test

greetings := [sprintf("hello %s from %s", [name, data.team[name].home]) |
	some name in input.names
	data.team[name]
]

members := {name | some name, _ in data.team}

# A set formatted by sprintf: its argument is not JSON, so the host reads it
# with OPA's parser.
formatted := sprintf("%v", [{1, 2}])

conflict := x if {
	some x in input.values
}
`,
}

var testEntrypoints = []string{"test/greetings", "test/members", "test/formatted", "test/conflict"}

// loadTestPolicy compiles testModules (no cache) for one test.
func loadTestPolicy(t *testing.T) *Policy {
	t.Helper()
	p, err := Load(context.Background(), testModules, testEntrypoints, "")
	require.NoError(t, err)
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

func newInstance(t *testing.T, p *Policy) *Instance {
	t.Helper()
	in, err := p.NewInstance(context.Background(), []byte(`{"team": {"ada": {"home": "london"}, "bob": {"home": "paris"}}}`))
	require.NoError(t, err)
	t.Cleanup(func() { in.Close(context.Background()) })
	return in
}

func result(t *testing.T, raw []byte) any {
	t.Helper()
	var rs []struct {
		Result any `json:"result"`
	}
	require.NoError(t, json.Unmarshal(raw, &rs), string(raw))
	if len(rs) == 0 {
		return nil
	}
	require.Len(t, rs, 1)
	return rs[0].Result
}

func TestEvaluatesWithDataInputAndHostBuiltins(t *testing.T) {
	ctx := context.Background()
	p := loadTestPolicy(t)
	in := newInstance(t, p)

	out, err := in.Eval(ctx, "test/greetings", []byte(`{"names": ["bob", "eve", "ada"]}`))
	require.NoError(t, err)
	require.Equal(t, []any{"hello bob from paris", "hello ada from london"}, result(t, out))

	out, err = in.Eval(ctx, "test/members", nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []any{"ada", "bob"}, result(t, out), "a set comes out as a JSON array")

	out, err = in.Eval(ctx, "test/formatted", nil)
	require.NoError(t, err)
	require.Equal(t, "{1, 2}", result(t, out), "sprintf formats a set as OPA's evaluator does")

	_, err = in.Eval(ctx, "test/nope", nil)
	require.ErrorContains(t, err, "not an entrypoint")
}

func TestEvaluationsDoNotGrowMemory(t *testing.T) {
	ctx := context.Background()
	p := loadTestPolicy(t)
	in := newInstance(t, p)
	input := []byte(`{"names": ["ada", "bob"]}`)
	_, err := in.Eval(ctx, "test/greetings", input)
	require.NoError(t, err)
	size := in.MemorySize()
	for range 2000 {
		_, err := in.Eval(ctx, "test/greetings", input)
		require.NoError(t, err)
	}
	require.Equal(t, size, in.MemorySize(), "each evaluation starts from the same heap")
}

func TestAbortFailsTheInstanceNotTheProcess(t *testing.T) {
	ctx := context.Background()
	p := loadTestPolicy(t)
	in := newInstance(t, p)

	out, err := in.Eval(ctx, "test/conflict", []byte(`{"values": [1, 1]}`))
	require.NoError(t, err)
	require.EqualValues(t, 1, result(t, out))

	_, err = in.Eval(ctx, "test/conflict", []byte(`{"values": [1, 2]}`))
	require.ErrorContains(t, err, "policy aborted")
	_, err = in.Eval(ctx, "test/members", nil)
	require.Error(t, err, "a failed instance is not used again")

	fresh := newInstance(t, p)
	_, err = fresh.Eval(ctx, "test/members", nil)
	require.NoError(t, err, "other instances are unaffected")
}

func TestCancelledContextStopsBeforeEvaluating(t *testing.T) {
	in := newInstance(t, loadTestPolicy(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := in.Eval(ctx, "test/members", nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestBadDataAndBadModules(t *testing.T) {
	ctx := context.Background()
	_, err := loadTestPolicy(t).NewInstance(ctx, []byte(`{"team": `))
	require.ErrorContains(t, err, "not a JSON document")

	_, err = NewPolicy(ctx, []byte("not wasm"), nil)
	require.Error(t, err)

	_, err = Load(ctx, map[string]string{"x.rego": "package x\n\ny := "}, []string{"x/y"}, "")
	require.ErrorContains(t, err, "compile policy to Wasm")
}

func TestCacheIsKeyedByThePolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, err := Load(ctx, testModules, testEntrypoints, dir)
	require.NoError(t, err)
	p.Close(ctx)
	cached, err := filepath.Glob(filepath.Join(dir, "policy-*.wasm"))
	require.NoError(t, err)
	require.Len(t, cached, 1)

	// The cached module is used: a corrupt one is compiled again, not run.
	require.NoError(t, os.WriteFile(cached[0], []byte("corrupt"), 0o644))
	p, err = Load(ctx, testModules, testEntrypoints, dir)
	require.NoError(t, err)
	out, err := newInstance(t, p).Eval(ctx, "test/members", nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []any{"ada", "bob"}, result(t, out))
	p.Close(ctx)

	// Another policy text is another module.
	changed := map[string]string{"test.rego": testModules["test.rego"] + "\nextra := 1\n"}
	p, err = Load(ctx, changed, testEntrypoints, dir)
	require.NoError(t, err)
	p.Close(ctx)
	cached, err = filepath.Glob(filepath.Join(dir, "policy-*.wasm"))
	require.NoError(t, err)
	require.Len(t, cached, 2)
}

func TestEnvModuleIsValidWasm(t *testing.T) {
	// envModule's encoding is checked by instantiating it in every test
	// above; here its limits: a larger minimum is encoded in LEB128.
	b := envModule(70000)
	require.Equal(t, []byte{0x00, 'a', 's', 'm', 1, 0, 0, 0}, b[:8])
	require.Contains(t, string(b), string(appendU32([]byte{1, limitsMinOnly}, 70000)))
	require.Equal(t, []byte{0xf0, 0xa2, 0x04}, appendU32(nil, 70000))
}

// TestDamagedMachineCodeIsRebuilt: one flipped bit in the machine code
// wazero caches used to fail every later run; Load now discards the entry,
// rebuilds it, says which, and the next run finds a sound cache.
func TestDamagedMachineCodeIsRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, err := Load(ctx, testModules, testEntrypoints, dir)
	require.NoError(t, err)
	require.Empty(t, p.Discarded)
	p.Close(ctx)
	var entries []string
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "wazero"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			entries = append(entries, path)
		}
		return err
	}))
	require.NotEmpty(t, entries)
	for _, e := range entries {
		raw, err := os.ReadFile(e)
		require.NoError(t, err)
		raw[len(raw)/2] ^= 0x01
		require.NoError(t, os.WriteFile(e, raw, 0o644))
	}

	p, err = Load(ctx, testModules, testEntrypoints, dir)
	require.NoError(t, err)
	require.Contains(t, p.Discarded, filepath.Join(dir, "wazero"))
	out, err := newInstance(t, p).Eval(ctx, "test/members", nil)
	require.NoError(t, err)
	require.ElementsMatch(t, []any{"ada", "bob"}, result(t, out))
	p.Close(ctx)

	p, err = Load(ctx, testModules, testEntrypoints, dir)
	require.NoError(t, err)
	require.Empty(t, p.Discarded, "rebuilt once, sound after")
	p.Close(ctx)
}
