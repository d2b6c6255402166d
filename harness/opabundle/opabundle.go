package opabundle

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	opa "github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/keys"

	"github.com/refguard/refguard/harness/engine"
)

// Roots are the data paths the bundle owns. Never all of data: kube-mgmt
// replicates into data.kubernetes, Gatekeeper into data.inventory.
var Roots = []string{"lib/refguard", "refguard"}

// ConftestPackages are read by conftest only: its entry point (package
// main, outside the bundle's roots) and the adapter that reads conftest's
// input. An OPA server or the CLI never evaluates them, so the OPA bundle
// leaves them out; `bundle push --format conftest` ships them.
var ConftestPackages = []string{"main", "lib.refguard.conftest"}

// DefaultKeyID is the key id OPA assumes when none is configured.
const DefaultKeyID = "default"

// DefaultAlgorithm signs and verifies when no algorithm is given (RS256
// signatures are deterministic, so builds are byte-reproducible).
const DefaultAlgorithm = "RS256"

// BuildOptions configure an OPA bundle build.
type BuildOptions struct {
	Revision   string
	SigningKey string // PEM, or a path to a PEM file; empty: unsigned
	SigningAlg string // RS256 (default), RS384, RS512, ES256, ES384, ES512, PS256…, HS256…
	KeyID      string
	ClaimsFile string // extra JWT claims (e.g. scope)
}

// Build writes an OPA bundle of the policy's non-test modules with a
// manifest (roots, rego_version 1, revision) and, with a key, a
// .signatures.json. The same sources and options give the same bytes for
// deterministic algorithms (RS*, PS* are randomized, ES* too).
func Build(policy fs.FS, opts BuildOptions) ([]byte, error) {
	modules, err := engine.Modules(policy)
	if err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(modules))
	regoV1 := 1
	roots := append([]string{}, Roots...)
	b := opa.Bundle{
		Manifest: opa.Manifest{Revision: opts.Revision, Roots: &roots, RegoVersion: &regoV1},
		Data:     map[string]any{},
	}
	for _, name := range names {
		p := "/" + path.Clean(name)
		parsed, err := ast.ParseModuleWithOpts(p, modules[name], ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		if slices.Contains(ConftestPackages, strings.TrimPrefix(parsed.Package.Path.String(), "data.")) {
			continue
		}
		b.Modules = append(b.Modules, opa.ModuleFile{URL: p, Path: p, Raw: []byte(modules[name]), Parsed: parsed})
	}
	if opts.SigningKey != "" {
		signing := opa.NewSigningConfig(opts.SigningKey, cmp.Or(opts.SigningAlg, DefaultAlgorithm), opts.ClaimsFile)
		if err := b.GenerateSignature(signing, cmp.Or(opts.KeyID, DefaultKeyID), true); err != nil {
			return nil, fmt.Errorf("sign bundle: %w", err)
		}
	}
	var buf bytes.Buffer
	if err := opa.NewWriter(&buf).UseModulePath(true).Write(b); err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	return buf.Bytes(), nil
}

// SHA256 is the hex digest printed next to a built bundle.
func SHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// VerifyOptions configure signature verification.
type VerifyOptions struct {
	VerificationKey string // PEM, or a path to a PEM file
	Algorithm       string // default RS256
	KeyID           string
	Scope           string
}

// ErrUnsigned, ErrTampered and ErrWrongKey say why a bundle was refused.
var (
	ErrUnsigned = errors.New("bundle is not signed (no .signatures.json)")
	ErrTampered = errors.New("bundle content does not match its signature (tampered or corrupted)")
	ErrWrongKey = errors.New("signature does not verify with this key")
	ErrScope    = errors.New("signature scope does not match")
)

// Verify reads a bundle and checks its signature; it returns the bundle
// only when the signature covers exactly its content.
func Verify(data []byte, opts VerifyOptions) (*opa.Bundle, error) {
	if err := inspect(data); err != nil {
		return nil, err
	}
	keyID := cmp.Or(opts.KeyID, DefaultKeyID)
	pem, err := verificationKey(opts.VerificationKey)
	if err != nil {
		return nil, fmt.Errorf("verification key: %w", err)
	}
	// Built directly: keys.NewKeyConfig would stat the PEM text as a path.
	key := &keys.Config{Key: pem, Algorithm: cmp.Or(opts.Algorithm, DefaultAlgorithm), Scope: opts.Scope}
	vc := opa.NewVerificationConfig(map[string]*opa.KeyConfig{keyID: key}, keyID, opts.Scope, nil)
	b, err := opa.NewReader(bytes.NewReader(data)).WithBundleVerificationConfig(vc).WithRegoVersion(ast.RegoV1).
		WithSizeLimitBytes(MaxBundleFileBytes).Read()
	if err != nil {
		return nil, classify(err)
	}
	return &b, nil
}

func classify(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "but not found in the target bundle"):
		return fmt.Errorf("%w: %v", ErrMissingFile, err)
	case strings.Contains(msg, "missing .signatures.json"):
		return fmt.Errorf("%w: %v", ErrUnsigned, err)
	case strings.Contains(msg, "digest mismatch"), strings.Contains(msg, "not included in bundle"), strings.Contains(msg, "no hash"), strings.Contains(msg, "file(s) not included"), strings.Contains(msg, "files in the bundle"):
		return fmt.Errorf("%w: %v", ErrTampered, err)
	case strings.Contains(msg, "scope"):
		return fmt.Errorf("%w: %v", ErrScope, err)
	case strings.Contains(msg, "verif"), strings.Contains(msg, "signature"):
		return fmt.Errorf("%w: %v", ErrWrongKey, err)
	}
	return fmt.Errorf("read bundle: %w", err)
}

// Modules returns a verified bundle's Rego modules by path, for the engine.
func Modules(b *opa.Bundle) map[string]string {
	out := make(map[string]string, len(b.Modules))
	for _, m := range b.Modules {
		out[strings.TrimPrefix(m.Path, "/")] = string(m.Raw)
	}
	return out
}
