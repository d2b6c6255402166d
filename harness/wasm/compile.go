// Package wasm evaluates a policy compiled to WebAssembly by OPA's own
// compiler (the planner and Wasm backend of
// github.com/open-policy-agent/opa/v1/compile), in-process with wazero
// (pure Go, no cgo). The Rego is the same; only the evaluator differs:
// OPA's Wasm code runs a route's rules without the tree-walking
// interpreter's bindings, copies and allocations (docs/decisions.md).
//
// An Instance is one Wasm module instance with its own linear memory,
// holding the parsed data document; evaluate it from one goroutine at a
// time, one instance per worker.
package wasm

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/compile"
	"github.com/open-policy-agent/opa/v1/version"
	"github.com/tetratelabs/wazero"
)

// Compile compiles a policy's modules (name → Rego v1 source) to one Wasm
// module exporting the entrypoints ("refguard/harness/route_reports").
func Compile(ctx context.Context, modules map[string]string, entrypoints []string) ([]byte, error) {
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	b := &bundle.Bundle{Data: map[string]any{}}
	for _, name := range names {
		m, err := ast.ParseModuleWithOpts(name, modules[name], ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("compile policy to Wasm: %w", err)
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Raw: []byte(modules[name]), Parsed: m})
	}
	c := compile.New().
		WithTarget(compile.TargetWasm).
		WithEntrypoints(entrypoints...).
		WithBundle(b).
		WithRegoVersion(ast.RegoV1)
	if err := c.Build(ctx); err != nil {
		return nil, fmt.Errorf("compile policy to Wasm: %w", err)
	}
	out := c.Bundle()
	if len(out.WasmModules) != 1 {
		return nil, fmt.Errorf("compile policy to Wasm: %d modules, want 1", len(out.WasmModules))
	}
	return out.WasmModules[0].Raw, nil
}

// Load returns a Policy for the modules and entrypoints. With a cacheDir it
// keeps the compiled module there, keyed by OPA's version, the entrypoints
// and every module's name and text, and wazero keeps its machine code next
// to it, so only the first run of a policy pays for compiling (~0.3 s).
// An unusable cache is not an error: the policy is compiled again.
func Load(ctx context.Context, modules map[string]string, entrypoints []string, cacheDir string) (*Policy, error) {
	if cacheDir == "" {
		code, err := Compile(ctx, modules, entrypoints)
		if err != nil {
			return nil, err
		}
		return NewPolicy(ctx, code, nil)
	}
	file := filepath.Join(cacheDir, "policy-"+cacheKey(modules, entrypoints)+".wasm")
	machineCode := filepath.Join(cacheDir, "wazero")
	compilation, err := wazero.NewCompilationCacheWithDir(machineCode)
	if err != nil {
		compilation = nil // compile in memory
	}
	var discarded []string
	if code, err := os.ReadFile(file); err == nil {
		if p, err := NewPolicy(ctx, code, compilation); err == nil {
			return p, nil
		}
		// The module, or the machine code wazero keeps for it, is damaged
		// (a flipped bit, a truncated write): both are rebuilt below, so
		// the next run does not trip over the same entry.
		discarded = append(discarded, file)
	}
	code, err := Compile(ctx, modules, entrypoints)
	if err != nil {
		return nil, err
	}
	p, err := NewPolicy(ctx, code, compilation)
	if err != nil && compilation != nil {
		if os.RemoveAll(machineCode) == nil {
			discarded = append(discarded, machineCode)
		}
		if compilation, err = wazero.NewCompilationCacheWithDir(machineCode); err != nil {
			compilation = nil
		}
		p, err = NewPolicy(ctx, code, compilation)
	}
	if err != nil {
		return nil, err
	}
	_ = writeFileAtomic(file, code) // a cache that cannot be written costs the next run a compile
	p.Discarded = discarded
	return p, nil
}

// cacheKey hashes what the compiled module depends on.
func cacheKey(modules map[string]string, entrypoints []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "opa %s\n", version.Version)
	for _, e := range entrypoints {
		fmt.Fprintf(h, "entrypoint %q\n", e)
	}
	names := make([]string, 0, len(modules))
	for name := range modules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "module %q %d\n%s", name, len(modules[name]), modules[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func writeFileAtomic(file string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".policy-*.wasm")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), file)
}
