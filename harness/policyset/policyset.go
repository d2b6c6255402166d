// Package policyset loads the refguard policy — the one embedded in the
// binary, or a directory — and compiles it once.
package policyset

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/policy"
)

// Version is the release version; the embedded policy's bundle revision.
const Version = "0.1.0"

// Set is a compiled policy and where it came from.
type Set struct {
	Modules  map[string]string
	Compiler *ast.Compiler
	Revision string
}

// Embedded compiles the policy embedded in the binary.
func Embedded() (*Set, error) { return fromFS(policy.FS, Version) }

// Dir compiles the policy in a directory (a checkout's policy/).
func Dir(dir string) (*Set, error) { return fromFS(os.DirFS(dir), "dir:"+dir) }

func fromFS(fsys fs.FS, revision string) (*Set, error) {
	modules, err := engine.Modules(fsys)
	if err != nil {
		return nil, err
	}
	compiler, err := engine.Compile(modules)
	if err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	return &Set{Modules: modules, Compiler: compiler, Revision: revision}, nil
}
