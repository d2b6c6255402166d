package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/check"
	"github.com/refguard/refguard/harness/fixture"
	"github.com/refguard/refguard/harness/inventory"
	"github.com/refguard/refguard/internal/testsupport"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestOPAServerDefaultDecision runs the real opa server the way the README
// documents for kube-mgmt (default_decision = refguard/admission/response),
// with its default store and with --optimize-store-for-read-speed, and
// posts an AdmissionReview to "/".
func TestOPAServerDefaultDecision(t *testing.T) {
	for _, c := range []struct {
		name  string
		flags []string
	}{
		{"default store", nil},
		{"optimize-store-for-read-speed", []string{"--optimize-store-for-read-speed"}},
	} {
		t.Run(c.name, func(t *testing.T) { testOPAServerDefaultDecision(t, c.flags) })
	}
}

func testOPAServerDefaultDecision(t *testing.T, flags []string) {
	bin := testsupport.Tool(t, "opa")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	policyDir, err := filepath.Abs(filepath.Join("..", "policy"))
	require.NoError(t, err)
	data, err := filepath.Abs(filepath.Join("..", "docs", "admission", "replicated.json"))
	require.NoError(t, err)
	args := append([]string{"run", "--server", "--addr", addr, "--log-level", "error"}, flags...)
	cmd := exec.Command(bin, append(args, "--set", "default_decision=refguard/admission/response", policyDir, data)...)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	review, err := os.ReadFile(filepath.Join("..", "docs", "admission", "review.json"))
	require.NoError(t, err)
	client := &http.Client{Timeout: 2 * time.Second}
	var resp *http.Response
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err = client.Post("http://"+addr+"/", "application/json", bytes.NewReader(review))
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	require.NoError(t, err, "opa server did not answer within 20s")
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got admissionReview
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.Equal(t, "AdmissionReview", got.Kind)
	require.False(t, got.Response.Allowed)
	require.Contains(t, got.Response.Status.Message, "RG105: Service payments/payments-api has no port 443")
}

// TestEveryFixtureOnARealOPAServer runs every fixture through one real `opa
// run` server as kube-mgmt drives it: the case's objects replicated into
// data.kubernetes and its settings into data.refguard_settings over the
// REST API, then each route and ReferenceGrant posted to "/" (the default
// decision) as an AdmissionReview; every answer must carry the CLI's
// findings (denials, warnings, suppressions), as checkAdmission asserts on
// refguard's own engine.
func TestEveryFixtureOnARealOPAServer(t *testing.T) {
	bin := testsupport.Tool(t, "opa")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	policyDir, err := filepath.Abs(filepath.Join("..", "policy"))
	require.NoError(t, err)
	cmd := exec.Command(bin, "run", "--server", "--addr", addr, "--log-level", "error", "--set", "default_decision=refguard/admission/response", policyDir)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "opa server not healthy within 30s: %v", err)
		time.Sleep(100 * time.Millisecond)
	}
	put := func(path string, v any) {
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPut, base+"/v1/data/"+path, bytes.NewReader(raw))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusNoContent, resp.StatusCode, "PUT %s", path)
	}

	cases, err := fixture.Discover(filepath.Join("..", "fixtures"))
	require.NoError(t, err)
	checker := newChecker(t)
	reviewedCases := 0
	for i := range cases {
		c := &cases[i]
		t.Run(c.Name, func(t *testing.T) {
			o, err := fixture.Run(context.Background(), checker, c)
			require.NoError(t, err)
			loaded, replicated, err := c.Load()
			require.NoError(t, err)
			objects := check.FirstCopies(loaded.Objects)
			inv, err := inventory.Build(checker.Collections(c.Config()), replicated, objects)
			require.NoError(t, err)
			invJSON, err := ast.JSON(inv)
			require.NoError(t, err)
			put("kubernetes", invJSON)
			put("refguard_settings", c.Config())
			n := reviewEvery(t, objects, o.Report, func(input map[string]any) admissionReview {
				raw, err := json.Marshal(input)
				require.NoError(t, err)
				resp, err := client.Post(base+"/", "application/json", bytes.NewReader(raw))
				require.NoError(t, err)
				defer resp.Body.Close()
				require.Equal(t, http.StatusOK, resp.StatusCode)
				var got admissionReview
				require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
				return got
			})
			if n > 0 {
				reviewedCases++
			}
		})
	}
	require.GreaterOrEqual(t, reviewedCases, len(cases)-1, "the server reviewed too few cases")
}
