package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/internal/testsupport"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/gen"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/harness/policyset"
	"github.com/refguard/refguard/harness/report"
)

type conftestResult struct {
	Filename  string          `json:"filename"`
	Namespace string          `json:"namespace"`
	Warnings  []conftestEntry `json:"warnings"`
	Failures  []conftestEntry `json:"failures"`
}

type conftestEntry struct {
	Msg      string         `json:"msg"`
	Metadata map[string]any `json:"metadata"`
}

// conftestFinding is a finding as conftest's -o json carries it, and as the
// CLI's report says it must be: every field the policy decides.
type conftestFinding struct {
	Outcome  string // failure or warning: what conftest made of it
	Msg      string
	Rule     string
	Name     string
	Severity string
	Reason   string
	Object   report.ObjectRef
	Field    string
	Fix      string
	File     string // --combine only
}

func (f conftestFinding) String() string {
	type plain conftestFinding // no String method: %+v prints the fields
	return fmt.Sprintf("%+v", plain(f))
}

// fromConftest reads one result of conftest -o json.
func fromConftest(outcome string, r conftestEntry) conftestFinding {
	m := r.Metadata
	obj, _ := m["object"].(map[string]any)
	str := func(v any) string { s, _ := v.(string); return s }
	file := str(m["file"])
	if file != "" {
		file = filepath.Clean(file)
	}
	return conftestFinding{
		Outcome: outcome, Msg: r.Msg, Rule: str(m["rule"]), Name: str(m["name"]), Severity: str(m["severity"]),
		Reason: str(m["reason"]), Field: str(m["field"]), Fix: str(m["fix"]), File: file,
		Object: report.ObjectRef{APIVersion: str(obj["apiVersion"]), Kind: str(obj["kind"]), Namespace: str(obj["namespace"]), Name: str(obj["name"])},
	}
}

// fromCLI is what conftest must print for a finding of the CLI's report:
// errors fail, everything else warns, and the message is the rule ID, the
// message and what it is about.
func fromCLI(f report.Finding, withFile bool) conftestFinding {
	outcome := "warning"
	if f.Severity == "error" {
		outcome = "failure"
	}
	file := ""
	if withFile {
		file = filepath.Clean(f.File)
	}
	return conftestFinding{
		Outcome: outcome,
		Msg:     fmt.Sprintf("%s: %s (%s %s/%s %s)", f.Rule, f.Message, f.Object.Kind, f.Object.Namespace, f.Object.Name, f.Field),
		Rule:    f.Rule, Name: f.Name, Severity: f.Severity, Reason: f.Reason, Object: f.Object, Field: f.Field, Fix: f.Fix, File: file,
	}
}

// runConftest runs conftest test with -o json and returns its findings as
// strings, in a stable order, and its refguard notices.
func runConftest(t *testing.T, bin string, args ...string) (findings []string, notices []string) {
	t.Helper()
	results, notices := runConftestResults(t, bin, args...)
	for _, f := range results {
		findings = append(findings, f.String())
	}
	sort.Strings(findings)
	return findings, notices
}

// runConftestResults runs conftest test with -o json and returns its
// findings and its refguard notices.
func runConftestResults(t *testing.T, bin string, args ...string) (findings []conftestFinding, notices []string) {
	t.Helper()
	args = append([]string{"test", "--no-color", "-o", "json"}, args...)
	out, err := exec.Command(bin, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil // failures found
	}
	require.NoError(t, err, "conftest %s\n%s", strings.Join(args, " "), out)
	var results []conftestResult
	require.NoError(t, json.Unmarshal(out, &results), string(out))
	for _, r := range results {
		for _, w := range r.Warnings {
			if strings.HasPrefix(w.Msg, "refguard: ") {
				notices = append(notices, w.Msg)
				continue
			}
			findings = append(findings, fromConftest("warning", w))
		}
		for _, f := range r.Failures {
			findings = append(findings, fromConftest("failure", f))
		}
	}
	return findings, notices
}

// checkConftest runs the real conftest (v0.71) over a fixture case, reading
// policy/ as it is, with the command its users type (no --namespace flag):
//   - with --combine it must report every finding of the CLI with the same
//     rule, name, severity, reason, object, field, message, fix and file,
//     errors as failures and everything else as warnings;
//   - one document at a time it must report exactly the CLI's findings of
//     the rules that need nothing but the object (scope route or grant),
//     nothing that needs another object, and a notice for each route.
func checkConftest(t *testing.T, bin, policyDir string, scopes map[string]string, c *fixture.Case, cli *report.Report) {
	t.Helper()
	var settingsArgs, inventoryArgs []string
	if len(c.Expected.Severity) > 0 || c.Expected.Profile != "" || len(c.Expected.BackendKinds) > 0 || len(c.Expected.BackendLookups) > 0 {
		settingsArgs = []string{"--data", writeJSON(t, "settings.json", map[string]any{"lib": map[string]any{"refguard_settings": c.Config()}})}
	}
	if len(c.Inventory) > 0 {
		// Lookup-only objects reach conftest as a cluster inventory (--data).
		inv, err := manifest.Load(c.Inventory, nil)
		require.NoError(t, err)
		inventoryArgs = []string{"--data", writeJSON(t, "inventory.json", inventory.GatekeeperShape(collectionsFor(t, c.Config()), inv.Objects))}
	}
	// conftest prints what decides the run: a finding the annotation
	// suppresses neither fails nor warns there. conftest never sees
	// comments, so one a comment suppresses in the CLI fails there.
	var want []string
	for _, f := range cli.Findings {
		if !annotationSuppressed(f) {
			want = append(want, fromCLI(f, true).String())
		}
	}
	sort.Strings(want)
	args := append(append(append([]string{"--combine", "--policy", policyDir}, settingsArgs...), inventoryArgs...), c.Manifests...)
	got, notices := runConftest(t, bin, args...)
	require.Equal(t, want, got, "conftest --combine")
	require.Empty(t, notices, "conftest --combine")

	// One document at a time: every finding of a rule that needs only the
	// object (scope route or grant), no finding the CLI does not report, and
	// nothing that needs the whole set. Messages and fixes may say less
	// than the CLI's (RG104 names the Service's ports when it has them), so
	// they are compared without them.
	key := func(f conftestFinding) string {
		f.Msg, f.Fix = "", ""
		return f.String()
	}
	cliKeys := map[string]bool{}
	var wantSingle []string
	for _, f := range cli.Findings {
		k := key(fromCLI(f, false))
		cliKeys[k] = true
		if scope := scopes[f.Rule]; (scope == "route" || scope == "grant") && !annotationSuppressed(f) {
			wantSingle = append(wantSingle, k)
		}
	}
	singleArgs := append(append([]string{"--policy", policyDir}, settingsArgs...), inventoryArgs...)
	results, notices := runConftestResults(t, bin, append(singleArgs, c.Manifests...)...)
	gotSingle := map[string]bool{}
	for _, f := range results {
		require.True(t, strings.HasPrefix(f.Msg, f.Rule+": "), f.Msg)
		require.NotEqual(t, "set", scopes[f.Rule], "needs the whole set: %s", f.Msg)
		require.True(t, cliKeys[key(f)], "one document at a time, a finding the CLI does not report: %s", f)
		gotSingle[key(f)] = true
	}
	for _, k := range wantSingle {
		require.True(t, gotSingle[k], "one document at a time, a finding that needs no other object is missing: %s", k)
	}
	if len(c.Inventory) == 0 {
		// One notice per route document: one document at a time, conftest
		// sees each copy of a route the set defines twice.
		loaded, _, err := c.Load()
		require.NoError(t, err)
		routeDocuments := 0
		for _, o := range loaded.Objects {
			if strings.HasPrefix(o.APIVersion, "gateway.networking.k8s.io/") && strings.HasSuffix(o.Kind, "Route") {
				routeDocuments++
			}
		}
		require.Len(t, notices, routeDocuments, "one notice per route document one document at a time")
		for _, n := range notices {
			require.Contains(t, n, "run conftest with --combine")
		}
	}
}

// TestEveryContextAgrees runs every fixture through every context — the CLI
// with OPA's evaluator and with the policy compiled to Wasm (whole reports,
// byte for byte), conftest --combine and one document at a time, and an
// AdmissionReview against kube-mgmt-shaped data — and asserts identical
// findings. A missing conftest fails the test; no context is skipped.
func TestEveryContextAgrees(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	set, err := policyset.Embedded()
	require.NoError(t, err)
	compiler, err := set.Compiler()
	require.NoError(t, err)
	checker, err := check.NewChecker(context.Background(), set)
	require.NoError(t, err)
	wasmChecker := newWasmChecker(t, set)
	policyDir := filepath.Join("..", "policy")
	scopes := map[string]string{}
	for _, r := range allRules(t) {
		scopes[r.ID] = r.Scope
	}
	contexts := map[string]int{}
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			o, err := fixture.Run(context.Background(), checker, c)
			require.NoError(t, err)
			require.Empty(t, o.Problems, "the CLI itself disagrees with expected.yaml")
			contexts["cli"]++
			ow, err := fixture.Run(context.Background(), wasmChecker, c)
			require.NoError(t, err)
			requireSameReport(t, o.Report, ow.Report)
			contexts["wasm"]++
			checkConftest(t, bin, policyDir, scopes, c, o.Report)
			contexts["conftest"]++
			if checkAdmission(t, compiler, c, o.Report) > 0 {
				contexts["admission"]++
			}
		})
	}
	require.Equal(t, len(cases), contexts["cli"])
	require.Equal(t, len(cases), contexts["wasm"])
	require.Equal(t, len(cases), contexts["conftest"], "conftest skipped cases")
	require.GreaterOrEqual(t, contexts["admission"], len(cases)-1, "admission reviewed too few cases")

	// A generated set with a failure of every rule, many objects in one
	// file and grants shared across namespaces: the same in every context.
	t.Run("generated-every-rule", func(t *testing.T) {
		gs := gen.GenerateMix(10*len(allRules(t)), 5, gen.EveryRule) // every rule planted once
		path, rep := checkGeneratedSet(t, checker, gs)
		loaded, err := manifest.LoadWithOptions([]string{path}, nil, wasmChecker.LoadOptions())
		require.NoError(t, err)
		wasmRep, err := wasmChecker.Check(context.Background(), loaded, nil, gs.Config)
		require.NoError(t, err)
		requireSameReport(t, rep, wasmRep)
		c := &fixture.Case{Name: "generated-every-rule", Manifests: []string{path}, Expected: fixture.Expected{
			Profile: gs.Config["profile"].(string), Severity: map[string]string{"RG401": "warning"},
		}}
		require.Equal(t, check.Config(gs.Config["profile"].(string), gs.Config["severity"].(map[string]any), nil, nil), c.Config())
		got := findingsPerRule(rep)
		require.Equal(t, map[string]int(gs.Planted), got)
		require.Len(t, got, len(scopes), "a finding of every rule")
		checkConftest(t, bin, policyDir, scopes, c, rep)
		require.Positive(t, checkAdmission(t, compiler, c, rep))
	})
}

// requireSameReport compares two reports as refguard check --format json
// prints them.
func requireSameReport(t *testing.T, want, got *report.Report) {
	t.Helper()
	require.Nil(t, want.Fallback, "OPA's evaluator reports no fallback")
	require.Nil(t, got.Fallback, "the Wasm build failed on a batch, which OPA's evaluator checked again")
	require.Equal(t, reportJSON(t, want), reportJSON(t, got), "OPA's evaluator and the Wasm build disagree")
}

// reportJSON is the report as refguard check --format json prints it,
// validated against the report's published schema.
func reportJSON(t *testing.T, rep *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	meta := report.Meta{Tool: report.Tool{Name: "refguard", Version: refguard.Version(), BundleRevision: refguard.Version()}, Profile: "spec"}
	require.NoError(t, report.JSON(&b, meta, rep))
	testsupport.ValidateReport(t, b.Bytes())
	return b.String()
}

func writeJSON(t *testing.T, name string, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, raw, 0o644))
	return p
}

func annotationSuppressed(f report.Finding) bool {
	return f.Suppression != nil && f.Suppression.Kind == "annotation"
}
