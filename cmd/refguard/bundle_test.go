package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
)

func TestBundleBuildVerifyAndCheck(t *testing.T) {
	private, public := testsupport.RSA(t)
	_, otherPublic := testsupport.RSA(t)
	dir := t.TempDir()
	signed := filepath.Join(dir, "signed.tar.gz")
	again := filepath.Join(dir, "again.tar.gz")
	unsigned := filepath.Join(dir, "unsigned.tar.gz")

	r := runCLI(t, "", "bundle", "build", "-o", signed, "--signing-key", private, "--revision", "9.9.9")
	require.Equal(t, 0, r.code, r.stderr)
	require.Regexp(t, `^[0-9a-f]{64}  .*signed.tar.gz \(signed, revision 9.9.9\)`, r.stdout)
	r2 := runCLI(t, "", "bundle", "build", "-o", again, "--signing-key", private, "--revision", "9.9.9")
	require.Equal(t, strings.Fields(r.stdout)[0], strings.Fields(r2.stdout)[0], "reproducible: same sha256")
	require.Equal(t, 0, runCLI(t, "", "bundle", "build", "-o", unsigned).code)

	r = runCLI(t, "", "bundle", "verify", "--verification-key", public, signed)
	require.Equal(t, 0, r.code, r.stderr)
	require.Contains(t, r.stdout, "signature OK (revision 9.9.9")

	data, err := os.ReadFile(signed)
	require.NoError(t, err)
	tampered := filepath.Join(dir, "tampered.tar.gz")
	require.NoError(t, os.WriteFile(tampered, testsupport.TamperedBundle(t, data), 0o644))
	for _, c := range []struct{ file, key, want string }{
		{unsigned, public, "not signed"},
		{tampered, public, "does not match its signature"},
		{signed, otherPublic, "does not verify with this key"},
	} {
		r = runCLI(t, "", "bundle", "verify", "--verification-key", c.key, c.file)
		require.Equal(t, 2, r.code, c.file)
		require.Contains(t, r.stderr, c.want)
		// check refuses to evaluate it either.
		r = runCLI(t, "", "check", "--bundle", c.file, "--verification-key", c.key)
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, c.want)
	}
	r = runCLI(t, "", "check", "--bundle", signed)
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "needs --verification-key")

	r = runCLI(t, "", "check", "--format", "json", "--bundle", signed, "--verification-key", public)
	require.Equal(t, 1, r.code, r.stderr)
	require.Contains(t, r.stdout, `"bundleRevision": "9.9.9"`)
	embedded := runCLI(t, "", "check", "--format", "json")
	require.Equal(t, strings.Replace(embedded.stdout, `"bundleRevision": "0.2.0"`, `"bundleRevision": "9.9.9"`, 1), r.stdout,
		"the downloaded bundle gives exactly the embedded policy's report")
}

// TestRealOPAVerifiesTheBundle: the opa CLI (v1.22.3) accepts the signed
// bundle with --verification-key and refuses a tampered copy.
func TestRealOPAVerifiesTheBundle(t *testing.T) {
	bin := testsupport.Tool(t, "opa")
	private, public := testsupport.RSA(t)
	dir := t.TempDir()
	signed := filepath.Join(dir, "signed.tar.gz")
	require.Equal(t, 0, runCLI(t, "", "bundle", "build", "-o", signed, "--signing-key", private).code)
	data, err := os.ReadFile(signed)
	require.NoError(t, err)
	tampered := filepath.Join(dir, "tampered.tar.gz")
	require.NoError(t, os.WriteFile(tampered, testsupport.TamperedBundle(t, data), 0o644))

	// opa run loads the bundle, verifies it, and answers the query typed
	// into its REPL.
	opaRun := func(file string) (string, error) {
		cmd := exec.Command(bin, "run", "--bundle", "--verification-key", public, file)
		cmd.Stdin = strings.NewReader("data.lib.refguard.catalog.rules.RG103.name\n")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := opaRun(signed)
	require.NoError(t, err, out)
	require.Contains(t, out, `"backend-not-found"`)

	out, err = opaRun(tampered)
	require.Error(t, err, "opa must refuse a tampered bundle:\n%s", out)
	require.Contains(t, out, "digest mismatch")
}
