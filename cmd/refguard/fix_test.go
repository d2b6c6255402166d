package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/fixture"
)

var update = flag.Bool("update", false, "rewrite golden files")

// copyFiles copies files into a fresh directory, keeping base names.
func copyFiles(t *testing.T, files ...string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.Base(f))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		out = append(out, p)
	}
	return dir, out
}

func TestFixExamplesGoldenAndClean(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.yaml"))
	require.NoError(t, err)
	dir, files := copyFiles(t, examples...)

	r := runCLI(t, "", "fix", dir)
	require.Equal(t, 0, r.code, r.stderr)
	diff := strings.ReplaceAll(r.stdout, strings.TrimPrefix(dir, "/"), "examples")
	golden := filepath.Join("testdata", "fix-examples.diff")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(diff), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	require.Equal(t, string(want), diff, "the repair diff changed (go test ./cmd/refguard -run TestFixExamples -update)")

	before := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		before[f] = strings.Split(string(data), "\n")
	}
	r = runCLI(t, "", "fix", "--write", "--format", "json", dir)
	require.Equal(t, 0, r.code, r.stderr)
	var plan struct {
		Changes []struct {
			File string
			Line int
			Rule string
			Old  string
			New  string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan))
	require.Len(t, plan.Changes, 6)
	changed := map[string]map[int]bool{}
	for _, c := range plan.Changes {
		if changed[c.File] == nil {
			changed[c.File] = map[int]bool{}
		}
		changed[c.File][c.Line] = true
	}
	// Every byte outside the edited lines is untouched, comments included;
	// new objects are only appended.
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		after := strings.Split(string(data), "\n")
		old := before[f]
		require.GreaterOrEqual(t, len(after), len(old))
		for i := range old {
			if old[i] != after[i] {
				require.True(t, changed[f][i+1], "%s:%d changed but no edit names it:\n- %s\n+ %s", f, i+1, old[i], after[i])
			}
			if strings.Contains(old[i], "#") {
				require.Contains(t, after[i], old[i][strings.Index(old[i], "#"):], "comment lost at %s:%d", f, i+1)
			}
		}
		if len(after) > len(old) {
			require.Equal(t, "---", after[len(old)-1], "%s: additions must be appended as new documents", f)
		}
	}
	r = runCLI(t, "", "check", dir)
	require.Equal(t, 0, r.code, "after fix --write check must be clean:\n%s", r.stdout)
	// The grant example 05 put in the route's namespace stays, reported as
	// unused and misplaced: a repair adds a grant, it never moves one that
	// something else might rely on.
	require.Contains(t, r.stdout, "0 errors, 1 warning, 1 info")
}

func TestFixRefusesATie(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "tie.yaml", `apiVersion: v1
kind: Service
metadata: {name: api-v1, namespace: app}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api-v2, namespace: app}
spec: {ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: app}
spec:
  rules:
    - backendRefs:
        - name: api-v3
          port: 80
`)
	before, err := os.ReadFile(p)
	require.NoError(t, err)
	r := runCLI(t, "", "fix", "--write", p)
	require.Equal(t, 1, r.code)
	require.Empty(t, r.stdout, "no diff for an ambiguous repair")
	require.Contains(t, r.stderr, "not fixed")
	require.Contains(t, r.stderr, "did you mean one of api-v1, api-v2?")
	after, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, string(before), string(after))
}

// TestFixEveryFixableFixture: every finding that carries a repair is gone
// after fix --write, under the case's profile and settings.
func TestFixEveryFixableFixture(t *testing.T) {
	cases, err := fixture.Discover(filepath.Join("..", "..", "fixtures", "rules"), filepath.Join("..", "..", "fixtures", "profiles"))
	require.NoError(t, err)
	fixed := 0
	for _, c := range cases {
		// fix reads severities and lookups from the config file only.
		if len(c.Inventory) > 0 || len(c.Expected.BackendLookups) > 0 || len(c.Expected.Severity) > 0 {
			continue
		}
		var settings []string
		if c.Expected.Profile != "" {
			settings = append(settings, "--profile", c.Expected.Profile)
		}
		for _, kind := range c.Expected.BackendKinds {
			settings = append(settings, "--backend-kind", kind)
		}
		dir, _ := copyFiles(t, c.Manifests...)
		r := runCLI(t, "", append([]string{"fix", "--format", "json", dir}, settings...)...)
		require.NotEqual(t, 2, r.code, "%s: %s", c.Name, r.stderr)
		var plan struct {
			Changes []struct{ Rule string }
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &plan), c.Name)
		if len(plan.Changes) == 0 {
			continue
		}
		rules := map[string]bool{}
		for _, ch := range plan.Changes {
			rules[ch.Rule] = true
		}
		runCLI(t, "", append([]string{"fix", "--write", dir}, settings...)...)
		r = runCLI(t, "", append([]string{"check", "--format", "json", "--fail-on", "never", dir}, settings...)...)
		require.Equal(t, 0, r.code, r.stderr)
		var rep struct {
			Findings []struct{ Rule string }
		}
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
		for _, f := range rep.Findings {
			require.False(t, rules[f.Rule], "%s: %s still reported after its repair", c.Name, f.Rule)
		}
		fixed++
	}
	require.GreaterOrEqual(t, fixed, 10, "fixtures repaired")
}

// TestFixWritesAGrantWhereItsNamespaceLives: in a repository laid out by
// namespace, the ReferenceGrant fix adds goes with the namespace that
// consents (beside its grants, else beside the Service it permits), not
// into the route's file; read from standard input, everything is one file.
func TestFixWritesAGrantWhereItsNamespaceLives(t *testing.T) {
	route := "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop, namespace: shop}\nspec:\n  rules:\n    - backendRefs:\n        - {name: ledger, namespace: payments, port: 9000}\n"
	service := "apiVersion: v1\nkind: Service\nmetadata: {name: ledger, namespace: payments}\nspec: {ports: [{port: 9000}]}\n"
	grant := "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: other, namespace: payments}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}]\n  to: [{group: \"\", kind: Service, name: web}]\n"
	for name, tc := range map[string]struct {
		files map[string]string
		home  string
	}{
		"beside the namespace's grants":                 {map[string]string{"shop/route.yaml": route, "payments/svc.yaml": service, "payments/grants.yaml": grant}, "payments/grants.yaml"},
		"beside the Service":                            {map[string]string{"shop/route.yaml": route, "payments/svc.yaml": service}, "payments/svc.yaml"},
		"beside the route when neither is in the files": {map[string]string{"shop/route.yaml": route}, "shop/route.yaml"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			before := map[string]string{}
			for f, content := range tc.files {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755))
				writeFile(t, filepath.Join(dir, filepath.Dir(f)), filepath.Base(f), content)
				before[f] = content
			}
			// The Service is also known from the cluster (--inventory), as
			// it is when the repository does not hold it.
			cluster := writeFile(t, t.TempDir(), "cluster.yaml", service)
			r := runCLI(t, "", "fix", "--write", "--inventory", cluster, dir)
			require.Contains(t, r.stderr, "0 errors left", r.stdout+r.stderr)
			for f, content := range before {
				after, err := os.ReadFile(filepath.Join(dir, f))
				require.NoError(t, err)
				if f == tc.home {
					require.Contains(t, string(after), "name: allow-httproute-shop-to-ledger", f)
				} else {
					require.Equal(t, content, string(after), "%s is left as it was", f)
				}
			}
			require.Equal(t, 0, runCLI(t, "", "check", "--inventory", cluster, dir).code)
		})
	}
	r := runCLI(t, route+"---\n"+service, "fix", "-")
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "name: allow-httproute-shop-to-ledger")
}
