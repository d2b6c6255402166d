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
	Filename string `json:"filename"`
	Warnings []struct {
		Msg      string         `json:"msg"`
		Metadata map[string]any `json:"metadata"`
	} `json:"warnings"`
	Failures []struct {
		Msg      string         `json:"msg"`
		Metadata map[string]any `json:"metadata"`
	} `json:"failures"`
}

func conftestKey(meta map[string]any, severity string) string {
	obj, _ := meta["object"].(map[string]any)
	return fmt.Sprintf("%v %s %v %s", meta["rule"], fixture.ObjectKey(fmt.Sprint(obj["kind"]), fmt.Sprint(obj["namespace"]), fmt.Sprint(obj["name"])), meta["field"], severity)
}

// checkConftest runs the real conftest (v0.71) over a fixture case,
// reading policy/ as it is: with --combine it must report the CLI's
// (rule, object, field) set, errors as failures and everything else as
// warnings; one document at a time it must report no finding the CLI does
// not, nothing that needs another object, and a notice.
func checkConftest(t *testing.T, bin, policyDir string, scopes map[string]string, c *fixture.Case, cli *check.Report) {
	var want []string
	for _, f := range cli.Findings {
		sev := "warning"
		if f.Severity == "error" {
			sev = "error"
		}
		want = append(want, conftestKey(map[string]any{
			"rule": f.Rule, "field": f.Field,
			"object": map[string]any{"kind": f.Object.Kind, "namespace": f.Object.Namespace, "name": f.Object.Name},
		}, sev))
	}
	var settingsArgs, inventoryArgs []string
	if len(c.Expected.Severity) > 0 || c.Expected.Profile != "" {
		settingsArgs = []string{"--data", writeJSON(t, "settings.json", map[string]any{"lib": map[string]any{"refguard_settings": c.Config()}})}
	}
	if len(c.Inventory) > 0 {
		// Lookup-only objects reach conftest as a cluster inventory (--data).
		inv, err := manifest.Load(c.Inventory, nil)
		require.NoError(t, err)
		inventoryArgs = []string{"--data", writeJSON(t, "inventory.json", inventory.GatekeeperShape(inv.Objects))}
	}
	args := []string{"test", "--combine", "--all-namespaces", "--no-color", "-o", "json", "--policy", policyDir}
	args = append(append(append(args, settingsArgs...), inventoryArgs...), c.Manifests...)
	out, err := exec.Command(bin, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil // failures found
	}
	require.NoError(t, err, string(out))
	var results []conftestResult
	require.NoError(t, json.Unmarshal(out, &results), string(out))
	var got []string
	for _, r := range results {
		for _, w := range r.Warnings {
			require.True(t, strings.HasPrefix(w.Msg, fmt.Sprint(w.Metadata["rule"])+": "), w.Msg)
			got = append(got, conftestKey(w.Metadata, "warning"))
		}
		for _, f := range r.Failures {
			require.True(t, strings.HasPrefix(f.Msg, fmt.Sprint(f.Metadata["rule"])+": "), f.Msg)
			got = append(got, conftestKey(f.Metadata, "error"))
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	require.Equal(t, want, got)

	// One document at a time: no false errors for refs conftest
	// cannot see, nothing that needs another object, and a notice.
	singleArgs := append([]string{"test", "--all-namespaces", "--no-color", "-o", "json", "--policy", policyDir}, settingsArgs...)
	single := exec.Command(bin, append(singleArgs, c.Manifests...)...)
	out, err = single.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	require.NoError(t, err, string(out))
	results = nil
	require.NoError(t, json.Unmarshal(out, &results), string(out))
	wanted := map[string]bool{}
	for _, k := range want {
		wanted[k] = true
	}
	for _, r := range results {
		for _, f := range r.Failures {
			require.True(t, wanted[conftestKey(f.Metadata, "error")], "single-document false error: %s", f.Msg)
			require.NotEqual(t, "set", scopes[fmt.Sprint(f.Metadata["rule"])], "needs the whole set: %s", f.Msg)
		}
		for _, w := range r.Warnings {
			if strings.HasPrefix(w.Msg, "refguard: ") {
				require.Contains(t, w.Msg, "run conftest with --combine")
				continue
			}
			require.True(t, wanted[conftestKey(w.Metadata, "warning")], "single-document false warning: %s", w.Msg)
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
		gs := gen.GenerateMix(240, 5, gen.EveryRule)
		path, rep := checkGeneratedSet(t, checker, gs)
		loaded, err := manifest.LoadWithOptions([]string{path}, nil, wasmChecker.LoadOptions())
		require.NoError(t, err)
		wasmRep, err := wasmChecker.Check(context.Background(), loaded, nil, gs.Config)
		require.NoError(t, err)
		requireSameReport(t, rep, wasmRep)
		c := &fixture.Case{Name: "generated-every-rule", Manifests: []string{path}, Expected: fixture.Expected{
			Profile: gs.Config["profile"].(string), Severity: map[string]string{"RG401": "warning"},
		}}
		require.Equal(t, gs.Config, c.Config())
		got := findingsPerRule(rep)
		require.Equal(t, map[string]int(gs.Planted), got)
		require.Len(t, got, len(scopes), "a finding of every rule")
		checkConftest(t, bin, policyDir, scopes, c, rep)
		require.Positive(t, checkAdmission(t, compiler, c, rep))
	})
}

// requireSameReport compares two reports as refguard check --format json
// prints them.
func requireSameReport(t *testing.T, want, got *check.Report) {
	t.Helper()
	var a, b bytes.Buffer
	require.NoError(t, report.JSON(&a, report.Meta{}, want))
	require.NoError(t, report.JSON(&b, report.Meta{}, got))
	require.Equal(t, a.String(), b.String(), "OPA's evaluator and the Wasm build disagree")
}

func writeJSON(t *testing.T, name string, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, raw, 0o644))
	return p
}
