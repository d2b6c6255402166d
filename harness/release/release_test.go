package release_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/stretchr/testify/require"
	orasremote "oras.land/oras-go/v2/registry/remote"

	"github.com/refguard/refguard"
	"github.com/refguard/refguard/harness/release"
	"github.com/refguard/refguard/harness/webpage"
	"github.com/refguard/refguard/internal/testsupport"
)

const testCommit = "0123456789abcdef0123456789abcdef01234567"

var (
	hostBuild     sync.Once
	hostArtifacts *release.Artifacts
	hostDir       string
	hostErr       error
)

// buildHost runs the release build for this machine's platform once per
// test binary: the same code make release-dry runs for every platform.
func buildHost(t *testing.T) (*release.Artifacts, string) {
	t.Helper()
	hostBuild.Do(func() {
		hostDir, hostErr = os.MkdirTemp("", "refguard-release-")
		if hostErr != nil {
			return
		}
		hostArtifacts, hostErr = release.Build(context.Background(), release.Options{
			Root: testsupport.ModuleRoot(t), Out: hostDir, Version: refguard.Version(), Commit: testCommit,
			Platforms: []release.Platform{release.Host()},
		})
	})
	require.NoError(t, hostErr)
	return hostArtifacts, hostDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if hostDir != "" {
		os.RemoveAll(hostDir)
	}
	os.Exit(code)
}

func TestReleaseBinaryRunsWithItsVersionStamped(t *testing.T) {
	art, dir := buildHost(t)
	bin := filepath.Join(dir, art.Binaries[release.Host()])
	require.Equal(t, release.BinaryName(refguard.Version(), release.Host()), filepath.Base(bin))

	out, err := exec.Command(bin, "--version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.True(t, strings.HasPrefix(string(out), "refguard "+refguard.Version()+" (commit 0123456789ab, "), "%s", out)

	// The binary carries its policy: it checks a manifest set on its own.
	cmd := exec.Command(bin, "check", "--format", "json", filepath.Join(testsupport.ModuleRoot(t), "examples"))
	cmd.Env = append(os.Environ(), "REFGUARD_CACHE_DIR=off")
	report, err := cmd.Output()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the examples have findings")
	require.Equal(t, 1, exit.ExitCode())
	testsupport.ValidateReport(t, report)

	// Installed under the kubectl plugin name, kubectl runs it as
	// "kubectl refguard", and its help says so.
	plugin := filepath.Join(t.TempDir(), "kubectl-refguard")
	raw, err := os.ReadFile(bin)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(plugin, raw, 0o755))
	help, err := exec.Command(plugin, "check", "--help").CombinedOutput()
	require.NoError(t, err, "%s", help)
	require.Contains(t, string(help), "kubectl refguard check [PATH...]")

	sums := readSums(t, filepath.Join(dir, art.Sums))
	require.Equal(t, sha256File(t, bin), sums[filepath.Base(bin)], "SHA256SUMS lists the binary with its digest")
}

func TestReleaseImageLayoutReadsBack(t *testing.T) {
	if release.Host().OS != "linux" {
		t.Skip("the image holds linux binaries only")
	}
	art, dir := buildHost(t)
	require.NotEmpty(t, art.Image)
	p, err := layout.FromPath(filepath.Join(dir, art.Image))
	require.NoError(t, err)
	root, err := p.ImageIndex()
	require.NoError(t, err)
	rootManifest, err := root.IndexManifest()
	require.NoError(t, err)
	require.Len(t, rootManifest.Manifests, 1)
	require.Equal(t, refguard.Version(), rootManifest.Manifests[0].Annotations[release.ImageTagAnnotation])
	idx, err := root.ImageIndex(rootManifest.Manifests[0].Digest)
	require.NoError(t, err)
	img := imageFor(t, idx, release.Host())

	cfg, err := img.ConfigFile()
	require.NoError(t, err)
	require.Equal(t, []string{release.ImageEntrypoint}, cfg.Config.Entrypoint)
	require.Equal(t, testCommit, cfg.Config.Labels["org.opencontainers.image.revision"])
	layers, err := img.Layers()
	require.NoError(t, err)
	require.Len(t, layers, 1, "FROM scratch: the binary is the image")
	content := fileInLayer(t, layers[0], strings.TrimPrefix(release.ImageEntrypoint, "/"))
	bin := filepath.Join(dir, art.Binaries[release.Host()])
	want, err := os.ReadFile(bin)
	require.NoError(t, err)
	require.True(t, bytes.Equal(want, content), "the image's binary is the released one")

	// The binary taken out of the image runs: it is static.
	extracted := filepath.Join(t.TempDir(), "refguard")
	require.NoError(t, os.WriteFile(extracted, content, 0o755))
	out, err := exec.Command(extracted, "version").CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, refguard.Version()+"\n", string(out))

	// Pushed to a registry, the tag is the multi-platform image.
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ref := host + "/refguard/refguard:" + refguard.Version()
	require.NoError(t, release.PushImage(context.Background(), filepath.Join(dir, art.Image), refguard.Version(), "oci://"+ref, true))
	repo, err := orasremote.NewRepository(host + "/refguard/refguard")
	require.NoError(t, err)
	repo.PlainHTTP = true
	pushed, err := repo.Resolve(context.Background(), refguard.Version())
	require.NoError(t, err)
	require.Equal(t, rootManifest.Manifests[0].Digest.String(), pushed.Digest.String(), "the tag names the layout's multi-platform index")
	require.Equal(t, "application/vnd.oci.image.index.v1+json", pushed.MediaType)
}

func TestReleaseRefusesAVersionWithoutItsNumber(t *testing.T) {
	_, err := release.Build(context.Background(), release.Options{Root: ".", Out: t.TempDir(), Version: "v0.2.0"})
	require.ErrorContains(t, err, `want a version like 0.2.0`)
}

func imageFor(t *testing.T, idx v1.ImageIndex, p release.Platform) v1.Image {
	t.Helper()
	m, err := idx.IndexManifest()
	require.NoError(t, err)
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS == p.OS && d.Platform.Architecture == p.Arch {
			img, err := idx.Image(d.Digest)
			require.NoError(t, err)
			return img
		}
	}
	t.Fatalf("no image for %s in the index", p)
	return nil
}

func fileInLayer(t *testing.T, l v1.Layer, path string) []byte {
	t.Helper()
	rc, err := l.Uncompressed()
	require.NoError(t, err)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		require.NoError(t, err, "no %s in the layer", path)
		if h.Name == path {
			require.Equal(t, int64(0o755), h.Mode)
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			return b
		}
	}
}

func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		sum, file, ok := strings.Cut(line, "  ")
		require.True(t, ok, line)
		out[file] = sum
	}
	return out
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	s := sha256.Sum256(raw)
	return hex.EncodeToString(s[:])
}

// TestReleaseCarriesTheSandboxPage holds the release to the page it
// promises: the binary serves it (refguard serve --web) with the engine the
// archive for static hosts holds, and SHA256SUMS lists the archive.
func TestReleaseCarriesTheSandboxPage(t *testing.T) {
	art, dir := buildHost(t)
	archive := filepath.Join(dir, art.Web)
	require.Equal(t, sha256File(t, archive), readSums(t, filepath.Join(dir, art.Sums))[art.Web])

	f, err := os.Open(archive)
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	page := fstest.MapFS{}
	tr := tar.NewReader(zr)
	top := strings.TrimSuffix(art.Web, ".tar.gz") + "/"
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(h.Name, top), h.Name)
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			page[strings.TrimPrefix(h.Name, top)] = &fstest.MapFile{Data: b}
		}
	}
	require.NoError(t, webpage.Complete(page))
	require.Contains(t, string(page["index.html"].Data), `<script src="app.js"></script>`)

	bin := filepath.Join(dir, art.Binaries[release.Host()])
	cmd := exec.Command(bin, "serve", "--web", "--addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(line)
	require.NotEmpty(t, url, line)
	req, err := http.NewRequest(http.MethodGet, url+webpage.Engine, nil)
	require.NoError(t, err)
	req.Header.Set("Accept-Encoding", "gzip") // as browsers ask; Go would otherwise expand it
	res, err := http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	defer res.Body.Close()
	served, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	require.Equal(t, page[webpage.EngineGzip].Data, served, "the binary serves the engine the archive holds")
}
