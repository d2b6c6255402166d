package harness_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// kgatewaySourceEnv names a kgateway source tree (a checkout of
// kgateway-dev/kgateway). kgateway publishes no module the Go module proxy
// serves, so CI cannot download its tests the way it does Envoy Gateway's,
// Istio's and Cilium's: this comparison runs only where a checkout is
// given, and docs/testing.md says how.
const kgatewaySourceEnv = "REFGUARD_KGATEWAY_SRC"

// kgatewayDifferences lists, with the reason, every route whose
// ResolvedRefs refguard predicts differently from kgateway's translator
// tests.
const kgatewayDifferences = "testdata/upstream/kgateway.txt"

// kgatewayTranslatorDir is where kgateway keeps its translator tests:
// gateway_translator_test.go names, for each case, its input files under
// testutils/inputs and its golden file under testutils/outputs, whose
// Statuses hold the route status the translator writes.
const kgatewayTranslatorDir = "pkg/kgateway/translator/gateway"

// TestKgatewayTranslatorStatus holds the kgateway profile to every route of
// kgateway's translator tests (compareUpstream).
func TestKgatewayTranslatorStatus(t *testing.T) {
	src := os.Getenv(kgatewaySourceEnv)
	if src == "" {
		t.Skipf("%s is not set: kgateway's tests are not served by the Go module proxy (docs/testing.md)", kgatewaySourceEnv)
	}
	dir := filepath.Join(src, kgatewayTranslatorDir)
	var cases []upstreamCase
	for _, c := range kgatewayCases(t, filepath.Join(dir, "gateway_translator_test.go")) {
		var manifests bytes.Buffer
		for _, in := range c.inputs {
			for _, file := range kgatewayInputFiles(t, filepath.Join(dir, "testutils", "inputs", in)) {
				raw, err := os.ReadFile(file)
				require.NoError(t, err, c.name)
				manifests.WriteString("---\n")
				manifests.Write(raw)
				manifests.WriteString("\n")
			}
		}
		want := kgatewayRouteStatus(t, filepath.Join(dir, "testutils", "outputs", c.output))
		cases = append(cases, upstreamCase{name: c.name, manifests: manifests.Bytes(), want: want})
	}
	compareUpstream(t, "kgateway translator tests", "kgateway", kgatewayDifferences, cases, 200)
}

// kgatewayInputFiles is an input: a file, or a directory whose YAML files
// the test's loader reads in name order.
func kgatewayInputFiles(t *testing.T, path string) []string {
	t.Helper()
	info, err := os.Stat(path)
	require.NoError(t, err)
	if !info.IsDir() {
		return []string{path}
	}
	files, err := filepath.Glob(filepath.Join(path, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files, path)
	return files
}

// kgatewayCase is one case of gateway_translator_test.go: its input files
// (relative to testutils/inputs), its golden file (relative to
// testutils/outputs) and its name, which says when the case changes the
// controller's settings.
type kgatewayCase struct {
	name   string
	inputs []string
	output string
}

// kgatewayCases reads the cases from the test's source: every
// translatorTestCase literal, and every route delegation case (an input
// file over delegation/common.yaml, whose golden has the same name).
func kgatewayCases(t *testing.T, path string) []kgatewayCase {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	require.NoError(t, err)
	var cases []kgatewayCase
	seen := map[string]int{}
	add := func(c kgatewayCase) {
		seen[c.name]++
		if n := seen[c.name]; n > 1 {
			c.name += "#" + strconv.Itoa(n)
		}
		cases = append(cases, c)
	}
	for _, decl := range file.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok {
			continue
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "test" || len(call.Args) < 2 {
				return true
			}
			switch arg := call.Args[1].(type) {
			case *ast.CompositeLit:
				c, ok := kgatewayLiteral(arg)
				if !ok {
					return true
				}
				if len(call.Args) > 2 {
					// The case changes the controller's settings: its
					// name carries them, so that a difference they explain
					// says so.
					var b strings.Builder
					for _, opt := range call.Args[2:] {
						require.NoError(t, printer.Fprint(&b, fset, opt))
					}
					c.name += " [settings: " + strings.Join(strings.Fields(kgatewaySettings(b.String())), " ") + "]"
				}
				add(c)
			case *ast.BasicLit:
				if fn.Name.Name != "TestRouteDelegation" || arg.Kind != token.STRING {
					return true
				}
				name, err := strconv.Unquote(arg.Value)
				require.NoError(t, err)
				add(kgatewayCase{
					name:   "delegation/" + strings.TrimSuffix(name, ".yaml"),
					inputs: []string{"delegation/common.yaml", "delegation/" + name},
					output: "delegation/" + name,
				})
			}
			return true
		})
	}
	require.Greater(t, len(cases), 100, "the cases of %s", path)
	return cases
}

// kgatewayLiteral reads a translatorTestCase literal's input files and
// golden file.
func kgatewayLiteral(lit *ast.CompositeLit) (kgatewayCase, bool) {
	if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "translatorTestCase" {
		return kgatewayCase{}, false
	}
	var c kgatewayCase
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch key := kv.Key.(*ast.Ident); key.Name {
		case "inputFiles":
			list, ok := kv.Value.(*ast.CompositeLit)
			if !ok {
				return kgatewayCase{}, false
			}
			for _, e := range list.Elts {
				s, ok := stringLiteral(e)
				if !ok {
					return kgatewayCase{}, false
				}
				c.inputs = append(c.inputs, s)
			}
		case "outputFile":
			s, ok := stringLiteral(kv.Value)
			if !ok {
				return kgatewayCase{}, false
			}
			c.output = s
		}
	}
	if len(c.inputs) == 0 || c.output == "" {
		return kgatewayCase{}, false
	}
	c.name = strings.TrimSuffix(c.output, ".yaml")
	return c, true
}

func stringLiteral(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// kgatewaySettings keeps the assignments of a settings function's body:
// "s.X = v" for each.
func kgatewaySettings(src string) string {
	var kept []string
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "s.") && strings.Contains(line, "=") {
			kept = append(kept, strings.TrimPrefix(line, "s."))
		}
	}
	return strings.Join(kept, "; ")
}

// kgatewayRouteKinds maps the keys of a golden file's Statuses to the route
// kind they hold.
var kgatewayRouteKinds = map[string]string{
	"httpRoutes": "HTTPRoute",
	"grpcRoutes": "GRPCRoute",
	"tcpRoutes":  "TCPRoute",
	"tlsRoutes":  "TLSRoute",
}

// kgatewayRouteStatus reads the ResolvedRefs the translator wrote for each
// route from a golden file's Statuses ("namespace/name" to RouteStatus).
func kgatewayRouteStatus(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var golden struct {
		Statuses map[string]map[string]json.RawMessage `json:"Statuses"`
	}
	var generic map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &generic), path)
	js, err := json.Marshal(generic)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(js, &golden), path)
	status := map[string]string{}
	for key, kind := range kgatewayRouteKinds {
		for nn, rawStatus := range golden.Statuses[key] {
			ns, name, ok := strings.Cut(nn, "/")
			require.True(t, ok, "%s: %s key %q is namespace/name", path, key, nn)
			route := upstreamRoute{Kind: kind}
			route.Metadata.Namespace, route.Metadata.Name = ns, name
			require.NoError(t, json.Unmarshal(rawStatus, &route.Status), path)
			addRouteStatus(status, route)
		}
	}
	return status
}
