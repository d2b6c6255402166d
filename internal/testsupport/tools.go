package testsupport

import (
	"os"
	"path/filepath"
	"runtime"
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

// ModuleRoot is the directory of the module's go.mod: found from this
// file's own location, so a test that changes its working directory still
// finds the tools and schemas.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the testsupport package's source")
	}
	root := filepath.Join(filepath.Dir(self), "..", "..")
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	return filepath.Clean(root)
}
