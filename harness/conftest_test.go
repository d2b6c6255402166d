package harness_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/manifest"
	"github.com/refguard/refguard/internal/testsupport"
)

// usersOwnPolicy is what a team already runs with conftest: its own
// package main, with a deny rule of its own and a helper whose name a
// shared policy could easily use too.
const usersOwnPolicy = `package main

deny contains msg if {
	some doc in objects
	doc.kind == "HTTPRoute"
	not doc.metadata.labels.team
	msg := sprintf("HTTPRoute %s has no team label", [doc.metadata.name])
}

objects := [doc | some file in input; doc := file.contents]
`

// TestConftestPlainCommandWithUsersOwnPolicy runs the command conftest users
// type — refguard's policy next to their own package main, no --namespace
// flag — on the bundled examples: both policies' findings are reported,
// refguard's exactly as the CLI reports them, and --all-namespaces gives the
// same findings, not twice.
func TestConftestPlainCommandWithUsersOwnPolicy(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	own := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(own, "team.rego"), []byte(usersOwnPolicy), 0o644))
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, examples)

	loaded, err := manifest.Load(examples, nil)
	require.NoError(t, err)
	rep, err := newChecker(t).Check(context.Background(), loaded, nil, nil)
	require.NoError(t, err)
	require.Positive(t, rep.Summary.Errors, "the examples hold the guide's incidents")
	var want []string
	for _, f := range rep.Findings {
		want = append(want, fromCLI(f, true).String())
	}
	sort.Strings(want)

	args := append([]string{"--combine", "--policy", filepath.Join("..", "policy"), "--policy", own}, examples...)
	results, notices := runConftestResults(t, bin, args...)
	require.Empty(t, notices)
	var refguard, theirs []string
	for _, f := range results {
		if f.Rule == "" {
			theirs = append(theirs, f.Msg)
			continue
		}
		refguard = append(refguard, f.String())
	}
	sort.Strings(refguard)
	require.Equal(t, want, refguard, "refguard's findings next to the user's policy")
	require.Len(t, theirs, rep.Summary.Routes, "the user's own rule fires once per route")

	all, notices := runConftest(t, bin, append([]string{"--all-namespaces"}, args...)...)
	require.Empty(t, notices)
	plain, _ := runConftest(t, bin, args...)
	require.Equal(t, plain, all, "--all-namespaces reports the same findings once")
}

// hostileRoute names a Service with a newline that starts a GitHub Actions
// workflow command, a terminal escape and a bidirectional override.
const hostileRoute = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: storefront
  namespace: shop
spec:
  rules:
    - backendRefs:
        - name: "checkout\n::warning file=other.yaml::injected\e[31m\u202e"
          port: 80
`

// TestConftestCIFormatsNameTheFileAndEscapeInput runs conftest's CI output
// formats with --combine on two files: each finding is attributed to the
// manifest that holds the route (not conftest's "Combined"), and a name
// from the input cannot start a workflow command of its own or reach the
// log as a control character.
func TestConftestCIFormatsNameTheFileAndEscapeInput(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "deploy", "shop"), 0o755))
	route := filepath.Join("deploy", "shop", "route.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, route), []byte(hostileRoute), 0o644))
	services := filepath.Join("deploy", "shop", "services.yaml")
	require.NoError(t, os.WriteFile(filepath.Join(dir, services), []byte("apiVersion: v1\nkind: Service\nmetadata: {name: checkout, namespace: shop}\nspec: {ports: [{port: 8080}]}\n"), 0o644))
	policy, err := filepath.Abs(filepath.Join("..", "policy"))
	require.NoError(t, err)
	run := func(format string) string {
		cmd := exec.Command(bin, "test", "--combine", "--no-color", "-o", format, "--policy", policy, services, route)
		cmd.Dir = dir
		out, err := cmd.Output()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "the route's reference is broken: conftest fails\n%s", out)
		require.Equal(t, 1, exit.ExitCode(), string(out))
		return string(out)
	}

	// The log: SARIF is JSON, which encodes every string exactly.
	github := run("github")
	require.NotContains(t, github, "\x1b", "no terminal escape reaches the log")
	require.NotContains(t, github, "\u202e", "no bidirectional override reaches the log")
	var annotations []string
	for _, line := range strings.Split(strings.TrimSpace(github), "\n") {
		if strings.HasPrefix(line, "::") && !strings.HasPrefix(line, "::group::") && !strings.HasPrefix(line, "::endgroup::") {
			annotations = append(annotations, line)
		}
	}
	require.NotEmpty(t, annotations)
	require.Contains(t, annotations[0], "::error file="+filepath.ToSlash(route)+",line=1::RG109: ")
	for _, a := range annotations {
		file := strings.SplitN(strings.SplitN(a, "file=", 2)[1], ",", 2)[0]
		require.Contains(t, []string{filepath.ToSlash(route), "Combined"}, file, "a name from the input is data, never a workflow command: %s", a)
	}
	require.Contains(t, github, `set name: checkout\x0a::warning`, "escaped as the CLI writes it")

	sarif := run("sarif")
	testsupport.ValidateSARIF(t, []byte(sarif))
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(sarif), &doc))
	require.NotEmpty(t, doc.Runs[0].Results)
	for _, r := range doc.Runs[0].Results {
		require.Equal(t, filepath.ToSlash(route), r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
}

// TestConftestOnAKustomizeTree: conftest --combine on a kustomize base and
// overlays reads the overlays' patches as refguard check does — parts of
// the base's objects, not second definitions of them (no RG506) — so the
// two report the same findings on the same tree.
func TestConftestOnAKustomizeTree(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	dir := t.TempDir()
	files := map[string]string{
		"base/kustomization.yaml": "resources:\n- app.yaml\n",
		"base/app.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n---\n" +
			"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs:\n  - name: gw\n  rules:\n  - backendRefs:\n    - name: web\n      port: 8080\n",
		"overlays/prod/kustomization.yaml": "namespace: prod\nresources:\n- ../../base\npatches:\n- path: route.yaml\n",
		"overlays/prod/route.yaml":         "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  rules:\n  - backendRefs:\n    - name: web\n      port: 80\n",
		"overlays/dev/kustomization.yaml":  "resources:\n- ../../base\npatchesStrategicMerge:\n- ./route.yaml\n",
		"overlays/dev/route.yaml":          "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  rules:\n  - backendRefs:\n    - name: web\n      port: 9090\n",
	}
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	loaded, err := manifest.Load([]string{dir}, nil)
	require.NoError(t, err)
	rep, err := newChecker(t).Check(context.Background(), loaded, nil, nil)
	require.NoError(t, err)
	var want []string
	for _, f := range rep.Findings {
		want = append(want, fromCLI(f, true).String())
	}
	sort.Strings(want)
	require.Equal(t, 1, len(want), "the base's wrong port, and no RG506 for the patches: %v", want)

	got, notices := runConftest(t, bin, "--combine", "--policy", filepath.Join("..", "policy"), dir)
	require.Empty(t, notices)
	require.Equal(t, want, got)
}
