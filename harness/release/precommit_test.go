package release_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

// git runs git in dir with a fixed identity and no user configuration.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
	return strings.TrimSpace(string(out))
}

// snapshot commits the working tree's files (tracked and new, as git would
// add them) to a fresh repository, so pre-commit installs the hooks as they
// are now, not as the last commit has them.
func snapshot(t *testing.T) (dir, rev string) {
	t.Helper()
	dir = t.TempDir()
	testsupport.CopyTree(t, dir)
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "snapshot")
	return dir, git(t, dir, "rev-parse", "HEAD")
}

// TestPreCommitHooks installs the hooks with the real pre-commit (Debian's
// package) from a snapshot of this repository into a team's repository,
// and runs them as `git commit` would: check fails on the broken route,
// fix repairs it (failing, as formatters do, because it changed a file),
// and check then passes.
func TestPreCommitHooks(t *testing.T) {
	bin, err := exec.LookPath("pre-commit")
	if err != nil {
		t.Fatalf("pre-commit not installed (apt-get install pre-commit; .ci/run does): %v", err)
	}
	hooks, rev := snapshot(t)
	ws := gitopsWorkspace(t)
	require.NoError(t, os.WriteFile(filepath.Join(ws, ".pre-commit-config.yaml"), []byte(
		"repos:\n  - repo: "+hooks+"\n    rev: "+rev+"\n    hooks:\n      - id: refguard-check\n      - id: refguard-fix\n"), 0o644))
	git(t, ws, "init", "-q")
	git(t, ws, "add", "-A")

	gocache, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	caches := strings.Fields(string(gocache))
	run := func(hook string) (int, string) {
		cmd := exec.Command(bin, "run", "--all-files", "--color", "never", hook)
		cmd.Dir = ws
		// A clean pre-commit home; Go's caches shared so the hook's
		// `go install` reuses what the tests already compiled.
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "pre-commit"),
			"GOCACHE="+caches[0], "GOMODCACHE="+caches[1], "GOFLAGS=-buildvcs=false", "REFGUARD_CACHE_DIR=off",
			"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		out, err := cmd.CombinedOutput()
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode(), string(out)
		}
		require.NoError(t, err, "%s", out)
		return 0, string(out)
	}

	code, out := run("refguard-check")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "Service shop/carts not found; did you mean cart?")

	code, out = run("refguard-fix")
	require.Equal(t, 1, code, "a hook that changed files fails: %s", out)
	require.Contains(t, out, "files were modified by this hook")
	routes, err := os.ReadFile(filepath.Join(ws, "edge/routes.yaml"))
	require.NoError(t, err)
	require.Contains(t, string(routes), "{name: cart, namespace: shop, port: 8080}\n    - backendRefs:\n        - {name: cart,")

	git(t, ws, "add", "-A")
	code, out = run("refguard-check")
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "refguard check")
	require.Contains(t, out, "Passed")
}
