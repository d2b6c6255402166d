package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAWasmFallbackIsSaid: a batch the policy's Wasm build fails on is
// checked again by OPA's evaluator, and the run says so on stderr and in
// the JSON report (validated against its schema by runCLI); a policy whose
// batch entrypoint conflicts on route "bad" makes one.
func TestAWasmFallbackIsSaid(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"refs.rego":     "package lib.refguard.refs\n\nroute_kinds := {\"HTTPRoute\"}\n",
		"profiles.rego": "package lib.refguard.profiles\n\nprofiles := {\"spec\": {}}\n",
		"resolve.rego":  "package lib.refguard.resolve\n\ninventory_fields := {}\n",
		"harness.rego": `package refguard.harness

route_kinds := data.lib.refguard.refs.route_kinds

collections := {"services": {"group": "", "kind": "Service", "versions": ["v1"]}}

grant_reports := []

duplicate_findings := set()

derived_reads := set()

derived_of_input := {}

_report(obj) := {"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": obj.metadata.name}, "used_grants": [], "backend_refs": 0}

_holds_bad := 1 if input.objects[_].metadata.name == "bad"

_holds_bad := 2 if input.objects[_].metadata.name == "bad"

route_reports := [_report(obj) | some obj in input.objects; not _holds_bad == 3]

route_report := _report(input.object)
`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	route := writeFile(t, t.TempDir(), "route.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: bad\n  namespace: app\n")
	t.Setenv("REFGUARD_CACHE_DIR", "off")
	r := runCLI(t, "", "check", "--policy", dir, "--format", "json", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "refguard: warning: the policy's Wasm build failed on 1 batch of objects")
	require.Contains(t, r.stdout, `"fallback": {`)

	r = runCLI(t, "", "check", "--policy", dir, "--evaluator", "rego", "--format", "json", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.NotContains(t, r.stderr, "warning")
	require.NotContains(t, r.stdout, "fallback")
}
