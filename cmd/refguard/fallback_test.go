package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

// TestAWasmFallbackIsSaid: a batch the policy's Wasm build fails on is
// checked again by OPA's evaluator, and the run says so on stderr and in
// the JSON report (validated against its schema by runCLI), with
// testsupport.FallbackPolicy.
func TestAWasmFallbackIsSaid(t *testing.T) {
	dir := t.TempDir()
	for name, src := range testsupport.FallbackPolicy() {
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
