package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/policy"
)

// testKeyPair writes an RSA key pair (PEM files) for tests.
func testKeyPair(t *testing.T) (private, public string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	dir := t.TempDir()
	private = filepath.Join(dir, "private.pem")
	public = filepath.Join(dir, "public.pem")
	require.NoError(t, os.WriteFile(private, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(public, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	return private, public
}

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
	private, _ := testKeyPair(t)
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
}

func TestVerifyRefusesWhatItShould(t *testing.T) {
	private, public := testKeyPair(t)
	_, otherPublic := testKeyPair(t)
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

	_, err = Verify(Tamper(t, signed), VerifyOptions{VerificationKey: public})
	require.ErrorIs(t, err, ErrTampered)
}

// Tamper rewrites one module of a bundle, keeping its signatures.
func Tamper(t *testing.T, data []byte) []byte {
	t.Helper()
	entries := tarEntries(t, data)
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	names := []string{}
	for name := range entries {
		names = append(names, name)
	}
	for _, name := range names {
		content := entries[name]
		if name == "/lib/refguard/rules/backend_not_found/backend_not_found.rego" {
			content = bytes.Replace(content, []byte(`"RG103"`), []byte(`"RG999"`), 1)
		}
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(content)), Typeflag: tar.TypeReg}))
		_, err := tw.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, gz.Close())
	return buf.Bytes()
}
