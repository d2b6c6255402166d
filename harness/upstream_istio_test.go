package harness_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// istioSuite is the Istio snapshot whose Gateway API conversion tests the
// istio profile is held to: pilot/pkg/config/kube/gateway/testdata pairs
// an input (Gateways, routes, ReferenceGrants, ServiceEntries,
// BackendTLSPolicies, ConfigMaps) with the status istiod writes
// (<case>.status.yaml.golden), and conversion_test.go registers the
// Services every input sees. The module proxy serves it with its
// testdata; nothing of it is committed. Istio publishes no Go module
// releases, so this is a pseudo-version the proxy serves.
const istioSuite = "istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad"

// istioDifferences lists, with the reason, every route whose ResolvedRefs
// refguard predicts differently from that suite.
const istioDifferences = "testdata/upstream/istio.txt"

// TestIstioConversionStatus holds the istio profile to every route of
// Istio's conversion tests (compareUpstream).
func TestIstioConversionStatus(t *testing.T) {
	dir := filepath.Join(moduleDir(t, istioSuite), "pilot", "pkg", "config", "kube", "gateway")
	common := istioRegistry(t, filepath.Join(dir, "conversion_test.go"))
	goldens, err := filepath.Glob(filepath.Join(dir, "testdata", "*.status.yaml.golden"))
	require.NoError(t, err)
	require.NotEmpty(t, goldens, "the snapshot's conversion testdata")
	var cases []upstreamCase
	for _, golden := range goldens {
		name := strings.TrimSuffix(filepath.Base(golden), ".status.yaml.golden")
		input, err := os.ReadFile(filepath.Join(dir, "testdata", name+".yaml"))
		if os.IsNotExist(err) {
			continue // the golden of another test
		}
		require.NoError(t, err)
		want := map[string]string{}
		routeStatusOfObjects(t, golden, want)
		cases = append(cases, upstreamCase{name: name, manifests: append([]byte(common), input...), want: want})
	}
	compareUpstream(t, istioSuite, "istio", istioDifferences, cases, 100)
}

// istioRegistry turns the Services conversion_test.go registers for every
// input into manifests, read from its source so that they follow the
// snapshot: a host under the test's cluster domain ("domain.suffix") is a
// Kubernetes Service with the test's svcPorts, as the test's readConfig
// makes it; any other host is what a ServiceEntry would declare, so it
// becomes one in that namespace.
func istioRegistry(t *testing.T, path string) string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	require.NoError(t, err)
	var services, ports *ast.CompositeLit
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || len(spec.Values) != 1 {
			return true
		}
		lit, _ := spec.Values[0].(*ast.CompositeLit)
		switch spec.Names[0].Name {
		case "services":
			services = lit
		case "svcPorts":
			ports = lit
		}
		return true
	})
	require.NotNil(t, services, "%s: var services", path)
	require.NotNil(t, ports, "%s: var svcPorts", path)

	var portLines []string
	for _, elt := range ports.Elts {
		fields := literalFields(elt)
		require.NotEmpty(t, fields["Port"], "%s: a port of svcPorts", path)
		portLines = append(portLines, fmt.Sprintf("    - {name: %s, port: %s, protocol: TCP}", fields["Name"], fields["Port"]))
	}
	var b strings.Builder
	var registered int
	for _, elt := range services.Elts {
		fields := literalFields(elt)
		host, ns := fields["Hostname"], fields["Attributes.Namespace"]
		if host == "" || ns == "" {
			continue // a hostname the test computes: a generated InferencePool Service
		}
		registered++
		if strings.HasSuffix(host, ".domain.suffix") {
			name := fields["Attributes.Name"]
			if name == "" {
				name, _, _ = strings.Cut(host, ".")
			}
			fmt.Fprintf(&b, "apiVersion: v1\nkind: Service\nmetadata: {namespace: %s, name: %s}\nspec:\n  ports:\n%s\n---\n",
				ns, name, strings.Join(portLines, "\n"))
			continue
		}
		fmt.Fprintf(&b, "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {namespace: %s, name: %s}\nspec:\n  hosts: [%q]\n  ports:\n    - {name: http, number: 80, protocol: HTTP}\n---\n",
			ns, "registry-"+strings.ReplaceAll(host, ".", "-"), host)
	}
	require.Greater(t, registered, 20, "%s: the registered Services were read", path)
	return b.String()
}

// literalFields reads the string and number fields of a Go composite
// literal, nested ones as "Outer.Inner".
func literalFields(n ast.Expr) map[string]string {
	fields := map[string]string{}
	var walk func(prefix string, e ast.Expr)
	walk = func(prefix string, e ast.Expr) {
		if u, ok := e.(*ast.UnaryExpr); ok {
			e = u.X
		}
		lit, ok := e.(*ast.CompositeLit)
		if !ok {
			return
		}
		for _, elt := range lit.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			key, ok := kv.Key.(*ast.Ident)
			if !ok {
				continue
			}
			switch v := kv.Value.(type) {
			case *ast.BasicLit:
				if v.Kind != token.STRING {
					fields[prefix+key.Name] = v.Value
				} else if s, err := strconv.Unquote(v.Value); err == nil {
					fields[prefix+key.Name] = s
				}
			case *ast.CompositeLit:
				walk(prefix+key.Name+".", v)
			}
		}
	}
	walk("", n)
	return fields
}
