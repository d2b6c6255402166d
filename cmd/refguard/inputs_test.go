package main

import (
	"encoding/json"
	"github.com/refguard/refguard/harness/report"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

// missingService is a route to a Service no input defines.
var missingService = strings.Replace(validRoute, "PORT", "80", 1)

// TestSeverityKeys: --severity takes a rule's ID or name in any case; an
// unknown one is exit 2 with the closest ID or name, never a silent no-op.
func TestSeverityKeys(t *testing.T) {
	route := writeFile(t, t.TempDir(), "route.yaml", missingService)
	for _, key := range []string{"RG103", "rg103", "backend-not-found", "Backend-Not-Found"} {
		r := runCLI(t, "", "check", "--severity", key+"=warning", route)
		require.Equal(t, 0, r.code, "%s: %s", key, r.stdout+r.stderr)
		require.Contains(t, r.stdout, "warning RG103")
	}
	for key, suggestion := range map[string]string{"RG999": "did you mean RG109?", "backend-not-fund": "did you mean backend-not-found?"} {
		r := runCLI(t, "", "check", "--severity", key+"=off", route)
		require.Equal(t, 2, r.code, key)
		require.Contains(t, r.stderr, "--severity "+key+": no rule has that ID or name; "+suggestion)
	}
	r := runCLI(t, "", "check", "--severity", "RG103=off", "--severity", "backend-not-found=error", route)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "RG103 is given two levels")
}

// TestExcludeAndTemplates: a repository holding a chart's templates fails
// with the helm template hint and the file's line, until --exclude leaves
// the templates out; check and fix take the same patterns.
func TestExcludeAndTemplates(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "charts", "web", "templates"), 0o755))
	writeFile(t, filepath.Join(dir, "charts", "web", "templates"), "route.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: {{ .Release.Name }}\n")
	writeFile(t, dir, "route.yaml", missingService)

	r := runCLI(t, "", "check", dir)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, filepath.Join("charts", "web", "templates", "route.yaml")+":4: this is a Helm or Go template")
	require.Contains(t, r.stderr, "helm template")

	for _, pattern := range []string{"templates", "charts/**", "**/templates/*.yaml"} {
		r = runCLI(t, "", "check", "--exclude", pattern, dir)
		require.Equal(t, 1, r.code, "%s: %s", pattern, r.stderr)
		require.Contains(t, r.stdout, "1 file, 1 object")
	}
	r = runCLI(t, "", "fix", "--exclude", "templates", dir)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stderr, "1 error left for you")
	r = runCLI(t, "", "check", "--exclude", "[", dir)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `--exclude "["`)
}

// TestEach: --each checks every environment directory as its own set with
// the shared files, in one report: the duplicate that makes a combined
// check ambiguous (RG506) is gone, and each environment gets its own
// verdict on the shared route.
func TestEach(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"base", "envs/prod", "envs/staging", "envs/.git"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	writeFile(t, filepath.Join(dir, "base"), "route.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  rules:\n    - backendRefs:\n        - name: web\n          port: 8080\n")
	for env, port := range map[string]string{"prod": "8080", "staging": "9090"} {
		writeFile(t, filepath.Join(dir, "envs", env), "web.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n    - port: "+port+"\n")
	}
	base, envs := filepath.Join(dir, "base"), filepath.Join(dir, "envs")

	together := runCLI(t, "", "check", base, envs)
	require.Equal(t, 1, together.code)
	require.Contains(t, together.stdout, "RG506")

	each := runCLI(t, "", "check", "--format", "json", "--each", envs, base)
	require.Equal(t, 1, each.code, each.stderr)
	var rep struct {
		Findings []struct {
			Rule string `json:"rule"`
			Set  string `json:"set"`
		} `json:"findings"`
		Routes []struct {
			Set        string `json:"set"`
			Conditions []struct {
				Status string `json:"status"`
			} `json:"conditions"`
		} `json:"routes"`
	}
	require.NoError(t, json.Unmarshal([]byte(each.stdout), &rep))
	require.Len(t, rep.Findings, 1)
	require.Equal(t, "RG105", rep.Findings[0].Rule)
	require.Equal(t, filepath.ToSlash(filepath.Join(envs, "staging")), rep.Findings[0].Set)
	require.Len(t, rep.Routes, 2, "the shared route once per environment")
	status := map[string]string{}
	for _, r := range rep.Routes {
		status[filepath.Base(r.Set)] = r.Conditions[0].Status
	}
	require.Equal(t, map[string]string{"prod": "True", "staging": "False"}, status)

	text := runCLI(t, "", "check", "--each", envs, base)
	require.Contains(t, text.stdout, "["+filepath.ToSlash(filepath.Join(envs, "staging"))+"] HTTPRoute shop/web")

	empty := runCLI(t, "", "check", "--each", base)
	require.Equal(t, 2, empty.code)
	require.Contains(t, empty.stderr, "no subdirectory to check as a set")
}

// TestStderrIsEscaped: a file named with an escape sequence, reported on
// stderr, reaches the terminal as visible text.
func TestStderrIsEscaped(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "route\x1b[2J\x1b]0;pwned\x07.yaml")
	require.NoError(t, os.WriteFile(name, []byte("kind: [unclosed\n"), 0o644))
	r := runCLI(t, "", "check", dir)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, `route\x1b[2J\x1b]0;pwned\x07.yaml`)
	require.NotContains(t, r.stderr, "\x1b")
	require.NotContains(t, r.stderr, "\x07")
}

// TestKustomizeRepository: a repository of a kustomize base and overlays
// is checked file by file. The overlays' patches are parts of objects (a
// second HTTPRoute of the base's name), so they are set aside with a note
// naming the command that checks them applied, never read as a second
// definition (RG506) or repaired; a base that transforms nothing says
// nothing.
func TestKustomizeRepository(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base")
	require.NoError(t, os.MkdirAll(base, 0o755))
	writeFile(t, base, "kustomization.yaml", "resources:\n- app.yaml\n")
	writeFile(t, base, "app.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n---\n"+
		"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  parentRefs:\n  - name: gw\n  rules:\n  - backendRefs:\n    - name: web\n      port: 80\n")
	patch := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  rules:\n  - backendRefs:\n    - name: web\n      port: 8080\n"
	for env, kustomization := range map[string]string{
		"prod":    "namespace: prod\nresources:\n- ../../base\npatches:\n- path: route-patch.yaml\n  target:\n    kind: HTTPRoute\n",
		"staging": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: staging\nresources:\n- ../../base\npatchesStrategicMerge:\n- route-patch.yaml\n",
	} {
		overlay := filepath.Join(dir, "overlays", env)
		require.NoError(t, os.MkdirAll(overlay, 0o755))
		writeFile(t, overlay, "kustomization.yaml", kustomization)
		writeFile(t, overlay, "route-patch.yaml", patch)
	}

	r := runCLI(t, "", "check", dir)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.NotContains(t, r.stdout, "RG506")
	require.Contains(t, r.stdout, "HTTPRoute default/web  ResolvedRefs=True")
	for _, env := range []string{"prod", "staging"} {
		overlay := filepath.Join(dir, "overlays", env)
		require.Contains(t, r.stderr, filepath.Join(overlay, "route-patch.yaml")+":1: skipped: a kustomize patch of "+filepath.Join(overlay, "kustomization.yaml"))
		require.Contains(t, r.stderr, "kustomize build "+overlay+" | refguard check -")
	}
	require.NotContains(t, r.stderr, filepath.Join(base, "kustomization.yaml"), "a base that transforms nothing has nothing to say")

	r = runCLI(t, "", "fix", dir)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	require.Empty(t, r.stdout, "no repair of a patch")

	// A patch named on its own is still a patch of the kustomization read
	// beside it; without the kustomization it is read as what it says.
	r = runCLI(t, "", "check", filepath.Join(dir, "overlays", "prod"))
	require.Equal(t, 2, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "no Kubernetes objects found")
	r = runCLI(t, "", "check", filepath.Join(dir, "overlays", "prod", "route-patch.yaml"))
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "RG103")
}

// TestHelmTemplateOutputNamesTheTemplate: findings in helm template's
// output, piped in, name the template each object came from (its
// "# Source:" comment) in the text, JSON and SARIF reports: the line of
// the rendered stream is not where a chart author edits.
func TestHelmTemplateOutputNamesTheTemplate(t *testing.T) {
	rendered := "---\n# Source: shop/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n  - port: 80\n" +
		"---\n# Source: shop/templates/route.yaml\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: shop\nspec:\n  rules:\n  - backendRefs:\n    - name: api\n      port: 8080\n"
	r := runCLI(t, rendered, "check", "-n", "shop", "-")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "RG105")
	require.Contains(t, r.stdout, "rendered from shop/templates/route.yaml")
	r = runCLI(t, rendered, "check", "-n", "shop", "--format", "json", "-")
	var rep struct {
		Findings []struct{ File, Source string }
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	testsupport.ValidateReport(t, []byte(r.stdout))
	require.Len(t, rep.Findings, 1)
	require.Equal(t, "<stdin>", rep.Findings[0].File)
	require.Equal(t, "shop/templates/route.yaml", rep.Findings[0].Source)
	r = runCLI(t, rendered, "check", "-n", "shop", "--format", "sarif", "-")
	testsupport.ValidateSARIF(t, []byte(r.stdout))
	require.Contains(t, r.stdout, `"source": "shop/templates/route.yaml"`)
}

// TestRoutesWithoutServicesSayWhere: checking routes alone (their
// Services in another repository or only in the cluster) reports each
// reference not found, and says once how to give the Services; a Service
// among the files or the inventory silences it.
func TestRoutesWithoutServicesSayWhere(t *testing.T) {
	dir := t.TempDir()
	route := writeFile(t, dir, "route.yaml", missingService)
	r := runCLI(t, "", "check", route)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "RG103")
	require.Equal(t, 1, strings.Count(r.stderr, "no Service among the inputs"), r.stderr)
	require.Contains(t, r.stderr, "--inventory cluster.yaml")
	svc := writeFile(t, t.TempDir(), "cluster.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: other, namespace: default}\nspec: {ports: [{port: 80}]}\n")
	for _, args := range [][]string{{"check", route, svc}, {"check", "--inventory", svc, route}} {
		r = runCLI(t, "", args...)
		require.NotContains(t, r.stderr, "no Service among the inputs", args)
	}
}

// TestLiveRoutesShowWhatTheClusterSays: routes read from the cluster
// (kubectl get -o yaml, a List with status) show, beside the predicted
// ResolvedRefs, the one their controller wrote, in the text and JSON
// reports; here the spec profile predicts BackendNotFound where Envoy
// Gateway wrote PortNotFound, which --profile envoy-gateway then matches,
// and the run under spec names that profile from the status's controller.
func TestLiveRoutesShowWhatTheClusterSays(t *testing.T) {
	live := `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: api, namespace: prod}
  spec: {ports: [{port: 80, targetPort: 8080}]}
- apiVersion: gateway.networking.k8s.io/v1
  kind: HTTPRoute
  metadata: {name: r, namespace: prod}
  spec:
    rules:
    - backendRefs: [{name: api, port: 8080}]
  status:
    parents:
    - parentRef: {name: gw, namespace: infra}
      controllerName: gateway.envoyproxy.io/gatewayclass-controller
      conditions:
      - {type: Accepted, status: "True", reason: Accepted, message: ok}
      - {type: ResolvedRefs, status: "False", reason: PortNotFound, message: TCP Port 8080 not found on service prod/api}
`
	r := runCLI(t, live, "check", "-")
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, "HTTPRoute prod/r  ResolvedRefs=False (BackendNotFound); in the cluster: ResolvedRefs=False (PortNotFound)")
	require.Contains(t, r.stderr, "refguard: note: the routes' status in the input was written by gateway.envoyproxy.io/gatewayclass-controller (--profile envoy-gateway); this run predicts for --profile spec")
	r = runCLI(t, live, "check", "--profile", "envoy-gateway", "--format", "json", "-")
	require.NotContains(t, r.stderr, "status in the input was written by")
	testsupport.ValidateReport(t, []byte(r.stdout))
	var rep struct {
		Routes []struct {
			Conditions []struct{ Reason string }
			Observed   struct{ Status, Reason, Message, Controller string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	require.Len(t, rep.Routes, 1)
	require.Equal(t, "PortNotFound", rep.Routes[0].Conditions[0].Reason)
	require.Equal(t, "PortNotFound", rep.Routes[0].Observed.Reason)
	require.Equal(t, "TCP Port 8080 not found on service prod/api", rep.Routes[0].Observed.Message)
	require.Equal(t, "gateway.envoyproxy.io/gatewayclass-controller", rep.Routes[0].Observed.Controller)
}

// Routes whose status two known controllers wrote name both profiles; a
// controller no profile names, and the chosen profile's own, say nothing.
func TestProfileNoteNamesEachControllersProfile(t *testing.T) {
	profileOf := map[string]string{"a.io/ctl": "alpha", "b.io/ctl": "beta", "b.io/mesh": "beta"}
	rep := func(controllers ...string) *report.Report {
		r := &report.Report{}
		for _, c := range controllers {
			r.Routes = append(r.Routes, report.Route{Observed: &report.Condition{Type: "ResolvedRefs", Controller: c}})
		}
		r.Routes = append(r.Routes, report.Route{})
		return r
	}
	lookup := func(name string) string { return profileOf[name] }
	require.Equal(t, "the routes' status in the input was written by a.io/ctl (--profile alpha) and b.io/ctl, b.io/mesh (--profile beta); this run predicts for --profile spec",
		profileNote(rep("b.io/mesh", "a.io/ctl", "b.io/ctl", "unknown.io/x"), "spec", lookup))
	require.Equal(t, "", profileNote(rep("a.io/ctl", "unknown.io/x"), "alpha", lookup))
	require.Equal(t, "", profileNote(rep("unknown.io/x"), "spec", lookup))
	require.Contains(t, profileNote(rep("a.io/ctl", "b.io/ctl"), "alpha", lookup), "(--profile beta)")
}
