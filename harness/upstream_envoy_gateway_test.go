package harness_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
)

// envoyGatewaySuite is the Envoy Gateway release whose translator tests the
// envoy-gateway profile is held to: internal/gatewayapi/testdata pairs an
// input (routes, Services, Backends, ReferenceGrants, BackendTLSPolicies,
// ConfigMaps, HTTPRouteFilters)
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
	{"httpFilters", "gateway.envoyproxy.io/v1alpha1", "HTTPRouteFilter"},
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

// TestEnvoyGatewayTranslatorStatus holds the envoy-gateway profile to
// every route of Envoy Gateway's translator tests (compareUpstream).
func TestEnvoyGatewayTranslatorStatus(t *testing.T) {
	dir := moduleDir(t, envoyGatewaySuite)
	inputs, err := filepath.Glob(filepath.Join(dir, "internal", "gatewayapi", "testdata", "*.in.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, inputs, "the release's translator testdata")
	var cases []upstreamCase
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".in.yaml")
		manifests, routes := envoyGatewayManifests(t, in)
		if routes == 0 {
			continue
		}
		want := envoyGatewayRouteStatus(t, filepath.Join(filepath.Dir(in), name+".out.yaml"))
		cases = append(cases, upstreamCase{name: name, manifests: manifests, want: want})
	}
	compareUpstream(t, envoyGatewaySuite, "envoy-gateway", envoyGatewayDifferences, cases, 900)
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
// each route.
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
			var route upstreamRoute
			js, err := json.Marshal(item)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(js, &route), path)
			route.Kind = in.kind // the translator's lists leave it out
			addRouteStatus(status, route)
		}
	}
	return status
}
