package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestConfigFile: .refguard.yaml, found from the working directory upward,
// sets the profile, namespace, rule levels, exclusions and backend kinds; a
// flag wins over it; an unknown key or rule is exit 2 naming the closest.
func TestConfigFile(t *testing.T) {
	repo := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "deploy", "charts", "templates"), 0o755))
	writeFile(t, filepath.Join(repo, "deploy"), "route.yaml", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
spec:
  rules:
    - backendRefs:
        - name: web
          port: 80
        - group: gateway.networking.x-k8s.io
          kind: XBackend
          name: ext
          port: 443
`)
	writeFile(t, filepath.Join(repo, "deploy", "charts", "templates"), "svc.yaml", "metadata:\n  name: {{ .Values.name }}\n")
	writeFile(t, repo, ".refguard.yaml", `profile: istio
namespace: shop
severity:
  backend-not-found: warning
exclude: [templates]
backendKinds: [gateway.networking.x-k8s.io/XBackend]
`)
	t.Chdir(filepath.Join(repo, "deploy")) // found upward

	r := runCLI(t, "", "check", ".")
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "warning RG103  HTTPRoute shop/r", "namespace and severity from the file")
	require.Contains(t, r.stdout, "profile istio")
	require.NotContains(t, r.stdout, "RG101", "XBackend declared in the file")

	r = runCLI(t, "", "check", "--severity", "RG103=error", "--profile", "spec", ".")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stdout, "error   RG103", "a flag wins over the file")
	require.Contains(t, r.stdout, "profile spec")

	writeFile(t, repo, "other.yaml", "profile: contour\n")
	r = runCLI(t, "", "check", "--config", filepath.Join(repo, "other.yaml"), "--exclude", "templates", ".")
	require.Contains(t, r.stdout, "profile contour", "--config replaces the file found upward")

	for content, want := range map[string]string{
		"profil: istio\n":            ".refguard.yaml:1: unknown key \"profil\"; did you mean profile?",
		"severity:\n  rg999: off\n":  "severity rg999: no rule has that ID or name; did you mean RG109?",
		"severity:\n  RG103: loud\n": `severity RG103: "loud" is not error, warning, info or off`,
		"backendKinds: [/Nope]\n":    `--backend-kind "/Nope"`,
	} {
		writeFile(t, repo, ".refguard.yaml", content)
		r = runCLI(t, "", "check", ".")
		require.Equal(t, 2, r.code, content)
		require.Contains(t, r.stderr, want, content)
	}
	r = runCLI(t, "", "check", "--config", filepath.Join(repo, "missing.yaml"), ".")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "--config")
}

// TestFixReadsTheConfigFile: fix takes the same file: its namespace places
// the objects, and a rule it turns off proposes no repair.
func TestFixReadsTheConfigFile(t *testing.T) {
	repo := t.TempDir()
	route := writeFile(t, repo, "route.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n    - port: 80\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  rules:\n    - backendRefs:\n        - name: webb\n          port: 80\n")
	t.Chdir(repo)
	r := runCLI(t, "", "fix", route)
	require.Equal(t, 1, r.code, "read as default, the route has no Service to be repaired towards")
	writeFile(t, repo, ".refguard.yaml", "namespace: shop\n")
	r = runCLI(t, "", "fix", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "+        - name: web\n")

	writeFile(t, repo, ".refguard.yaml", "namespace: shop\nseverity: {backend-not-found: off}\n")
	r = runCLI(t, "", "fix", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, r.stdout, "RG103 is off: nothing to repair")
}
