package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/internal/testsupport"
)

type runResult struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	validateOutput(t, args, code, out.Bytes())
	return runResult{code, out.String(), errOut.String()}
}

// validateOutput holds every report a test makes to its published format:
// JSON to docs/report.schema.json, SARIF to the SARIF 2.1.0 schema.
func validateOutput(t *testing.T, args []string, code int, out []byte) {
	t.Helper()
	if len(args) == 0 || args[0] != "check" || code > 1 {
		return
	}
	format := "text"
	for i, a := range args {
		if a == "--format" && i+1 < len(args) {
			format = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--format="); ok {
			format = v
		}
	}
	switch format {
	case "json":
		testsupport.ValidateReport(t, out)
	case "sarif":
		testsupport.ValidateSARIF(t, out)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const validRoute = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: app
spec:
  rules:
    - backendRefs:
        - name: web
          port: PORT
`

func TestCheckBundledExamples(t *testing.T) {
	r := runCLI(t, "", "check")
	require.Equal(t, 1, r.code, r.stderr)
	for _, want := range []string{
		"did you mean api-service?",
		"use the Service port 8080, not the target port",
		"no ReferenceGrant in namespace payments allows HTTPRoutes from namespace gateway-infra",
		`the core API group is "", not "core"`,
		"kinds are case-sensitive",
		"lives in the route's namespace edge",
		"HTTPRoute gateway-infra/invoices-route  ResolvedRefs=True",
	} {
		require.Contains(t, r.stdout, want)
	}
	// The predicted conditions line up in one column.
	_, status, found := strings.Cut(r.stdout, "Predicted route status")
	require.True(t, found)
	columns := map[int]int{}
	for _, line := range strings.Split(status, "\n") {
		if i := strings.Index(line, "ResolvedRefs="); i >= 0 {
			columns[i]++
		}
	}
	require.Len(t, columns, 1, "one column for the conditions: %v\n%s", columns, status)
	for _, n := range columns {
		require.Equal(t, 6, n, "a condition per bundled route")
	}
}

func TestBadInputExitCodes(t *testing.T) {
	dir := t.TempDir()
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	bomb := "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n"
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		bomb += n + ": &" + n + " [*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + ",*" + prev + "]\n"
		prev = n
	}
	bomb = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  " + strings.ReplaceAll(strings.TrimSpace(bomb), "\n", "\n  ") + "\n"
	cases := []struct {
		name, file, content string
		code                int
		stderr              []string
		stdout              []string
	}{
		{name: "malformed yaml", file: "bad.yaml", content: "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n", code: 2, stderr: []string{"bad.yaml:", "invalid YAML"}},
		{name: "binary garbage", file: "garbage.yaml", content: "apiVersion: v1\n\x00\x01\x02\xff\xfe", code: 2, stderr: []string{"garbage.yaml:2:", "not a text file"}},
		{name: "alias bomb", file: "bomb.yaml", content: bomb, code: 2, stderr: []string{"bomb.yaml:"}},
		{name: "helm template", file: "chart.yaml", content: "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- include \"x\" . | nindent 4 }}\n", code: 2, stderr: []string{"chart.yaml:", "Helm"}},
		{name: "deep nesting", file: "deep.yaml", content: deep, code: 2, stderr: []string{"deep.yaml:1:"}},
		{name: "string port", file: "port.yaml", content: strings.Replace(validRoute, "PORT", `"80"`, 1), code: 1, stdout: []string{"RG501", "set port: 80"}},
		{name: "named port", file: "named.yaml", content: strings.Replace(validRoute, "PORT", "http", 1), code: 1, stdout: []string{"RG501", "not a port name"}},
		{name: "wrong-shaped route", file: "shape.yaml", content: "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\nspec:\n  rules:\n    backendRefs: web\n", code: 1, stdout: []string{"RG505", "spec.rules is not a list"}},
		{name: "scalar document", file: "scalar.yaml", content: "just a string\n", code: 2, stderr: []string{"scalar.yaml:1:", "expected a Kubernetes object"}},
		{name: "empty file", file: "empty.yaml", content: "", code: 2, stderr: []string{"empty.yaml:1: empty file", "nothing was checked"}},
		{name: "no apiVersion", file: "plain.yaml", content: "foo: bar\n", code: 2, stderr: []string{"plain.yaml:1: skipped: not a Kubernetes object"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.file, c.content)
			r := runCLI(t, "", "check", p)
			require.Equal(t, c.code, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
			for _, s := range c.stderr {
				require.Contains(t, r.stderr, s)
			}
			for _, s := range c.stdout {
				require.Contains(t, r.stdout, s)
			}
			require.NotContains(t, r.stderr, "panic")
		})
	}
	t.Run("missing path", func(t *testing.T) {
		r := runCLI(t, "", "check", filepath.Join(dir, "nope.yaml"))
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "nope.yaml: no such file or directory")
	})
	t.Run("bad flag", func(t *testing.T) {
		r := runCLI(t, "", "check", "--format", "xml")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, `--format "xml"`)
	})
	t.Run("unknown profile", func(t *testing.T) {
		r := runCLI(t, "", "check", "--profile", "nope")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "the policy defines cilium, contour, envoy-gateway, istio, kgateway, nginx-gateway-fabric, spec, traefik")
	})
}

func TestStdinAndFailOn(t *testing.T) {
	route := strings.Replace(validRoute, "PORT", "8080", 1)
	r := runCLI(t, route, "check", "-")
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stdout, "<stdin>")
	require.Contains(t, r.stdout, "RG103")
	r = runCLI(t, route, "check", "--fail-on", "never", "-")
	require.Equal(t, 0, r.code)
	svc := "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\nspec:\n  ports: [{port: 8080}]\n---\n"
	r = runCLI(t, svc+route, "check", "-")
	require.Equal(t, 0, r.code, r.stdout)
	require.Contains(t, r.stdout, "ResolvedRefs=True")
}

func TestInventoryIsLookupOnly(t *testing.T) {
	dir := t.TempDir()
	route := writeFile(t, dir, "route.yaml", strings.Replace(validRoute, "PORT", "8080", 1))
	inv := writeFile(t, dir, "cluster.yaml", `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: app}
    spec: {ports: [{port: 8080}]}
  - apiVersion: gateway.networking.k8s.io/v1beta1
    kind: ReferenceGrant
    metadata: {name: unused, namespace: app}
    spec: {from: [], to: [{group: "", kind: Service}]}
`)
	r := runCLI(t, "", "check", "--format", "json", "--inventory", inv, route)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	var rep struct {
		Summary  map[string]int   `json:"summary"`
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Empty(t, rep.Findings, "inventory objects' own findings are not reported")
	require.Equal(t, 1, rep.Summary["routes"])
}

// TestOutputIsDeterministic: byte-identical JSON and text across runs and
// argument orders.
func TestOutputIsDeterministic(t *testing.T) {
	ex, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, ex)
	reversed := make([]string, len(ex))
	for i := range ex {
		reversed[len(ex)-1-i] = ex[i]
	}
	for _, format := range []string{"json", "text", "sarif", "junit", "github"} {
		first := runCLI(t, "", append([]string{"check", "--format", format}, ex...)...)
		again := runCLI(t, "", append([]string{"check", "--format", format}, ex...)...)
		other := runCLI(t, "", append([]string{"check", "--format", format}, reversed...)...)
		require.Equal(t, first.stdout, again.stdout)
		require.Equal(t, first.stdout, other.stdout)
	}
	r := runCLI(t, "", append([]string{"check", "--format", "json"}, ex...)...)
	var rep struct {
		Tool     map[string]string `json:"tool"`
		Profile  string            `json:"profile"`
		Findings []struct {
			Rule, Field, File, Message string
			Line                       int
		} `json:"findings"`
		Routes []struct {
			Conditions []map[string]string `json:"conditions"`
		} `json:"routes"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Equal(t, "refguard", rep.Tool["name"])
	require.Equal(t, "spec", rep.Profile)
	require.Len(t, rep.Routes, 6)
	for _, f := range rep.Findings {
		require.NotEmpty(t, f.Field)
		require.Positive(t, f.Line)
		require.NotEmpty(t, f.File)
	}
}

func TestRulesAndExplain(t *testing.T) {
	r := runCLI(t, "", "rules")
	require.Equal(t, 0, r.code)
	require.Contains(t, r.stdout, "RG103  backend-not-found")
	r = runCLI(t, "", "explain", "RG102")
	require.Equal(t, 0, r.code)
	// Rendered for a terminal: no Markdown comments, fences or tables.
	require.True(t, strings.HasPrefix(r.stdout, "RG102 backend-ref-not-permitted\n======"), r.stdout)
	for _, raw := range []string{"<!--", "```", "|---", "](../"} {
		require.NotContains(t, r.stdout, raw)
	}
	// The page shows a failing and a passing manifest from the fixtures,
	// what each profile predicts, and how to turn the rule off.
	require.Contains(t, r.stdout, "\nFails\n")
	require.Contains(t, r.stdout, "\nPasses\n")
	require.Contains(t, r.stdout, "    kind: HTTPRoute")
	require.Regexp(t, `(?m)^  contour +error +ResolvedRefs=False \(RefNotPermitted\)$`, r.stdout)
	require.Contains(t, r.stdout, "--severity RG102=off")
	byName := runCLI(t, "", "explain", "backend-ref-not-permitted")
	require.Equal(t, r.stdout, byName.stdout)
	md := runCLI(t, "", "explain", "--markdown", "RG102")
	page, err := os.ReadFile("../../docs/rules/RG102-backend-ref-not-permitted.md")
	require.NoError(t, err)
	require.Equal(t, string(page), md.stdout, "the page the repository shows")
	r = runCLI(t, "", "explain", "RG999")
	require.Equal(t, 2, r.code)
}

func TestFixtureCommand(t *testing.T) {
	r := runCLI(t, "", "test", filepath.Join("..", "..", "fixtures", "examples"))
	require.Equal(t, 0, r.code, r.stdout)
	require.Contains(t, r.stdout, "6 passed, 0 failed")
	dir := t.TempDir()
	writeFile(t, dir, "manifests.yaml", strings.Replace(validRoute, "PORT", "8080", 1))
	writeFile(t, dir, "expected.yaml", "description: wrong on purpose\nfindings: []\nroutes: []\n")
	r = runCLI(t, "", "test", dir)
	require.Equal(t, 1, r.code)
	require.Contains(t, r.stdout, "unexpected finding: RG103")
}

func TestInventoryCommand(t *testing.T) {
	dir := t.TempDir()
	src := writeFile(t, dir, "cluster.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")
	out := filepath.Join(dir, "inventory.json")
	r := runCLI(t, "", "inventory", src, "-o", out)
	require.Equal(t, 0, r.code, r.stderr)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)
	var inv struct {
		Inventory struct {
			Namespace map[string]map[string]map[string]map[string]any `json:"namespace"`
		} `json:"inventory"`
	}
	require.NoError(t, json.Unmarshal(raw, &inv))
	require.Contains(t, inv.Inventory.Namespace["default"]["v1"]["Service"], "web")
	require.NotContains(t, string(raw), "Deployment", "only objects references resolve against")

	// HTTPRoutes are written for a profile that reads them (kgateway's
	// delegation), whole, as Gatekeeper syncs them; for no other.
	route := writeFile(t, dir, "routes.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: child, namespace: team}\nspec: {rules: [{backendRefs: [{name: web, port: 80}]}]}\n")
	r = runCLI(t, "", "inventory", "--profile", "kgateway", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &inv))
	require.Contains(t, inv.Inventory.Namespace["team"]["gateway.networking.k8s.io/v1"]["HTTPRoute"], "child")
	require.Contains(t, r.stdout, "backendRefs")
	r = runCLI(t, "", "inventory", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.NotContains(t, r.stdout, "HTTPRoute")
	r = runCLI(t, "", "inventory", "--profile", "nope", route)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `--profile "nope": the policy defines`)
}

func TestSARIFAndJUnit(t *testing.T) {
	r := runCLI(t, "", "check", "--format", "sarif")
	require.Equal(t, 1, r.code, r.stderr)
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						Region struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &log))
	require.Equal(t, "2.1.0", log.Version)
	run := log.Runs[0]
	require.Len(t, run.Results, 8)
	for _, res := range run.Results {
		require.Equal(t, res.RuleID, run.Tool.Driver.Rules[res.RuleIndex].ID)
		require.Positive(t, res.Locations[0].PhysicalLocation.Region.StartLine)
	}

	// Code scanning needs files relative to the checkout, fingerprints that
	// survive a moved line, and rule pages as the release wrote them.
	dir := t.TempDir()
	writeFile(t, dir, "route with space.yaml", strings.ReplaceAll(validRoute, "PORT", "80"))
	t.Chdir(dir)
	r = runCLI(t, "", "check", "--format", "sarif", ".")
	require.Equal(t, 1, r.code, r.stderr)
	var scan struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Tool               struct {
				Driver struct {
					Rules []struct{ HelpURI string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &scan))
	got := scan.Runs[0]
	require.Len(t, got.Results, 1)
	loc := got.Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	require.Equal(t, "route%20with%20space.yaml", loc.URI)
	require.Equal(t, "SRCROOT", loc.URIBaseID)
	require.True(t, strings.HasPrefix(got.OriginalURIBaseIDs["SRCROOT"].URI, "file:///"), got.OriginalURIBaseIDs)
	require.NotEmpty(t, got.Results[0].PartialFingerprints["refguardFinding/v1"])
	require.Contains(t, got.Tool.Driver.Rules[0].HelpURI, "/blob/v"+refguard.Version()+"/docs/rules/RG101-")
	before := got.Results[0].PartialFingerprints
	writeFile(t, dir, "route with space.yaml", "# a comment moves every line\n"+strings.ReplaceAll(validRoute, "PORT", "80"))
	r = runCLI(t, "", "check", "--format", "sarif", ".")
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &scan))
	require.Equal(t, before, scan.Runs[0].Results[0].PartialFingerprints, "a moved line is the same finding")

	r = runCLI(t, "", "check", "--format", "junit")
	require.Equal(t, 1, r.code)
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal([]byte(r.stdout), &suite))
	require.Equal(t, 7, suite.Tests, "six routes and the grant with findings")
	require.Equal(t, 5, suite.Failures, "five routes with errors")
}

// TestMain keeps the compiled-policy cache of refguard check in a
// directory of its own, not the user's cache.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "refguard-cache-")
	if err != nil {
		panic(err)
	}
	os.Setenv("REFGUARD_CACHE_DIR", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestEvaluatorsAgree: the policy compiled to Wasm (the default, first run
// compiling it into the cache, the second reading it back) and OPA's
// evaluator print the same report.
func TestEvaluatorsAgree(t *testing.T) {
	ex, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	require.NoError(t, err)
	cached, err := filepath.Glob(filepath.Join(os.Getenv("REFGUARD_CACHE_DIR"), "policy-*.wasm"))
	require.NoError(t, err)
	for _, format := range []string{"json", "text"} {
		rego := runCLI(t, "", append([]string{"check", "--evaluator", "rego", "--format", format}, ex...)...)
		require.Equal(t, 1, rego.code, rego.stderr)
		for range 2 {
			w := runCLI(t, "", append([]string{"check", "--format", format}, ex...)...)
			require.Equal(t, rego, w)
		}
	}
	after, err := filepath.Glob(filepath.Join(os.Getenv("REFGUARD_CACHE_DIR"), "policy-*.wasm"))
	require.NoError(t, err)
	require.Len(t, after, max(len(cached), 1), "one compiled module for the embedded policy")

	r := runCLI(t, "", "check", "--evaluator", "fast")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `--evaluator "fast": want wasm or rego`)
}

// brokenStdout fails every write, as a full disk or a closed pipe does.
type brokenStdout struct{}

func (brokenStdout) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestOutputWriteFailureIsAnError: a command whose output cannot be written
// exits 2 and says why, instead of reporting success with nothing printed.
func TestOutputWriteFailureIsAnError(t *testing.T) {
	example := filepath.Join("..", "..", "examples", "01-typo-service-name.yaml")
	for _, args := range [][]string{
		{"check"},
		{"check", "--format", "json"},
		{"check", "--format", "sarif"},
		{"check", "--format", "junit"},
		{"check", "--format", "github"},
		{"rules"},
		{"explain", "RG103"},
		{"version"},
		{"fix", example},
		{"inventory", example},
		{"test", filepath.Join("..", "..", "fixtures", "examples")},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var errOut bytes.Buffer
			code := run(args, strings.NewReader(""), brokenStdout{}, &errOut)
			require.Equal(t, 2, code, errOut.String())
			require.Contains(t, errOut.String(), "no space left on device")
		})
	}
}

// TestSummaryLineCounts: the text report's last line counts in words that
// agree with the numbers.
func TestSummaryLineCounts(t *testing.T) {
	r := runCLI(t, "", "check", filepath.Join("..", "..", "examples", "01-typo-service-name.yaml"))
	require.Equal(t, 1, r.code, r.stderr)
	require.True(t, strings.HasSuffix(r.stdout, "\n1 file, 2 objects, 1 route, 1 backendRef: 1 error, 0 warnings, 0 info\n"), r.stdout)
	r = runCLI(t, "", "check")
	require.True(t, strings.HasSuffix(r.stdout, "\n6 files, 14 objects, 6 routes, 7 backendRefs: 6 errors, 1 warning, 1 info\n"), r.stdout)
}

func TestVersionAndRulesForScripts(t *testing.T) {
	r := runCLI(t, "", "--version")
	require.Equal(t, 0, r.code, r.stderr)
	require.True(t, strings.HasPrefix(r.stdout, "refguard "+refguard.Version()+" (commit "), r.stdout)

	r = runCLI(t, "", "rules", "--format", "json")
	require.Equal(t, 0, r.code, r.stderr)
	var doc struct {
		Version string `json:"version"`
		Rules   []struct {
			ID, Name, Severity, Since string
			HelpURI                   string `json:"help_uri"`
			Enabled                   bool
		} `json:"rules"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	require.Equal(t, refguard.Version(), doc.Version)
	text := runCLI(t, "", "rules").stdout
	require.Len(t, doc.Rules, strings.Count(text, "\n")-1, "the same rules as the table")
	for _, rule := range doc.Rules {
		require.Contains(t, text, rule.ID+"  "+rule.Name)
		require.FileExists(t, filepath.Join("..", "..", strings.SplitN(rule.HelpURI, "/blob/v"+refguard.Version()+"/", 2)[1]))
	}
	require.Equal(t, 2, runCLI(t, "", "rules", "--format", "yaml").code)
}

func TestCheckWithoutPathSaysWhatItChecks(t *testing.T) {
	r := runCLI(t, "apiVersion: v1\nkind: Service\n", "check")
	require.Equal(t, 1, r.code, "the bundled examples have findings")
	require.Contains(t, r.stderr, "checking the bundled examples, not standard input (use -")
	r = runCLI(t, "", "check", "../../examples")
	require.NotContains(t, r.stderr, "bundled examples")
}

// TestSuppressedFindingsAreShownNotCounted: the refguard.io/ignore
// annotation keeps a finding in every report, marked, and out of what
// decides the exit code.
func TestSuppressedFindingsAreShownNotCounted(t *testing.T) {
	dir := "../../fixtures/suppression/grant-ignores-wildcard"
	r := runCLI(t, "", "check", "--fail-on", "warning", dir)
	require.Equal(t, 0, r.code, "a suppressed warning does not fail --fail-on warning: %s", r.stdout)
	require.Contains(t, r.stdout, "ignored RG201")
	require.Contains(t, r.stdout, "suppressed by refguard.io/ignore (severity warning)")
	require.Contains(t, r.stdout, "1 suppressed finding (not counted)")

	r = runCLI(t, "", "check", "--format", "sarif", dir)
	require.Equal(t, 0, r.code)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind string `json:"kind"`
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &log))
	require.Len(t, log.Runs[0].Results, 1)
	require.Equal(t, "RG201", log.Runs[0].Results[0].RuleID)
	require.Equal(t, "inSource", log.Runs[0].Results[0].Suppressions[0].Kind)

	r = runCLI(t, "", "check", "--format", "github", dir)
	require.Empty(t, r.stdout, "no pull-request annotation for a suppressed finding")

	r = runCLI(t, "", "check", "--format", "json", "../../fixtures/suppression/annotation-ignores-listed-rules")
	require.Equal(t, 1, r.code, "the routes not suppressed still fail")
	require.Contains(t, r.stdout, `"justification": "created by the cart operator at deploy time"`)
	require.Contains(t, r.stdout, `"suppressed": 3`)
}

// TestFixLeavesSuppressedFindingsAlone: a finding the team suppressed is
// neither repaired nor listed as left to do.
func TestFixLeavesSuppressedFindingsAlone(t *testing.T) {
	dir := t.TempDir()
	raw, err := os.ReadFile("../../fixtures/suppression/annotation-ignores-listed-rules/manifests.yaml")
	require.NoError(t, err)
	p := writeFile(t, dir, "routes.yaml", string(raw))
	r := runCLI(t, "", "fix", p)
	require.Empty(t, r.stdout, "the suppressed RG105 on route legacy and everything on route everything stay as they are")
	require.NotContains(t, r.stderr, "routes.yaml:24", "a suppressed finding is not listed as left to do")
	require.Contains(t, r.stderr, "routes.yaml:23: RG303")
	require.Contains(t, r.stderr, "routes.yaml:37: RG103")
	require.Contains(t, r.stderr, "2 errors left for you")
}

func TestGenIsAMaintainerCommand(t *testing.T) {
	r := runCLI(t, "", "--help")
	require.NotContains(t, r.stdout, "  gen ", "users do not meet gen")
	r = runCLI(t, "", "gen", "--check", "--root", t.TempDir())
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "run it from one (go run ./cmd/refguard gen)")
}

// TestSARIFFileBesideTheReadableReport: one run prints the text report and
// writes the very log --format sarif prints.
func TestSARIFFileBesideTheReadableReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "route.yaml", strings.ReplaceAll(validRoute, "PORT", "80"))
	r := runCLI(t, "", "check", "--sarif-file", "out.sarif", "route.yaml")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "RG103")
	written, err := os.ReadFile(filepath.Join(dir, "out.sarif"))
	require.NoError(t, err)
	testsupport.ValidateSARIF(t, written)
	printed := runCLI(t, "", "check", "--format", "sarif", "route.yaml")
	require.Equal(t, printed.stdout, string(written))

	r = runCLI(t, "", "check", "--sarif-file", filepath.Join(dir, "missing", "out.sarif"), "route.yaml")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "--sarif-file")
}

// TestChartPlacesAnnotationsInTheTemplates: helm template's output piped
// in has no file of its own; with --chart, GitHub annotations and SARIF
// results name the template each object came from, and the text report
// keeps the rendered lines.
func TestChartPlacesAnnotationsInTheTemplates(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "charts", "shop", "templates"), 0o755))
	writeFile(t, dir, "charts/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
	writeFile(t, dir, "charts/shop/templates/route.yaml", "{{- /* the route */ -}}\n")
	rendered := "---\n# Source: shop/templates/route.yaml\n" + strings.ReplaceAll(validRoute, "PORT", "80")
	template := filepath.Join("charts", "shop", "templates", "route.yaml")

	r := runCLI(t, rendered, "check", "--format", "github", "--chart", "charts/shop", "-")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "::error file="+template+",title=RG103 ")
	require.NotContains(t, r.stdout, "<stdin>")

	r = runCLI(t, rendered, "check", "--format", "sarif", "--chart", "charts/shop", "-")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, `"uri": "charts/shop/templates/route.yaml"`)

	r = runCLI(t, rendered, "check", "--chart", "charts/shop", "-")
	require.Contains(t, r.stdout, "<stdin>")
	require.Contains(t, r.stdout, "rendered from shop/templates/route.yaml")

	r = runCLI(t, rendered, "check", "--format", "github", "--chart", "charts", "-")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "--chart charts: not a Helm chart")
}
