package harness_test

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

// TestGatorVerifyEveryFixture runs the real Gatekeeper engine (gator
// v3.23) over the generated suites: the aggregate template reviews every
// route and ReferenceGrant of every fixture, with the fixture's other
// objects as synced inventory, and each rule's template those of the
// fixtures that exercise its rule (harness/gatekeeper exercisesRule); each
// must produce exactly the findings the fixture (and so the CLI) expects —
// count per object and one per field.
func TestGatorVerifyEveryFixture(t *testing.T) {
	bin := testsupport.Tool(t, "gator")
	root := filepath.Join("gatekeeper", "testdata", "verify")
	suites, err := filepath.Glob(filepath.Join(root, "*", "suite.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(suites), 20)
	// Two suites at a time: one gator process per core.
	results := make(chan string, len(suites))
	sem := make(chan struct{}, 2)
	var wg sync.WaitGroup
	for _, suite := range suites {
		wg.Add(1)
		go func(suite string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			cmd := exec.Command(bin, "verify", "./"+filepath.Base(filepath.Dir(suite))+"/...")
			cmd.Dir = root
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "ok") || strings.Contains(string(out), "FAIL") {
				results <- fmt.Sprintf("%s: %v\n%s", suite, err, out)
			}
		}(suite)
	}
	wg.Wait()
	close(results)
	for failure := range results {
		t.Error(failure)
	}
}

// TestGatorTestFlagsTheIncidents is the documented flow: gator test on the
// generated folder and plain manifests.
func TestGatorTestFlagsTheIncidents(t *testing.T) {
	bin := testsupport.Tool(t, "gator")
	for _, folder := range []string{"gatekeeper", "gatekeeper-aggregate"} {
		t.Run(folder, func(t *testing.T) { gatorFlagsIncidents(t, bin, filepath.Join("..", "bundle", folder)) })
	}
}

func gatorFlagsIncidents(t *testing.T, bin, deploy string) {
	gator := func(files ...string) (string, int) {
		args := []string{"test", "-f", deploy}
		for _, f := range files {
			args = append(args, "-f", filepath.Join("..", "examples", f))
		}
		out, err := exec.Command(bin, args...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		require.NoError(t, err, string(out))
		return string(out), 0
	}
	out, code := gator("03-cross-namespace-without-grant.yaml", "01-typo-service-name.yaml")
	require.NotEqual(t, 0, code, out)
	require.Contains(t, out, "RG102: Service payments/payments-api is in another namespace")
	require.Contains(t, out, "RG103: Service production/api-svc not found; did you mean api-service?")
	out, code = gator("06-correct-cross-namespace.yaml")
	require.Equal(t, 0, code, out)
	require.False(t, strings.Contains(out, "RG1"), out)
}
