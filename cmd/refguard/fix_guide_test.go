package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/gen"
)

// The guide's "Basic Fix": a typo in the Service name and the wrong port,
// repaired in one run (the port is checked against the Service the name
// now points at).
const guideTypoAndPort = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: api-route
  namespace: production
spec:
  parentRefs:
  - name: prod-gateway
  rules:
  - backendRefs:
    - name: api-svc # Service does not exist
      port: 80 # Port not exposed by Service
---
apiVersion: v1
kind: Service
metadata:
  name: api-service
  namespace: production
spec:
  ports:
  - name: http
    port: 8080
    targetPort: 8080
`

// The guide's cross-namespace incident: no ReferenceGrant, group and kind
// left implicit, a port the Service does not expose.
const guideCrossNamespace = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: payments-route
  namespace: gateway-infra
spec:
  parentRefs:
  - name: prod-gateway
    namespace: gateway-infra
  rules:
  - backendRefs:
    - name: payments-api
      namespace: payments
      port: 443
---
apiVersion: v1
kind: Service
metadata:
  name: payments-api
  namespace: payments
spec:
  ports:
  - name: https
    port: 8443
`

func TestFixRepairsTheGuidesIncidentsInOneRun(t *testing.T) {
	for name, tc := range map[string]struct {
		manifest string
		args     []string
		want     []string
	}{
		"typo and port": {guideTypoAndPort, nil, []string{"- name: api-service # Service does not exist", "port: 8080 # Port not exposed by Service"}},
		"cross-namespace": {guideCrossNamespace, []string{"--explicit"}, []string{
			"port: 8443", "group: \"\"", "kind: Service", "kind: ReferenceGrant", "namespace: payments", "name: payments-api",
		}},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := writeFile(t, dir, "app.yaml", tc.manifest)
			r := runCLI(t, "", append(append([]string{"fix", "--write"}, tc.args...), p)...)
			require.Equal(t, 0, r.code, r.stderr)
			require.Contains(t, r.stderr, "0 errors left for you")
			after, err := os.ReadFile(p)
			require.NoError(t, err)
			for _, w := range tc.want {
				require.Contains(t, string(after), w)
			}
			r = runCLI(t, "", "check", p)
			require.Equal(t, 0, r.code, "one fix --write run leaves it clean:\n%s", r.stdout)
			require.Contains(t, r.stdout, "0 errors")
		})
	}
}

func TestFixStdinPrintsTheRepairedStream(t *testing.T) {
	r := runCLI(t, guideTypoAndPort, "fix", "-")
	require.Equal(t, 0, r.code, r.stderr)
	require.Equal(t, strings.NewReplacer("name: api-svc #", "name: api-service #", "port: 80 #", "port: 8080 #").Replace(guideTypoAndPort), r.stdout)
	r = runCLI(t, guideTypoAndPort, "fix", "--write", "-")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "fix -: the fixed stream goes to stdout")
}

func TestFixRefusesARepairThatBreaksAWorkingReference(t *testing.T) {
	// A grant for GRPCRoutes sits next to an HTTPRoute it does not cover:
	// the repair adds a grant for the HTTPRoute and leaves the GRPCRoute's
	// grant as it is, so both routes resolve afterwards.
	dir := t.TempDir()
	p := writeFile(t, dir, "shared.yaml", `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: app}
spec:
  rules:
  - backendRefs:
    - {name: api, namespace: pay, port: 8080}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc, namespace: app}
spec:
  rules:
  - backendRefs:
    - {name: api, namespace: pay, port: 8080}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: grpc-only, namespace: pay}
spec:
  from: [{group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: app}]
  to: [{group: "", kind: Service, name: api}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: pay}
spec:
  ports: [{port: 8080}]
`)
	r := runCLI(t, "", "fix", "--write", p)
	require.Equal(t, 0, r.code, r.stderr)
	after, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Contains(t, string(after), "from: [{group: gateway.networking.k8s.io, kind: GRPCRoute, namespace: app}]", "the shared grant is untouched")
	r = runCLI(t, "", "check", p)
	require.Equal(t, 0, r.code, r.stdout)
	// A second run has nothing left to do: no flip-flop.
	r = runCLI(t, "", "fix", p)
	require.Equal(t, 0, r.code, r.stderr)
	require.Empty(t, r.stdout)
}

// TestFixWriteSurvivesAKill kills fix --write at random points and checks
// that every file is either as it was or fully repaired, never partial.
func TestFixWriteSurvivesAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it repeatedly")
	}
	bin := filepath.Join(t.TempDir(), "refguard")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	// A generated set split over several files: every file gets repairs.
	docs := bytes.Split(gen.Generate(800, 7).YAML, []byte("\n---\n"))
	const files = 6
	parts := make([][]byte, files)
	for i, d := range docs {
		parts[i%files] = append(parts[i%files], append(append([]byte{}, d...), "\n---\n"...)...)
	}
	partName := func(i int) string { return "part" + string(rune('a'+i)) + ".yaml" }
	write := func(dir string) {
		for i, p := range parts {
			require.NoError(t, os.WriteFile(filepath.Join(dir, partName(i)), p, 0o644))
		}
	}
	// The repaired content, from a run nobody interrupts.
	ref := t.TempDir()
	write(ref)
	full := exec.Command(bin, "fix", "--write", ref)
	start := time.Now()
	_ = full.Run()
	took := time.Since(start)
	repaired := map[string][]byte{}
	for i := range parts {
		name := partName(i)
		repaired[name], err = os.ReadFile(filepath.Join(ref, name))
		require.NoError(t, err)
		require.NotEqual(t, string(parts[i]), string(repaired[name]), "%s has repairs", name)
	}

	outcomes := map[string]int{}
	// The writes come last, after two checks: kills aim at the second
	// half of a run, some landing after it ended.
	for run := 0; run < 10; run++ {
		dir := t.TempDir()
		write(dir)
		cmd := exec.Command(bin, "fix", "--write", dir)
		require.NoError(t, cmd.Start())
		time.Sleep(took*3/10 + time.Duration(rand.Int64N(int64(took)*8/10)))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		for i := range parts {
			name := partName(i)
			got, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			switch string(got) {
			case string(parts[i]):
				outcomes["old"]++
			case string(repaired[name]):
				outcomes["new"]++
			default:
				t.Fatalf("run %d: %s is neither the old nor the repaired content (%d bytes)", run, name, len(got))
			}
		}
	}
	t.Logf("files after a kill: %v", outcomes)
}
