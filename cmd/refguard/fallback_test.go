package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAWasmFallbackIsSaid: a batch the policy's Wasm build fails on is
// checked again by OPA's evaluator, and the run says so on stderr and in
// the JSON report (validated against its schema by runCLI); a policy that
// fails a batch of several routes holding route "bad" makes one.
func TestAWasmFallbackIsSaid(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"refs.rego":     "package lib.refguard.refs\n\nroute_kinds := {\"HTTPRoute\"}\n",
		"profiles.rego": "package lib.refguard.profiles\n\nprofiles := {\"spec\": {}}\n",
		"resolve.rego":  "package lib.refguard.resolve\n\ninventory_fields := {}\n",
		"harness.rego": `package refguard.harness

route_kinds := data.lib.refguard.refs.route_kinds

collections := {"services": {"kind": "Service", "apiVersions": ["v1"]}}

grant_reports := []

duplicate_findings := set()

derived_reads := set()

derived := {}

_report(obj) := {"findings": [], "condition": {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": obj.metadata.name}, "used_grants": [], "backend_refs": 0}

_holds_bad := 1 if {
	count(input.objects) > 1
	input.objects[_].metadata.name == "bad"
}

_holds_bad := 2 if {
	count(input.objects) > 1
	input.objects[_].metadata.name == "bad"
}

route_reports := [_report(obj) | some obj in input.objects; not _holds_bad == 3]
`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	var routes strings.Builder
	for i := range 64 { // batches of several on any number of cores
		name := fmt.Sprintf("r%02d", i)
		if i == 0 {
			name = "bad"
		}
		fmt.Fprintf(&routes, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: %s\n  namespace: app\n---\n", name)
	}
	route := writeFile(t, t.TempDir(), "route.yaml", routes.String())
	t.Setenv("REFGUARD_CACHE_DIR", "off")
	r := runCLI(t, "", "check", "--policy", dir, "--format", "json", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stderr, "refguard: warning: the policy's Wasm build failed on 1 batch of objects")
	require.Contains(t, r.stderr, "conflict")
	require.Contains(t, r.stdout, `"fallback": {`)

	r = runCLI(t, "", "check", "--policy", dir, "--evaluator", "rego", "--format", "json", route)
	require.Equal(t, 0, r.code, r.stderr)
	require.NotContains(t, r.stderr, "warning")
	require.NotContains(t, r.stdout, "fallback")
}
