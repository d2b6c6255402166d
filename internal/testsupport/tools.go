package testsupport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Tool returns the path of a pinned tool `make tools` installs (opa,
// conftest, gator): $REFGUARD_<NAME> if set, else <module root>/.tools/<name>.
// A missing tool fails the test: no context may be skipped silently.
func Tool(t testing.TB, name string) string {
	t.Helper()
	if p := os.Getenv("REFGUARD_" + strings.ToUpper(name)); p != "" {
		return p
	}
	p := filepath.Join(ModuleRoot(t), ".tools", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s not installed: run `make tools` (%v)", name, err)
	}
	return p
}

// ModuleRoot is the directory of the go.mod above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}
