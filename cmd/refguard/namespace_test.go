package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// renderedChart is helm template output for a release in namespace shop:
// no object names a namespace, and one reference names shop explicitly.
const renderedChart = `---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: shop-api
spec:
  ports:
    - port: 8080
---
# Source: shop/templates/route.yaml
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: shop
  namespace: ""
spec:
  rules:
    - backendRefs:
        - name: shop-api
          namespace: shop
          port: 8080
        - name: shop-apii
          port: 8080
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata:
      name: other
      namespace: elsewhere
    spec:
      ports:
        - port: 80
`

type jsonReport struct {
	Findings []struct {
		Rule   string `json:"rule"`
		Object struct {
			Namespace string `json:"namespace"`
			Name      string `json:"name"`
		} `json:"object"`
		Line int `json:"line"`
	} `json:"findings"`
}

// TestNamespaceFlag: -n gives objects that name no namespace (or an empty
// one) the namespace kubectl apply -n would, in both evaluators, in check
// and in fix; objects that name one keep it.
func TestNamespaceFlag(t *testing.T) {
	dir := t.TempDir()
	chart := writeFile(t, dir, "rendered.yaml", renderedChart)

	without := runCLI(t, "", "check", "--format", "json", chart)
	require.Equal(t, 1, without.code, without.stderr)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(without.stdout), &rep))
	rules := map[string]bool{}
	for _, f := range rep.Findings {
		rules[f.Rule] = true
		require.Equal(t, "default", f.Object.Namespace)
	}
	require.True(t, rules["RG102"], "read as default, the reference to shop/shop-api crosses namespaces: %s", without.stdout)

	for _, evaluator := range []string{"wasm", "rego"} {
		with := runCLI(t, "", "check", "-n", "shop", "--evaluator", evaluator, "--format", "json", chart)
		require.Equal(t, 1, with.code, with.stderr)
		rep = jsonReport{}
		require.NoError(t, json.Unmarshal([]byte(with.stdout), &rep))
		require.Len(t, rep.Findings, 1, with.stdout)
		f := rep.Findings[0]
		require.Equal(t, "RG103", f.Rule)
		require.Equal(t, "shop", f.Object.Namespace)
		require.Equal(t, 23, f.Line, "lines are those of the file, which -n does not change")
		long := runCLI(t, "", "check", "--namespace", "shop", "--evaluator", evaluator, "--format", "json", chart)
		require.Equal(t, with, long)
	}

	fixed := runCLI(t, "", "fix", "-n", "shop", "--write", chart)
	require.Equal(t, 0, fixed.code, fixed.stderr)
	after, err := os.ReadFile(chart)
	require.NoError(t, err)
	require.Equal(t, strings.Replace(renderedChart, "name: shop-apii", "name: shop-api", 1), string(after), "only the name changes: fix does not write the namespace into the file")
	clean := runCLI(t, "", "check", "-n", "shop", filepath.Join(dir, "rendered.yaml"))
	require.Equal(t, 0, clean.code, clean.stdout+clean.stderr)

	for _, bad := range []string{"Shop", "-shop", "shop_1", "a.b"} {
		r := runCLI(t, "", "check", "-n", bad, chart)
		require.Equal(t, 2, r.code, bad)
		require.Contains(t, r.stderr, "a namespace is a DNS label")
	}
}
