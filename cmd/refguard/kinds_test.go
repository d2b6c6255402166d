package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBackendKindFlag: a declared kind joins the profile's; one refguard
// holds an inventory of is looked up; a malformed value is exit 2.
func TestBackendKindFlag(t *testing.T) {
	route := writeFile(t, t.TempDir(), "route.yaml", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: app
spec:
  rules:
    - backendRefs:
        - group: gateway.networking.x-k8s.io
          kind: XBackend
          name: ext
          port: 443
        - group: gateway.envoyproxy.io
          kind: Backend
          name: missing
          port: 443
`)
	plain := runCLI(t, "", "check", "--profile", "istio", route)
	require.Equal(t, 1, plain.code)
	require.Contains(t, plain.stdout, "ResolvedRefs=False (InvalidKind)")

	declared := runCLI(t, "", "check", "--profile", "istio", "--backend-kind", "gateway.networking.x-k8s.io/XBackend", "--backend-kind", "gateway.envoyproxy.io/Backend", route)
	require.Equal(t, 1, declared.code, declared.stderr)
	require.NotContains(t, declared.stdout, "RG101")
	require.Contains(t, declared.stdout, "Backend app/missing not found")
	require.Contains(t, declared.stdout, "ResolvedRefs=False (BackendNotFound)")

	for _, bad := range []string{"/Backend", "example.com/", "a/b/c", "has space"} {
		r := runCLI(t, "", "check", "--backend-kind", bad, route)
		require.Equal(t, 2, r.code, bad)
		require.Contains(t, r.stderr, "--backend-kind")
	}
}
