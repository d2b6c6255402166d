package opabundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

func tarEntries(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		b, err := io.ReadAll(tr)
		require.NoError(t, err)
		out[h.Name] = b
	}
}

func TestBuildIsReproducibleAndScoped(t *testing.T) {
	private, _ := testsupport.RSA(t)
	opts := BuildOptions{Revision: "1.2.3", SigningKey: private}
	a, err := Build(policy.FS, opts)
	require.NoError(t, err)
	b, err := Build(policy.FS, opts)
	require.NoError(t, err)
	require.Equal(t, SHA256(a), SHA256(b), "same sources and key must give the same tarball")

	entries := tarEntries(t, a)
	require.Contains(t, entries, "/.manifest")
	require.Contains(t, entries, "/.signatures.json")
	require.JSONEq(t, `{"revision":"1.2.3","roots":["lib/refguard","refguard"],"rego_version":1}`, string(entries["/.manifest"]))
	for name := range entries {
		require.NotContains(t, name, "_test.rego", "tests must not ship")
	}
	require.Contains(t, entries, "/lib/refguard/rules/backend_not_found/backend_not_found.rego")
	// What only conftest reads stays out: package main lies outside the
	// roots, and the adapter of conftest's input is never evaluated by OPA.
	require.NotContains(t, entries, "/main/main.rego")
	require.NotContains(t, entries, "/lib/refguard/conftest/conftest.rego")
}

func TestVerifyRefusesWhatItShould(t *testing.T) {
	private, public := testsupport.RSA(t)
	_, otherPublic := testsupport.RSA(t)
	signed, err := Build(policy.FS, BuildOptions{Revision: "1", SigningKey: private})
	require.NoError(t, err)
	unsigned, err := Build(policy.FS, BuildOptions{Revision: "1"})
	require.NoError(t, err)

	b, err := Verify(signed, VerifyOptions{VerificationKey: public})
	require.NoError(t, err)
	require.NotEmpty(t, Modules(b))

	_, err = Verify(unsigned, VerifyOptions{VerificationKey: public})
	require.ErrorIs(t, err, ErrUnsigned)

	_, err = Verify(signed, VerifyOptions{VerificationKey: otherPublic})
	require.ErrorIs(t, err, ErrWrongKey)

	_, err = Verify(testsupport.TamperedBundle(t, signed), VerifyOptions{VerificationKey: public})
	require.ErrorIs(t, err, ErrTampered)
}
