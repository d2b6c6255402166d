// Package release builds what a refguard release ships besides the policy
// bundles: the sandbox page as an archive for any static host, static
// binaries for every supported platform with the version stamped in and
// the page inside (refguard serve --web), an OCI image of the linux
// binaries built without a container daemon, and the SHA256SUMS file over
// everything in the output directory.
package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/refguard/refguard/harness/oci"
	"github.com/refguard/refguard/harness/webpage"
	"github.com/refguard/refguard/web"
)

// Module is the import path of the refguard module; the version and commit
// are stamped into its root package (refguard.Version, refguard.Commit).
const Module = "github.com/refguard/refguard"

// Platform is one GOOS/GOARCH pair a release ships a binary for.
type Platform struct{ OS, Arch string }

func (p Platform) String() string { return p.OS + "/" + p.Arch }

// Platforms is every platform a release ships.
var Platforms = []Platform{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Host is the platform the build runs on.
func Host() Platform { return Platform{runtime.GOOS, runtime.GOARCH} }

// Options says what to build and where.
type Options struct {
	Root      string     // the module's root directory
	Out       string     // output directory, created if missing
	Version   string     // release version, without a leading v
	Commit    string     // source revision stamped beside the version
	Platforms []Platform // binaries to build; Platforms when empty
	Go        string     // the go command; "go" when empty
}

// Artifacts names what Build wrote, relative to Options.Out.
type Artifacts struct {
	Binaries map[Platform]string
	Web      string // the sandbox page's archive
	Image    string // OCI image layout directory ("" when no linux binary was built)
	Sums     string
}

// BinaryName is the release asset name of a platform's binary.
func BinaryName(version string, p Platform) string {
	name := fmt.Sprintf("refguard_%s_%s_%s", version, p.OS, p.Arch)
	if p.OS == "windows" {
		name += ".exe"
	}
	return name
}

// WebName is the sandbox page's archive name; its one top directory is
// named the same without the extension.
func WebName(version string) string { return fmt.Sprintf("refguard-web_%s.tar.gz", version) }

// ImageName is the OCI image layout directory's name in the output.
func ImageName(version string) string { return fmt.Sprintf("refguard_%s_oci", version) }

// Build writes the binaries, the image and SHA256SUMS into opts.Out.
func Build(ctx context.Context, opts Options) (*Artifacts, error) {
	if opts.Version == "" || strings.HasPrefix(opts.Version, "v") {
		return nil, fmt.Errorf("release version %q: want a version like 0.2.0", opts.Version)
	}
	if len(opts.Platforms) == 0 {
		opts.Platforms = Platforms
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", opts.Out, err)
	}
	art := &Artifacts{Binaries: map[Platform]string{}, Web: WebName(opts.Version)}
	page, err := os.MkdirTemp("", "refguard-web-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(page)
	if err := webpage.Build(ctx, webpage.Options{Root: opts.Root, Out: page, Version: opts.Version, Commit: opts.Commit, Go: opts.Go}); err != nil {
		return nil, err
	}
	if err := writeWebArchive(page, strings.TrimSuffix(art.Web, ".tar.gz"), filepath.Join(opts.Out, art.Web)); err != nil {
		return nil, err
	}
	overlay, err := webOverlay(opts.Root, page)
	if err != nil {
		return nil, err
	}
	for _, p := range opts.Platforms {
		name := BinaryName(opts.Version, p)
		if err := buildBinary(ctx, opts, p, overlay, filepath.Join(opts.Out, name)); err != nil {
			return nil, err
		}
		art.Binaries[p] = name
	}
	var linux []Platform
	for _, p := range opts.Platforms {
		if p.OS == "linux" {
			linux = append(linux, p)
		}
	}
	if len(linux) > 0 {
		art.Image = ImageName(opts.Version)
		if err := writeImage(opts, art, linux, filepath.Join(opts.Out, art.Image)); err != nil {
			return nil, err
		}
	}
	art.Sums = "SHA256SUMS"
	if err := writeSums(opts.Out, art.Sums); err != nil {
		return nil, err
	}
	return art, nil
}

// buildBinary builds a static binary (no cgo) with paths trimmed, so the
// same source gives the same bytes on any machine, and the sandbox page
// embedded (-tags sandbox) from the overlay webOverlay wrote.
func buildBinary(ctx context.Context, opts Options, p Platform, overlay, out string) error {
	ldflags := fmt.Sprintf("-s -w -X %[1]s.stampedVersion=%[2]s -X %[1]s.stampedCommit=%[3]s", Module, opts.Version, opts.Commit)
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, opts.Go, "build", "-trimpath", "-buildvcs=false", "-tags", "sandbox", "-overlay", overlay, "-ldflags", ldflags, "-o", abs, "./cmd/refguard")
	cmd.Dir = opts.Root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Arch)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", p, err, stderr.Bytes())
	}
	return nil
}

// webOverlay writes, into the built page's directory, a go build overlay
// that places the page at web/dist, where the sandbox build embeds it
// from: the release never writes into the source tree.
func webOverlay(root, page string) (string, error) {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	replace := map[string]string{}
	for _, name := range append(slices.Clone(web.StaticFiles), webpage.GoSupport, webpage.EngineGzip) {
		replace[filepath.Join(absRoot, "web", "dist", name)] = filepath.Join(page, name)
	}
	b, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(page, "overlay.json")
	return path, os.WriteFile(path, b, 0o644)
}

// writeWebArchive packs the page for a static host: its files under one
// directory, the engine both plain and gzipped (for hosts that serve
// precompressed files), in a fixed order with fixed times.
func writeWebArchive(page, top, out string) error {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	epoch := time.Unix(0, 0)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatPAX}); err != nil {
		return err
	}
	names := append(slices.Clone(web.StaticFiles), webpage.GoSupport, webpage.Engine, webpage.EngineGzip)
	slices.Sort(names)
	for _, name := range names {
		content, err := os.ReadFile(filepath.Join(page, name))
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: top + "/" + name, Mode: 0o644, Size: int64(len(content)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return err
		}
		if _, err := tw.Write(content); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// ImageEntrypoint is where the binary sits in the image, and how it starts.
const ImageEntrypoint = "/usr/local/bin/refguard"

// writeImage writes an OCI image layout whose one entry, tagged with the
// version, is an index of one image per linux platform: each FROM scratch,
// the static binary its only layer, /work its working directory
// (docker run -v "$PWD:/work" IMAGE check .).
func writeImage(opts Options, art *Artifacts, platforms []Platform, dir string) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	path, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("create OCI layout %s: %w", dir, err)
	}
	var adds []mutate.IndexAddendum
	for _, p := range platforms {
		img, err := platformImage(opts, filepath.Join(opts.Out, art.Binaries[p]), p)
		if err != nil {
			return err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch}}})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	if err := path.AppendIndex(idx, layout.WithAnnotations(map[string]string{ImageTagAnnotation: opts.Version})); err != nil {
		return fmt.Errorf("write image index: %w", err)
	}
	return nil
}

// ImageTagAnnotation names the tag of the layout's entry, as OCI tools read it.
const ImageTagAnnotation = "org.opencontainers.image.ref.name"

func platformImage(opts Options, binary string, p Platform) (v1.Image, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	layerTar, err := tarFile(strings.TrimPrefix(ImageEntrypoint, "/"), bin)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("image layer for %s: %w", p, err)
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Arch, OS: p.OS, Created: v1.Time{Time: time.Unix(0, 0).UTC()},
		Config: v1.Config{
			Entrypoint: []string{ImageEntrypoint},
			Cmd:        []string{"check", "."},
			WorkingDir: "/work",
			// A container starts with no cache worth keeping.
			Env: []string{"REFGUARD_CACHE_DIR=off"},
			Labels: map[string]string{
				"org.opencontainers.image.source":   "https://" + Module,
				"org.opencontainers.image.version":  opts.Version,
				"org.opencontainers.image.revision": opts.Commit,
				"org.opencontainers.image.licenses": "Apache-2.0",
			},
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, fmt.Errorf("image config for %s: %w", p, err)
	}
	return img, nil
}

// tarFile is a tar stream holding one executable file and its parents,
// with fixed times and owners so the layer digest is reproducible.
func tarFile(name string, content []byte) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	epoch := time.Unix(0, 0)
	parts := strings.Split(name, "/")
	for i := 1; i < len(parts); i++ {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.Join(parts[:i], "/") + "/", Mode: 0o755, ModTime: epoch}); err != nil {
			return nil, err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o755, Size: int64(len(content)), ModTime: epoch}); err != nil {
		return nil, err
	}
	if _, err := tw.Write(content); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeSums writes sha256sum's format for every regular file directly in
// dir (the release assets; the image layout directory is published as an
// image, not as an asset), sorted by name.
func writeSums(dir, name string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var lines []string
	for _, e := range entries { // sorted by name
		if !e.Type().IsRegular() || e.Name() == name {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+e.Name()+"\n")
	}
	return os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(lines, "")), 0o644)
}

// PushImage pushes the image layout's multi-platform image to ref
// (oci://REGISTRY/REPO:TAG), with credentials from the Docker config.
func PushImage(ctx context.Context, layoutDir, version, ref string, plainHTTP bool) error {
	_, err := oci.PushLayout(ctx, layoutDir, version, ref, oci.PushOptions{PlainHTTP: plainHTTP})
	return err
}
