package opabundle_test

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/engine"
	"github.com/refguard/refguard/harness/oci"
	"github.com/refguard/refguard/harness/opabundle"
	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

// localRegistry is a real OCI registry (go-containerregistry) on loopback.
func localRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(nopLogger())))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestOPAPullsSignedBundleFromOCIRegistry(t *testing.T) {
	k := keys(t)
	signed, err := opabundle.Build(policy.FS, opabundle.BuildOptions{Revision: "oci", SigningKey: k.private})
	require.NoError(t, err)
	host := localRegistry(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = oci.PushOPA(ctx, "oci://"+host+"/refguard/bundle:0.1.0", signed, oci.PushOptions{PlainHTTP: true})
	require.NoError(t, err)

	store := inmem.NewWithOpts(inmem.OptRoundTripOnWrite(false))
	config := sdkConfig(map[string]any{"url": "http://" + host, "type": "oci"}, host+"/refguard/bundle:0.1.0", k.public,
		map[string]any{"persistence_directory": t.TempDir()})
	opa, ready := startOPA(t, config, store, 20*time.Second)
	require.True(t, ready, "OPA did not activate the bundle pulled from the registry within 20s")
	assertSameFindingsAsCLI(t, opa, store)
}

func TestConftestPullsTheConftestLayout(t *testing.T) {
	bin := testsupport.Tool(t, "conftest")
	host := localRegistry(t)
	modules, err := engine.Modules(policy.FS)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = oci.PushConftest(ctx, "oci://"+host+"/refguard/policy:0.1.0", modules, oci.PushOptions{PlainHTTP: true})
	require.NoError(t, err)

	dir := t.TempDir()
	// conftest writes below its working directory even for an absolute --policy.
	pull := exec.Command(bin, "pull", "--tls=false", "--policy", "policy", "oci://"+host+"/refguard/policy:0.1.0")
	pull.Dir = dir
	out, err := pull.CombinedOutput()
	require.NoError(t, err, string(out))
	pulled := 0
	require.NoError(t, filepath.Walk(filepath.Join(dir, "policy"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".rego") {
			pulled++
		}
		return err
	}))
	require.Equal(t, len(modules), pulled, "every module arrives")

	example, err := filepath.Abs(filepath.Join(testsupport.ModuleRoot(t), "examples", "01-typo-service-name.yaml"))
	require.NoError(t, err)
	test := exec.Command(bin, "test", "--combine", "--no-color", "--policy", "policy", example)
	test.Dir = dir
	out, _ = test.CombinedOutput()
	require.Contains(t, string(out), "RG103: Service production/api-svc not found; did you mean api-service?", string(out))
}

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
