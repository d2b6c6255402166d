// Package policyset loads the refguard policy — the one embedded in the
// binary, or a directory — and compiles it for OPA's evaluator once, when
// first asked: a check served by the policy's Wasm build never needs it.
package policyset

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/policy"
)

// Set is a policy's modules, where they came from, and (once asked for)
// their compilation for OPA's evaluator.
type Set struct {
	Modules  map[string]string
	Revision string

	once     sync.Once
	compiled atomic.Bool
	compiler *ast.Compiler
	err      error
}

// New is a Set of modules, compiled when Compiler is first called.
func New(modules map[string]string, revision string) *Set {
	return &Set{Modules: modules, Revision: revision}
}

// Compiler compiles the modules on the first call and returns that
// compilation (or its error) on every call; safe for concurrent use.
func (s *Set) Compiler() (*ast.Compiler, error) {
	s.once.Do(func() {
		s.compiled.Store(true)
		s.compiler, s.err = engine.Compile(s.Modules)
		if s.err != nil {
			s.err = fmt.Errorf("policy: %w", s.err)
		}
	})
	return s.compiler, s.err
}

// Compiled tells whether Compiler has been called.
func (s *Set) Compiled() bool { return s.compiled.Load() }

// Embedded is the policy embedded in the binary (compiled when first asked:
// it compiled in this repository's tests).
func Embedded() (*Set, error) {
	modules, err := engine.Modules(policy.FS)
	if err != nil {
		return nil, err
	}
	return New(modules, refguard.Version()), nil
}

// Dir is the policy in a directory (a checkout's policy/), compiled now so
// a policy under development shows its errors at once.
func Dir(dir string) (*Set, error) {
	modules, err := engine.Modules(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	return Compiled(modules, "dir:"+dir)
}

// Compiled is a Set of modules compiled now (a policy from outside the
// binary: its errors are the user's to see before anything runs).
func Compiled(modules map[string]string, revision string) (*Set, error) {
	s := New(modules, revision)
	if _, err := s.Compiler(); err != nil {
		return nil, err
	}
	return s, nil
}
