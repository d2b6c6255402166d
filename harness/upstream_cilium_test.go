package harness_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// ciliumSuite is the Cilium release whose Gateway API reconciler tests the
// cilium profile is held to: operator/pkg/gateway-api/testdata/{gateway,gamma}
// hold, per case, input manifests read over a shared base (Services,
// Deployments, Gateways) and the objects the reconciler wrote, routes with
// their status. The module proxy serves the release with its testdata;
// nothing of it is committed.
const ciliumSuite = "github.com/cilium/cilium@v1.20.2"

// ciliumDifferences lists, with the reason, every route whose ResolvedRefs
// refguard predicts differently from that suite.
const ciliumDifferences = "testdata/upstream/cilium.txt"

// TestCiliumReconcilerStatus holds the cilium profile to every route of
// Cilium's Gateway and GAMMA reconciler tests (compareUpstream).
func TestCiliumReconcilerStatus(t *testing.T) {
	root := filepath.Join(moduleDir(t, ciliumSuite), "operator", "pkg", "gateway-api", "testdata")
	var cases []upstreamCase
	for _, group := range []string{"gateway", "gamma"} {
		base := readYAMLDir(t, filepath.Join(root, group, "base"))
		dirs, err := os.ReadDir(filepath.Join(root, group))
		require.NoError(t, err)
		for _, d := range dirs {
			if !d.IsDir() || d.Name() == "base" {
				continue
			}
			dir := filepath.Join(root, group, d.Name())
			outputs, err := filepath.Glob(filepath.Join(dir, "output", "*.yaml"))
			require.NoError(t, err)
			want := map[string]string{}
			for _, out := range outputs {
				routeStatusOfObjects(t, out, want)
			}
			manifests := append(append([]byte{}, base...), readYAMLDir(t, filepath.Join(dir, "input"))...)
			cases = append(cases, upstreamCase{name: group + "/" + d.Name(), manifests: manifests, want: want})
		}
	}
	compareUpstream(t, ciliumSuite, "cilium", ciliumDifferences, cases, 100)
}

// readYAMLDir joins the YAML files of a directory into one stream.
func readYAMLDir(t *testing.T, dir string) []byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	var out []byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		out = append(out, "\n---\n"...)
		out = append(out, raw...)
	}
	return out
}
