package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const missingService = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: app
spec:
  rules:
    - backendRefs:
        - name: web
          port: 80
`

// TestSeverityKeys: --severity takes a rule's ID or name in any case; an
// unknown one is exit 2 with the closest ID or name, never a silent no-op.
func TestSeverityKeys(t *testing.T) {
	route := writeFile(t, t.TempDir(), "route.yaml", missingService)
	for _, key := range []string{"RG103", "rg103", "backend-not-found", "Backend-Not-Found"} {
		r := runCLI(t, "", "check", "--severity", key+"=warning", route)
		require.Equal(t, 0, r.code, "%s: %s", key, r.stdout+r.stderr)
		require.Contains(t, r.stdout, "warning RG103")
	}
	for key, suggestion := range map[string]string{"RG999": "did you mean RG109?", "backend-not-fund": "did you mean backend-not-found?"} {
		r := runCLI(t, "", "check", "--severity", key+"=off", route)
		require.Equal(t, 2, r.code, key)
		require.Contains(t, r.stderr, "--severity "+key+": no rule has that ID or name; "+suggestion)
	}
	r := runCLI(t, "", "check", "--severity", "RG103=off", "--severity", "backend-not-found=error", route)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "RG103 is given two levels")
}

// TestExcludeAndTemplates: a repository holding a chart's templates fails
// with the helm template hint and the file's line, until --exclude leaves
// the templates out; check and fix take the same patterns.
func TestExcludeAndTemplates(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "charts", "web", "templates"), 0o755))
	writeFile(t, filepath.Join(dir, "charts", "web", "templates"), "route.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: {{ .Release.Name }}\n")
	writeFile(t, dir, "route.yaml", missingService)

	r := runCLI(t, "", "check", dir)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, filepath.Join("charts", "web", "templates", "route.yaml")+":4: this is a Helm or Go template")
	require.Contains(t, r.stderr, "helm template")

	for _, pattern := range []string{"templates", "charts/**", "**/templates/*.yaml"} {
		r = runCLI(t, "", "check", "--exclude", pattern, dir)
		require.Equal(t, 1, r.code, "%s: %s", pattern, r.stderr)
		require.Contains(t, r.stdout, "1 file, 1 object")
	}
	r = runCLI(t, "", "fix", "--exclude", "templates", dir)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "1 errors left for you")
	r = runCLI(t, "", "check", "--exclude", "[", dir)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `--exclude "["`)
}
