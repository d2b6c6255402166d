package opabundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Limits on a bundle, checked before its signature is: a bundle may come
// from anywhere, and verifying it must not cost more than reading one;
// the limits are far above refguard's own bundle (docs/limits.md).
const (
	MaxBundleBytes       = 32 << 20 // the .tar.gz file
	MaxBundleFileBytes   = 8 << 20  // one file in it, expanded
	MaxBundleExpandBytes = 64 << 20 // all its files, expanded
	MaxBundleFiles       = 10_000
	MaxKeyBytes          = 64 << 10 // a PEM public key file
)

// ErrTooLarge, ErrMalformed and ErrMissingFile say why a bundle was
// refused before its signature was checked, or what the signature lacks.
var (
	ErrTooLarge    = errors.New("bundle exceeds a size limit")
	ErrMalformed   = errors.New("not a bundle (gzip-compressed tar of regular files)")
	ErrMissingFile = errors.New("a file the signature lists is missing from the bundle")
)

// ReadLimited reads a regular file of at most limit bytes: a device, a
// pipe or a file that grows past the limit while it is read is refused
// (/dev/zero as a bundle or key must end, not fill memory).
func ReadLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		kind := "a device or special file"
		switch {
		case info.IsDir():
			kind = "a directory"
		case info.Mode()&fs.ModeNamedPipe != 0:
			kind = "a named pipe"
		}
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, kind)
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%w: %s is %d bytes, over the %d byte limit", ErrTooLarge, path, info.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s grew past the %d byte limit while read", ErrTooLarge, path, limit)
	}
	return data, nil
}

// inspect walks a bundle's tar.gz without keeping it: every entry must be
// a regular file or a directory, no file may claim or expand to more than
// MaxBundleFileBytes, all together not more than MaxBundleExpandBytes.
// Header sizes are checked before anything is read, so a header that
// claims 2^63 bytes or a gzip bomb costs one buffer, not its claim.
func inspect(data []byte) error {
	if len(data) > MaxBundleBytes {
		return fmt.Errorf("%w: %d bytes, over the %d byte limit", ErrTooLarge, len(data), MaxBundleBytes)
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	tr := tar.NewReader(gz)
	var total int64
	for files := 0; ; files++ {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if files >= MaxBundleFiles {
			return fmt.Errorf("%w: more than %d files", ErrTooLarge, MaxBundleFiles)
		}
		name := strings.ToValidUTF8(h.Name, "?")
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeDir:
		default:
			return fmt.Errorf("%w: %s is a %s, not a regular file", ErrMalformed, name, fs.FileMode(h.Mode).Type())
		}
		if h.Size < 0 || h.Size > MaxBundleFileBytes {
			return fmt.Errorf("%w: %s claims %d bytes, over the %d byte limit per file", ErrTooLarge, name, h.Size, MaxBundleFileBytes)
		}
		n, err := io.Copy(io.Discard, io.LimitReader(tr, MaxBundleFileBytes+1))
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrMalformed, name, err)
		}
		total += n
		if total > MaxBundleExpandBytes {
			return fmt.Errorf("%w: expands to more than %d bytes", ErrTooLarge, MaxBundleExpandBytes)
		}
	}
}

// verificationKey is the PEM the options name: the text itself, or the
// contents of the file it names, read within MaxKeyBytes.
func verificationKey(key string) (string, error) {
	if strings.Contains(key, "-----BEGIN") {
		return key, nil
	}
	if _, err := os.Stat(key); err != nil {
		return "", fmt.Errorf("%q is neither a PEM key nor a readable file: %w", key, err)
	}
	pem, err := ReadLimited(key, MaxKeyBytes)
	if err != nil {
		return "", err
	}
	return string(pem), nil
}
