// Package webpage builds the sandbox page (web/): the page's own files,
// the engine (./web/wasm built for GOOS=js GOARCH=wasm, the embedded policy
// inside) and the wasm_exec.js of the Go toolchain that built it, which
// must match it, into one directory any static host can serve.
package webpage

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/refguard/refguard/web"
)

// Engine is the engine's file name in the page; EngineGzip is the same
// bytes gzipped, for hosts (and `refguard serve --web`) that serve
// precompressed files.
const (
	Engine     = "refguard.wasm"
	EngineGzip = Engine + ".gz"
	GoSupport  = "wasm_exec.js"
)

// Options says where the source is and where the page goes.
type Options struct {
	Root    string // the module's root directory
	Out     string // output directory, created if missing
	Version string // stamped into the engine ("" keeps the VERSION file's)
	Commit  string
	Go      string // the go command; "go" when empty
}

// Build writes the page into opts.Out.
func Build(ctx context.Context, opts Options) error {
	if opts.Go == "" {
		opts.Go = "go"
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", opts.Out, err)
	}
	for _, name := range web.StaticFiles {
		b, err := fs.ReadFile(web.Static, name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(opts.Out, name), b, 0o644); err != nil {
			return fmt.Errorf("write the page: %w", err)
		}
	}
	out, err := filepath.Abs(filepath.Join(opts.Out, Engine))
	if err != nil {
		return err
	}
	args := []string{"build", "-trimpath", "-buildvcs=false"}
	if opts.Version != "" {
		const pkg = "github.com/refguard/refguard"
		args = append(args, "-ldflags", fmt.Sprintf("-s -w -X %[1]s.stampedVersion=%[2]s -X %[1]s.stampedCommit=%[3]s", pkg, opts.Version, opts.Commit))
	} else {
		args = append(args, "-ldflags", "-s -w")
	}
	args = append(args, "-o", out, "./web/wasm")
	cmd := exec.CommandContext(ctx, opts.Go, args...)
	cmd.Dir = opts.Root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the page's engine: %w\n%s", err, b)
	}
	root, err := goroot(ctx, opts)
	if err != nil {
		return err
	}
	support, err := os.ReadFile(filepath.Join(root, "lib", "wasm", GoSupport))
	if err != nil {
		// Go before 1.24 kept it in misc/wasm.
		if support, err = os.ReadFile(filepath.Join(root, "misc", "wasm", GoSupport)); err != nil {
			return fmt.Errorf("read the Go toolchain's %s: %w", GoSupport, err)
		}
	}
	if err := os.WriteFile(filepath.Join(opts.Out, GoSupport), support, 0o644); err != nil {
		return fmt.Errorf("write the page: %w", err)
	}
	return gzipFile(out, filepath.Join(opts.Out, EngineGzip))
}

func goroot(ctx context.Context, opts Options) (string, error) {
	cmd := exec.CommandContext(ctx, opts.Go, "env", "GOROOT")
	cmd.Dir = opts.Root
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func gzipFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := zw.Write(b); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(to, buf.Bytes(), 0o644)
}
