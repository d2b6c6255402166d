package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer the test reads while the command writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestServeRefusesWhatItCannotServe(t *testing.T) {
	notAPage := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--web serves the sandbox page"},
		{[]string{"serve", "--web", "--addr", "0.0.0.0:8080"}, "loopback only"},
		{[]string{"serve", "--web", "--dir", notAPage}, "no index.html: not a built sandbox page"},
		{[]string{"serve", "--web", "--dir", filepath.Join(notAPage, "missing")}, "no such file"},
		{[]string{"serve", "--web"}, "built without the sandbox page"},
	} {
		res := runCLI(t, "", tc.args...)
		require.Equal(t, 2, res.code, "%v", tc.args)
		require.Contains(t, res.stderr, tc.want, "%v", tc.args)
	}
}

func TestServeServesABuiltPageUntilStopped(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"index.html": "<!doctype html><title>sandbox</title>", "app.js": "", "style.css": "",
		"wasm_exec.js": "", "refguard.wasm": "\x00asm",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	cmd := newRootCommand(strings.NewReader(""), &stdout, &stderr)
	cmd.SetArgs([]string{"serve", "--web", "--dir", dir, "--addr", "127.0.0.1:0"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	listening := regexp.MustCompile(`serving the sandbox page on (http://127\.0\.0\.1:\d+/)`)
	var url string
	require.Eventually(t, func() bool {
		m := listening.FindStringSubmatch(stdout.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 10*time.Second, 10*time.Millisecond, "stderr: %s", stderr.String())
	res, err := http.Get(url)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(body), "<title>sandbox</title>")
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "connect-src 'self'")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err, "stopping is not a failure")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}
