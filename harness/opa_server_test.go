package harness_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

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
