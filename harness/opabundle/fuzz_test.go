package opabundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"maps"
	"testing"

	"github.com/refguard/refguard/internal/testsupport"
	"github.com/refguard/refguard/policy"
)

// FuzzVerify: whatever bytes arrive as a bundle, Verify returns a bundle
// or one of its refusal errors; it never panics, and nothing unsigned or
// altered is accepted.
func FuzzVerify(f *testing.F) {
	private, public := testsupport.RSA(f)
	signed, err := Build(policy.FS, BuildOptions{Revision: "fuzz", SigningKey: private})
	if err != nil {
		f.Fatal(err)
	}
	unsigned, err := Build(policy.FS, BuildOptions{Revision: "fuzz"})
	if err != nil {
		f.Fatal(err)
	}
	good, err := Verify(signed, VerifyOptions{VerificationKey: public})
	if err != nil {
		f.Fatal(err)
	}
	want := Modules(good)
	var claim bytes.Buffer
	zw := gzip.NewWriter(&claim)
	tw := tar.NewWriter(zw)
	_ = tw.WriteHeader(&tar.Header{Name: "/x.rego", Typeflag: tar.TypeReg, Mode: 0o644, Size: 1<<63 - 1})
	_ = tw.Flush()
	_ = zw.Close()
	for _, seed := range [][]byte{signed, unsigned, claim.Bytes(), []byte("not gzip"), signed[:len(signed)/2]} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Verify(data, VerifyOptions{VerificationKey: public})
		if err == nil {
			// The signature covers every file's digest: whatever bytes
			// were accepted hold exactly the signed modules.
			if !maps.Equal(want, Modules(b)) {
				t.Fatal("accepted a bundle whose modules differ from the signed ones")
			}
			return
		}
		for _, known := range []error{ErrUnsigned, ErrTampered, ErrWrongKey, ErrScope, ErrTooLarge, ErrMalformed, ErrMissingFile} {
			if errors.Is(err, known) {
				return
			}
		}
		// OPA's reader may refuse malformed content in words of its own.
		if err.Error() == "" {
			t.Fatal("an error without a message")
		}
	})
}
