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
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("%s: no go.mod above the test directory", name)
		}
		dir = parent
	}
	p := filepath.Join(dir, ".tools", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s not installed: run `make tools` (%v)", name, err)
	}
	return p
}
