package release_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/release"
	"github.com/refguard/refguard/internal/testsupport"
)

// action is the part of action.yml a runner reads.
type action struct {
	Inputs map[string]struct {
		Default string `json:"default"`
	} `json:"inputs"`
	Runs struct {
		Using string `json:"using"`
		Steps []struct {
			ID    string            `json:"id"`
			If    string            `json:"if"`
			Uses  string            `json:"uses"`
			Shell string            `json:"shell"`
			Run   string            `json:"run"`
			Env   map[string]string `json:"env"`
			With  map[string]string `json:"with"`
		} `json:"steps"`
	} `json:"runs"`
}

// actionRun is what one run of the action left behind.
type actionRun struct {
	failedStep string // "" when every step passed
	exitCode   int
	log        string
	outputs    map[string]map[string]string // step id → outputs
	summary    string
	uploaded   string // the SARIF file the upload step was given ("" if skipped)
}

var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runAction runs action.yml's shell steps as a GitHub runner does: each
// step's env with its expressions resolved, the files behind GITHUB_OUTPUT,
// GITHUB_PATH and GITHUB_STEP_SUMMARY, the action's directory as
// GITHUB_ACTION_PATH. The upload step (a JavaScript action) is not run; the
// test checks what it would be given.
func runAction(t *testing.T, workspace, downloadBase string, inputs map[string]string) actionRun {
	t.Helper()
	root := testsupport.ModuleRoot(t)
	raw, err := os.ReadFile(filepath.Join(root, "action.yml"))
	require.NoError(t, err)
	var a action
	require.NoError(t, yaml.Unmarshal(raw, &a))
	require.Equal(t, "composite", a.Runs.Using)
	in := map[string]string{}
	for k, v := range a.Inputs {
		in[k] = v.Default
	}
	for k, v := range inputs {
		_, known := a.Inputs[k]
		require.True(t, known, "action.yml has no input %q", k)
		in[k] = v
	}
	temp := t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"GITHUB_PATH", "GITHUB_ENV", "GITHUB_STEP_SUMMARY"} {
		files[f] = filepath.Join(temp, strings.ToLower(f))
		require.NoError(t, os.WriteFile(files[f], nil, 0o644))
	}
	run := actionRun{outputs: map[string]map[string]string{}}
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[release.Host().Arch]
	resolve := func(expr string) string {
		return expression.ReplaceAllStringFunc(expr, func(m string) string {
			e := expression.FindStringSubmatch(m)[1]
			if v, ok := strings.CutPrefix(e, "inputs."); ok {
				return in[v]
			}
			if v, ok := strings.CutPrefix(e, "steps."); ok {
				id, rest, _ := strings.Cut(v, ".outputs.")
				return run.outputs[id][rest]
			}
			if e == "github.action_path" {
				return root
			}
			t.Fatalf("the test does not resolve ${{ %s }}", e)
			return ""
		})
	}
	condition := func(expr string) bool {
		if expr == "" {
			return true
		}
		// The action's conditions are conjunctions of always() and
		// comparisons with ==/!= against a quoted string.
		expr = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(expr), "${{"), "}}")
		for _, part := range strings.Split(expr, "&&") {
			part = strings.TrimSpace(part)
			if part == "always()" {
				continue
			}
			op := "=="
			if strings.Contains(part, "!=") {
				op = "!="
			}
			l, r, ok := strings.Cut(part, op)
			require.True(t, ok, "condition %q", part)
			left := resolve("${{ " + strings.TrimSpace(l) + " }}")
			right := strings.Trim(strings.TrimSpace(r), "'")
			if (left == right) != (op == "==") {
				return false
			}
		}
		return true
	}
	path := os.Getenv("PATH")
	for i, step := range a.Runs.Steps {
		name := step.ID
		if name == "" {
			name = fmt.Sprint("step ", i)
		}
		if !condition(step.If) {
			continue
		}
		if step.Uses != "" {
			require.True(t, strings.HasPrefix(step.Uses, "github/codeql-action/upload-sarif@"), step.Uses)
			run.uploaded = resolve(step.With["sarif_file"])
			continue
		}
		require.Equal(t, "bash", step.Shell, name)
		output := filepath.Join(temp, "output-"+fmt.Sprint(i))
		require.NoError(t, os.WriteFile(output, nil, 0o644))
		cmd := exec.Command("bash", "-e", "-c", resolve(step.Run))
		cmd.Dir = workspace
		cmd.Env = append(os.Environ(),
			"PATH="+path, "GITHUB_ACTION_PATH="+root, "GITHUB_WORKSPACE="+workspace,
			"GITHUB_OUTPUT="+output, "GITHUB_PATH="+files["GITHUB_PATH"], "GITHUB_ENV="+files["GITHUB_ENV"],
			"GITHUB_STEP_SUMMARY="+files["GITHUB_STEP_SUMMARY"], "RUNNER_TEMP="+temp,
			"RUNNER_OS=Linux", "RUNNER_ARCH="+arch, "REFGUARD_DOWNLOAD_BASE="+downloadBase,
			"REFGUARD_CACHE_DIR=off")
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+resolve(v))
		}
		out, err := cmd.CombinedOutput()
		run.log += string(out)
		run.outputs[step.ID] = readOutputs(t, output)
		// Later steps see what this one added to the PATH.
		added, rerr := os.ReadFile(files["GITHUB_PATH"])
		require.NoError(t, rerr)
		for _, dir := range strings.Fields(string(added)) {
			if !strings.Contains(path, dir) {
				path = dir + string(os.PathListSeparator) + path
			}
		}
		if err != nil {
			run.failedStep = name
			if exit, ok := err.(*exec.ExitError); ok {
				run.exitCode = exit.ExitCode()
			}
			break
		}
	}
	summary, err := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	require.NoError(t, err)
	run.summary = string(summary)
	return run
}

func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		require.True(t, ok, "GITHUB_OUTPUT line %q", sc.Text())
		out[k] = v
	}
	return out
}

// releaseDownloads lays out the host build as GitHub serves release assets:
// BASE/v<version>/<asset>.
func releaseDownloads(t *testing.T, tamper bool) string {
	t.Helper()
	art, dir := buildHost(t)
	base := t.TempDir()
	vdir := filepath.Join(base, "v"+refguard.Version())
	require.NoError(t, os.MkdirAll(vdir, 0o755))
	for _, name := range []string{art.Binaries[release.Host()], art.Sums} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		if tamper && name != art.Sums {
			raw = append(raw, 0)
		}
		require.NoError(t, os.WriteFile(filepath.Join(vdir, name), raw, 0o755))
	}
	return "file://" + base
}

// A repository as a platform team holds one: routes in one namespace,
// Services in another, the grant in a third file, one route broken.
func gitopsWorkspace(t *testing.T) string {
	t.Helper()
	ws := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(ws, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("apps/shop/service.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: cart, namespace: shop}\nspec:\n  ports: [{name: http, port: 8080}]\n")
	write("apps/shop/grant.yaml", "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: from-edge, namespace: shop}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: edge}]\n  to: [{group: \"\", kind: Service}]\n")
	write("edge/routes.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop, namespace: edge}\nspec:\n  rules:\n    - backendRefs:\n        - {name: cart, namespace: shop, port: 8080}\n    - backendRefs:\n        - {name: carts, namespace: shop, port: 8080}\n")
	return ws
}

func TestActionChecksUploadsAndFails(t *testing.T) {
	ws := gitopsWorkspace(t)
	run := runAction(t, ws, releaseDownloads(t, false), map[string]string{"paths": "apps\nedge"})
	require.Equal(t, "step 3", run.failedStep, "the last step fails the job: %s", run.log)
	require.Equal(t, 1, run.exitCode)
	require.Equal(t, "1", run.outputs["check"]["exit-code"])
	require.Equal(t, refguard.Version(), run.outputs["install"]["version"])
	require.Contains(t, run.log, "refguard "+refguard.Version()+" (commit ")
	require.Contains(t, run.log, "Service shop/carts not found; did you mean cart?")

	require.NotEmpty(t, run.uploaded, "the SARIF upload runs although the check failed")
	sarif, err := os.ReadFile(run.uploaded)
	require.NoError(t, err)
	testsupport.ValidateSARIF(t, sarif)
	require.Contains(t, string(sarif), `"uri": "edge/routes.yaml"`)
	require.Contains(t, string(sarif), `"ruleId": "RG103"`)
	require.Contains(t, run.summary, "### refguard check")
	require.Contains(t, run.summary, "RG103")
}

func TestActionPassesWhenFailOnAllows(t *testing.T) {
	ws := gitopsWorkspace(t)
	run := runAction(t, ws, releaseDownloads(t, false), map[string]string{"fail-on": "never", "upload-sarif": "false", "profile": "istio"})
	require.Empty(t, run.failedStep, run.log)
	require.Equal(t, "0", run.outputs["check"]["exit-code"])
	require.Empty(t, run.uploaded)
	require.Contains(t, run.log, "profile istio")
}

func TestActionRefusesABinaryThatDoesNotMatchItsChecksum(t *testing.T) {
	run := runAction(t, gitopsWorkspace(t), releaseDownloads(t, true), nil)
	require.Equal(t, "install", run.failedStep)
	require.Contains(t, run.log, "does not match SHA256SUMS")
	require.Empty(t, run.uploaded)
}

func TestActionRefusesAVersionThatIsNotOne(t *testing.T) {
	run := runAction(t, gitopsWorkspace(t), releaseDownloads(t, false), map[string]string{"version": "latest; rm -rf /"})
	require.Equal(t, "install", run.failedStep)
	require.Contains(t, run.log, "is not a release version")
}
