package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBackendRefTypedAsTheCRDTypesIt: a namespace in capitals is the API
// server's rejection (RG505), not a missing ReferenceGrant; the route is
// predicted not admitted; fix writes the namespace meant and the route then
// resolves through the grant.
func TestBackendRefTypedAsTheCRDTypesIt(t *testing.T) {
	path := writeFile(t, t.TempDir(), "shop.yaml", `apiVersion: v1
kind: Service
metadata: {name: api, namespace: backend}
spec:
  ports: [{port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: shop-to-api, namespace: backend}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}]
  to: [{group: "", kind: Service, name: api}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  rules:
    - backendRefs:
        - name: api
          namespace: Backend
          port: 8080
`)
	r := runCLI(t, "", "check", path)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "RG505")
	require.Contains(t, r.stdout, "spec.rules[0].backendRefs[0].namespace")
	require.NotContains(t, r.stdout, "RG102")
	require.Contains(t, r.stdout, "fix: set namespace: backend")
	require.Contains(t, r.stdout, "ResolvedRefs=Unknown (NotAdmitted)")

	fixed := runCLI(t, "", "fix", "--write", path)
	require.Equal(t, 0, fixed.code, fixed.stderr)
	body, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(body), "namespace: backend\n          port: 8080")

	after := runCLI(t, "", "check", path)
	require.Equal(t, 0, after.code, after.stdout+after.stderr)
	require.Contains(t, after.stdout, "ResolvedRefs=True")
}

// TestFixTakesSeverityAsCheckDoes: --severity means the same to fix as to
// check: a rule turned off proposes no repair and leaves no error over.
func TestFixTakesSeverityAsCheckDoes(t *testing.T) {
	path := writeFile(t, t.TempDir(), "route.yaml", `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: shop}
spec:
  rules:
    - backendRefs:
        - name: api
          port: http
`)
	on := runCLI(t, "", "fix", path)
	require.Equal(t, 0, on.code, on.stderr)
	require.Contains(t, on.stdout, "+          port: 8080")

	off := runCLI(t, "", "fix", "--severity", "backend-port-invalid=off", path)
	require.Equal(t, 0, off.code, off.stderr)
	require.NotContains(t, off.stdout, "port: 8080")

	bad := runCLI(t, "", "fix", "--severity", "RG501", path)
	require.Equal(t, 2, bad.code)
	require.Contains(t, bad.stderr, "--severity")
}
