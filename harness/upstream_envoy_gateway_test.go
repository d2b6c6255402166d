package harness_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/manifest"
)

// envoyGatewaySuite is the Envoy Gateway release whose translator tests the
// envoy-gateway profile is held to: internal/gatewayapi/testdata pairs an
// input (routes, Services, Backends, ReferenceGrants, BackendTLSPolicies,
// ConfigMaps)
// with the status the translator writes, ResolvedRefs included. The module
// proxy serves the release with its testdata; nothing of it is committed.
const envoyGatewaySuite = "github.com/envoyproxy/gateway@v1.9.1"

// envoyGatewayDifferences lists, with the reason, every route whose
// ResolvedRefs refguard predicts differently from that suite: the checks
// refguard does not model (docs/profiles.md).
const envoyGatewayDifferences = "testdata/upstream/envoy-gateway.txt"

// envoyGatewayInputs maps the suite's input keys to the apiVersion a
// cluster serves their objects at and their kind (which they often leave
// out).
var envoyGatewayInputs = []struct{ key, apiVersion, kind string }{
	{"httpRoutes", "gateway.networking.k8s.io/v1", "HTTPRoute"},
	{"grpcRoutes", "gateway.networking.k8s.io/v1", "GRPCRoute"},
	{"tlsRoutes", "gateway.networking.k8s.io/v1alpha2", "TLSRoute"},
	{"tcpRoutes", "gateway.networking.k8s.io/v1alpha2", "TCPRoute"},
	{"udpRoutes", "gateway.networking.k8s.io/v1alpha2", "UDPRoute"},
	{"services", "v1", "Service"},
	{"serviceImports", "multicluster.x-k8s.io/v1alpha1", "ServiceImport"},
	{"referenceGrants", "gateway.networking.k8s.io/v1beta1", "ReferenceGrant"},
	{"backends", "gateway.envoyproxy.io/v1alpha1", "Backend"},
	{"backendTLSPolicies", "gateway.networking.k8s.io/v1", "BackendTLSPolicy"},
	{"configMaps", "v1", "ConfigMap"},
}

// envoyGatewayCommonServices are the Services the suite's test adds to
// every input (internal/gatewayapi/translator_test.go).
const envoyGatewayCommonServices = `
apiVersion: v1
kind: Service
metadata: {namespace: default, name: mirror-service}
spec: {ports: [{name: http, port: 8080, protocol: TCP}]}
---
apiVersion: v1
kind: Service
metadata: {namespace: monitoring, name: otel-collector}
spec:
  ports:
    - {name: grpc, port: 4317, protocol: TCP, appProtocol: grpc}
    - {name: zipkin, port: 9411, protocol: TCP}
`

func envoyGatewayServiceN(i int) string {
	return fmt.Sprintf(`
apiVersion: v1
kind: Service
metadata: {namespace: default, name: service-%d}
spec:
  clusterIP: 1.1.1.1
  ports:
    - {name: http, port: 8080, protocol: TCP}
    - {name: https, port: 8443, protocol: TCP}
    - {name: tcp, port: 8163, protocol: TCP}
    - {name: udp, port: 8162, protocol: UDP}
`, i)
}

// TestEnvoyGatewayTranslatorStatus checks every route of Envoy Gateway's
// translator tests under the envoy-gateway profile and compares the
// predicted ResolvedRefs (status, and reason when False) with the status
// the translator wrote. Every difference must be listed with its reason,
// and every listed one must still occur.
func TestEnvoyGatewayTranslatorStatus(t *testing.T) {
	dir := moduleDir(t, envoyGatewaySuite)
	inputs, err := filepath.Glob(filepath.Join(dir, "internal", "gatewayapi", "testdata", "*.in.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, inputs, "the release's translator testdata")
	listed := readDifferences(t, envoyGatewayDifferences)

	checker := newChecker(t)
	cfg := check.Config("envoy-gateway", nil, nil, nil)
	var compared int
	var unlisted []string
	seen := map[string]bool{}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in.yaml")
		manifests, routes := envoyGatewayManifests(t, in)
		if routes == 0 {
			continue
		}
		want := envoyGatewayRouteStatus(t, filepath.Join(filepath.Dir(in), name+".out.yaml"))
		loaded, err := manifest.LoadContents([]string{name + ".yaml"}, map[string][]byte{name + ".yaml": manifests}, checker.LoadOptions())
		require.NoError(t, err, name)
		rep, err := checker.Check(context.Background(), loaded, nil, cfg)
		require.NoError(t, err, name)
		got := map[string]string{}
		for _, r := range rep.Routes {
			for _, c := range r.Conditions {
				if c.Type == "ResolvedRefs" {
					got[r.Object.Kind+"/"+r.Object.Namespace+"/"+r.Object.Name] = statusText(c.Status, c.Reason)
				}
			}
		}
		for _, route := range slices.Sorted(maps.Keys(want)) {
			compared++
			if got[route] == want[route] {
				continue
			}
			line := fmt.Sprintf("%s %s want %s got %s", name, route, want[route], got[route])
			if _, ok := listed[line]; ok {
				seen[line] = true
				continue
			}
			unlisted = append(unlisted, line)
		}
	}
	var stale []string
	for line := range listed {
		if !seen[line] {
			stale = append(stale, line)
		}
	}
	sort.Strings(stale)
	t.Logf("%s: %d routes compared, %d listed differences", envoyGatewaySuite, compared, len(listed))
	require.GreaterOrEqual(t, compared, 900, "the suite's routes were read")
	require.Empty(t, unlisted, "routes whose predicted ResolvedRefs differs from Envoy Gateway's and is not listed in %s", envoyGatewayDifferences)
	require.Empty(t, stale, "listed differences that no longer occur: remove them from %s", envoyGatewayDifferences)
}

// statusText is a ResolvedRefs condition as the comparison reads it: the
// reason only when the status is False.
func statusText(status, reason string) string {
	if status == "False" {
		return "False/" + reason
	}
	return status
}

// envoyGatewayManifests turns one of the suite's inputs into manifests: the
// objects of the kinds refguard reads, with their apiVersion and kind, and
// the Services the suite adds to every input.
func envoyGatewayManifests(t *testing.T, path string) (manifests []byte, routes int) {
	t.Helper()
	var input map[string]any
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(raw, &input), path)
	var b bytes.Buffer
	b.WriteString(envoyGatewayCommonServices)
	for i := 1; i <= 4; i++ {
		b.WriteString("---")
		b.WriteString(envoyGatewayServiceN(i))
	}
	for _, in := range envoyGatewayInputs {
		list, _ := input[in.key].([]any)
		for _, item := range list {
			obj, ok := item.(map[string]any)
			require.True(t, ok, "%s: %s holds objects", path, in.key)
			// The translator reads each list as one Go type, and the
			// apiVersion written there never meets an API server: many
			// inputs keep ReferenceGrant v1alpha2, which no release serves
			// (RG204). Each object gets the version a cluster serves it at.
			obj["apiVersion"] = in.apiVersion
			if _, ok := obj["kind"]; !ok {
				obj["kind"] = in.kind
			}
			doc, err := yaml.Marshal(obj)
			require.NoError(t, err, path)
			b.WriteString("---\n")
			b.Write(doc)
			if strings.HasSuffix(in.kind, "Route") {
				routes++
			}
		}
	}
	return b.Bytes(), routes
}

// envoyGatewayRouteStatus reads the ResolvedRefs the translator wrote for
// each route (the same on every parent; "several" when parents disagree).
func envoyGatewayRouteStatus(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var output map[string]any
	require.NoError(t, yaml.Unmarshal(raw, &output), path)
	status := map[string]string{}
	for _, in := range envoyGatewayInputs {
		if !strings.HasSuffix(in.kind, "Route") {
			continue
		}
		list, _ := output[in.key].([]any)
		for _, item := range list {
			var route struct {
				Metadata struct{ Namespace, Name string }
				Status   struct {
					Parents []struct {
						Conditions []struct{ Type, Status, Reason string }
					}
				}
			}
			js, err := json.Marshal(item)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(js, &route), path)
			ns := route.Metadata.Namespace
			if ns == "" {
				ns = "default"
			}
			key := in.kind + "/" + ns + "/" + route.Metadata.Name
			for _, p := range route.Status.Parents {
				for _, c := range p.Conditions {
					if c.Type != "ResolvedRefs" {
						continue
					}
					s := statusText(c.Status, c.Reason)
					if prev, ok := status[key]; ok && prev != s {
						s = "several"
					}
					status[key] = s
				}
			}
		}
	}
	return status
}

// readDifferences reads a differences file: one "case route want W got G"
// line each, then "#" and the reason it is not modelled.
func readDifferences(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	listed := map[string]string{}
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		diff, why, ok := strings.Cut(line, "#")
		require.True(t, ok, "%s: every difference says why: %q", path, line)
		require.NotEmpty(t, strings.TrimSpace(why), "%s: every difference says why: %q", path, line)
		listed[strings.TrimSpace(diff)] = strings.TrimSpace(why)
	}
	require.NoError(t, scanner.Err())
	return listed
}

// moduleDir downloads a module@version through the Go module proxy into
// the module cache and returns its directory.
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Dir = t.TempDir() // outside this module: its go.mod stays as it is
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	require.NoError(t, err, "go mod download %s: %s", module, out)
	var info struct{ Dir string }
	require.NoError(t, json.Unmarshal(out, &info))
	require.NotEmpty(t, info.Dir)
	return info.Dir
}
