package main

import (
	"os"
	"path/filepath"
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

// TestBackendLookupFlagAndConfig: a kind declared with its lookup is
// checked for existence and port, from the flag or the config file, by
// check, fix and inventory alike; a malformed declaration is exit 2.
func TestBackendLookupFlagAndConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "backends.yaml", `apiVersion: storage.example.io/v1alpha1
kind: S3Backend
metadata:
  name: assets
  namespace: app
spec:
  ports:
    - port: 443
`)
	route := writeFile(t, dir, "route.yaml", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: app
spec:
  rules:
    - backendRefs:
        - group: storage.example.io
          kind: S3Backend
          name: assets
          port: 8443
`)
	const flag = "kind=storage.example.io/S3Backend,version=v1alpha1,resource=s3backends,port=spec.ports[].port"
	plain := runCLI(t, "", "check", dir)
	require.Equal(t, 1, plain.code)
	require.Contains(t, plain.stdout, "RG101", "undeclared, the kind is unsupported")

	declared := runCLI(t, "", "check", "--backend-lookup", flag, dir)
	require.Equal(t, 1, declared.code, declared.stderr)
	require.NotContains(t, declared.stdout, "RG101")
	require.Contains(t, declared.stdout, "S3Backend app/assets has no port 8443 (ports: 443)")

	fixed := runCLI(t, "", "fix", "--backend-lookup", flag, "--inventory", filepath.Join(dir, "backends.yaml"), route)
	require.Equal(t, 0, fixed.code, fixed.stderr)
	require.Contains(t, fixed.stdout, "+          port: 443")

	inv := runCLI(t, "", "inventory", "--backend-lookup", flag, dir)
	require.Equal(t, 0, inv.code, inv.stderr)
	require.Contains(t, inv.stdout, `"storage.example.io/v1alpha1"`)

	// The same declaration in the config file.
	writeFile(t, dir, ".refguard.yaml", "backendLookups:\n  - {kind: storage.example.io/S3Backend, version: v1alpha1, resource: s3backends, port: \"spec.ports[].port\"}\n")
	t.Chdir(dir)
	fromFile := runCLI(t, "", "check", ".")
	require.Equal(t, 1, fromFile.code, fromFile.stderr)
	require.Contains(t, fromFile.stdout, "S3Backend app/assets has no port 8443 (ports: 443)")
	require.NoError(t, os.Remove(filepath.Join(dir, ".refguard.yaml")))

	for bad, want := range map[string]string{
		"kind=S3Backend": "version",
		"kind=storage.example.io/S3Backend,version=v1,resource=services":                  "one refguard looks up already",
		"kind=storage.example.io/S3Backend,version=1,resource=s3backends":                 "version",
		"kind=storage.example.io/S3Backend,version=v1,resource=S3Backends":                "resource",
		"kind=storage.example.io/S3Backend,version=v1,resource=s3backends,port=a[].b[].c": "port",
		"kind=storage.example.io/S3Backend,version=v1,resource=s3backends,ports=x":        "unknown key",
		"storage.example.io/S3Backend":                                                    "want kind=",
	} {
		r := runCLI(t, "", "check", "--backend-lookup", bad, route)
		require.Equal(t, 2, r.code, bad)
		require.Contains(t, r.stderr, want, bad)
	}
}
