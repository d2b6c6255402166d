package release_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/release"
	"github.com/refguard/refguard/internal/testsupport"
)

// memoryLimitKiB is the data-segment limit (ulimit -d) every probe runs
// under: the heap cannot grow past it, so a probe that needed more fails
// instead of passing. RLIMIT_DATA counts the heap but not the address
// space the Wasm runtime reserves without using, which ulimit -v would.
const memoryLimitKiB = 1 << 20

// probe is one hostile input and what the run must end with.
type probe struct {
	name   string
	args   func(dir string) []string
	exit   int
	stderr string // part of the message when exit is 2
}

func writeProbe(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

const probeService = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: app}\nspec:\n  ports: [{port: 80}]\n"

func probeRoute(refs string) string {
	return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: app}\nspec:\n  rules:\n    - backendRefs:\n" + refs
}

func repeatRefs(n int, ref func(i int) string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(ref(i))
	}
	return b.String()
}

// gzipTar writes a tar.gz of the entries (name → size of zeros; a negative
// size writes a header claiming -size bytes and no body).
func gzipTar(t *testing.T, path string, entries map[string]int64) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, size := range entries {
		if size < 0 {
			require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: -size}))
			continue
		}
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: size}))
		_, err := tw.Write(make([]byte, size))
		require.NoError(t, err)
	}
	_ = tw.Flush()
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

// TestHostileInputsStayBounded runs the released binary on each hostile
// input of docs/limits.md under a 1 GiB memory limit: every run ends with
// the exit code the table gives and, for a refusal, a message naming the
// file. A probe that hung would be killed by the guard below (a bound on
// the test, not a timing assertion); the wall time and peak memory of each
// run are logged for the table.
func TestHostileInputsStayBounded(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash runs the probes under ulimit")
	}
	art, dir := buildHost(t)
	bin := filepath.Join(dir, art.Binaries[release.Host()])
	_, public := testsupport.RSA(t)
	probes := []probe{
		// Over sixteen backendRefs in a rule, which the CRD refuses (RG505):
		// every one is still checked, in bounded time.
		{name: "2,000 identical backendRefs in one rule", exit: 1, args: func(d string) []string {
			return []string{"check", writeProbe(t, d, "dup.yaml", probeRoute(repeatRefs(2000, func(int) string { return "        - name: web\n          port: 80\n" }))+probeService)}
		}},
		{name: "5,000 distinct missing Services in one rule", exit: 1, args: func(d string) []string {
			return []string{"check", writeProbe(t, d, "missing.yaml", probeRoute(repeatRefs(5000, func(i int) string { return fmt.Sprintf("        - name: missing-%d\n          port: 80\n", i) }))+probeService)}
		}},
		{name: "a 1,000,000-character name (did-you-mean)", exit: 1, args: func(d string) []string {
			long := strings.Repeat("a", 1_000_000)
			return []string{"check", writeProbe(t, d, "long.yaml", probeRoute("        - name: "+long+"\n          port: 80\n")+strings.Replace(probeService, "name: web", "name: "+strings.Repeat("b", 1_000_000), 1))}
		}},
		{name: "a 1,000,000-character name, OPA's interpreter", exit: 1, args: func(d string) []string {
			return []string{"check", "--evaluator", "rego", writeProbe(t, d, "long.yaml", probeRoute("        - name: "+strings.Repeat("a", 1_000_000)+"\n          port: 80\n")+probeService)}
		}},
		{name: "a 40 MB JSON flow sequence", exit: 2, stderr: "flow.json:1: document holds more than", args: func(d string) []string {
			return []string{"check", writeProbe(t, d, "flow.json", "["+strings.Repeat("1,", 20_000_000)+"1]\n")}
		}},
		{name: "a 40 MB YAML flow sequence", exit: 2, stderr: "flow.yaml:1: document holds more than", args: func(d string) []string {
			return []string{"check", writeProbe(t, d, "flow.yaml", "items: ["+strings.Repeat("a,", 20_000_000)+"a]\n")}
		}},
		{name: "an alias bomb (10^7 nodes from 70 lines)", exit: 2, stderr: "through aliases", args: func(d string) []string {
			var b strings.Builder
			b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
			for i := 1; i < 8; i++ {
				fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
			}
			return []string{"check", writeProbe(t, d, "bomb.yaml", b.String())}
		}},
		{name: "a bundle whose tar header claims 2^63-1 bytes", exit: 2, stderr: "claims 9223372036854775807 bytes", args: func(d string) []string {
			return []string{"check", "--bundle", gzipTar(t, filepath.Join(d, "huge.tar.gz"), map[string]int64{"/x.rego": -(1<<63 - 1)}), "--verification-key", public}
		}},
		{name: "a gzip bomb bundle (72 MiB of zeros in 9 files)", exit: 2, stderr: "expands to more than", args: func(d string) []string {
			entries := map[string]int64{}
			for i := 0; i < 9; i++ {
				entries["/d"+strconv.Itoa(i)+".json"] = 8 << 20
			}
			return []string{"check", "--bundle", gzipTar(t, filepath.Join(d, "bomb.tar.gz"), entries), "--verification-key", public}
		}},
		{name: "/dev/zero as the bundle", exit: 2, stderr: "not a regular file", args: func(string) []string {
			return []string{"check", "--bundle", "/dev/zero", "--verification-key", public}
		}},
		{name: "/dev/zero as manifests", exit: 2, stderr: "not a regular file or a pipe", args: func(string) []string {
			return []string{"check", "/dev/zero"}
		}},
	}
	for _, p := range probes {
		t.Run(p.name, func(t *testing.T) {
			d := t.TempDir()
			args := p.args(d)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			quoted := make([]string, len(args))
			for i, a := range args {
				quoted[i] = strconv.Quote(a)
			}
			cmd := exec.CommandContext(ctx, "bash", "-c", fmt.Sprintf("ulimit -d %d && exec %s %s", memoryLimitKiB, strconv.Quote(bin), strings.Join(quoted, " ")))
			cmd.Env = append(os.Environ(), "REFGUARD_CACHE_DIR=off")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			elapsed := time.Since(start)
			require.NoError(t, ctx.Err(), "the run did not end")
			code := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else {
				require.NoError(t, err)
			}
			peak := int64(0)
			if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
				peak = ru.Maxrss >> 10 // KiB to MiB
			}
			t.Logf("exit %d, %.2f s, peak %d MiB", code, elapsed.Seconds(), peak)
			require.Equal(t, p.exit, code, "stderr: %s", stderr.String())
			require.NotContains(t, stderr.String(), "panic", "a refusal is a message, never a crash")
			if p.stderr != "" {
				require.Contains(t, stderr.String(), p.stderr)
			}
		})
	}
}
