package opabundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

// rewrite rebuilds a bundle's tar.gz, letting edit drop (return false) or
// change entries.
func rewrite(t *testing.T, data []byte, edit func(h *tar.Header, body []byte) ([]byte, bool)) []byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		body, err := io.ReadAll(tr)
		require.NoError(t, err)
		body, keep := edit(h, body)
		if !keep {
			continue
		}
		h.Size = int64(len(body))
		require.NoError(t, tw.WriteHeader(h))
		_, err = tw.Write(body)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// rawTarGz is a tar.gz whose one header says what it likes, followed by
// whatever body is given (a header may claim far more than follows).
func rawTarGz(t *testing.T, h *tar.Header, body io.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	require.NoError(t, tw.WriteHeader(h))
	if body != nil {
		_, _ = io.Copy(tw, body) // short bodies are the point
	}
	_ = tw.Flush()
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestVerifyIsBoundedBeforeTheSignature(t *testing.T) {
	private, public := testsupport.RSA(t)
	signed, err := Build(policy.FS, BuildOptions{Revision: "1", SigningKey: private})
	require.NoError(t, err)
	opts := VerifyOptions{VerificationKey: public}

	// A header claiming 2^63-1 bytes: refused from the header.
	huge := rawTarGz(t, &tar.Header{Name: "/x.rego", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1<<63 - 1}, nil)
	_, err = Verify(huge, opts)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Contains(t, err.Error(), "/x.rego claims 9223372036854775807 bytes")

	// A gzip bomb: files of zeros, each within the per-file limit, that
	// together expand past the total, from a few hundred kilobytes.
	bomb := rawTarGz(t, &tar.Header{Name: "/data.json", Typeflag: tar.TypeReg, Mode: 0o644, Size: MaxBundleFileBytes}, io.LimitReader(zeros{}, MaxBundleFileBytes))
	var bombs bytes.Buffer
	zw := gzip.NewWriter(&bombs)
	tw := tar.NewWriter(zw)
	for i := 0; i <= MaxBundleExpandBytes/MaxBundleFileBytes; i++ {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("/d%d.json", i), Typeflag: tar.TypeReg, Mode: 0o644, Size: MaxBundleFileBytes}))
		_, err := io.Copy(tw, io.LimitReader(zeros{}, MaxBundleFileBytes))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	require.Less(t, bombs.Len(), MaxBundleBytes, "the bomb is small")
	_, err = Verify(bombs.Bytes(), opts)
	require.ErrorIs(t, err, ErrTooLarge)
	require.Contains(t, err.Error(), "expands to more than")
	_, err = Verify(bomb, opts)
	require.NotErrorIs(t, err, ErrTooLarge, "one file at the limit is allowed (and then unsigned)")

	// A symlink or device entry is not part of a bundle.
	link := rawTarGz(t, &tar.Header{Name: "/evil", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd", Mode: 0o777}, nil)
	_, err = Verify(link, opts)
	require.ErrorIs(t, err, ErrMalformed)

	// Not gzip at all.
	_, err = Verify([]byte("hello"), opts)
	require.ErrorIs(t, err, ErrMalformed)

	// A signed file removed: the signature lists it, the bundle lacks it.
	missing := rewrite(t, signed, func(h *tar.Header, body []byte) ([]byte, bool) {
		return body, h.Name != "/lib/refguard/rules/backend_not_found/backend_not_found.rego"
	})
	_, err = Verify(missing, opts)
	require.ErrorIs(t, err, ErrMissingFile)
	require.NotErrorIs(t, err, ErrWrongKey)
	require.Contains(t, err.Error(), "backend_not_found.rego")
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadLimitedRefusesDevicesAndLargeFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		_, err := ReadLimited("/dev/zero", MaxBundleBytes)
		require.ErrorContains(t, err, "not a regular file")
		_, err = verificationKey("/dev/zero")
		require.ErrorContains(t, err, "not a regular file")
	}
	big := filepath.Join(t.TempDir(), "big.pem")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("A"), MaxKeyBytes+1), 0o644))
	_, err := verificationKey(big)
	require.ErrorIs(t, err, ErrTooLarge)
}
