// Command release builds the release's binaries, OCI image and SHA256SUMS
// into a directory (make release-dry), and pushes the image when asked.
// A maintainer command: users install the binaries it builds.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/refguard/refguard/harness/release"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "release: %v\n", err)
		os.Exit(2)
	}
}

func run() error {
	var opts release.Options
	var platforms, push string
	var plainHTTP, pushOnly bool
	flag.StringVar(&opts.Out, "out", "dist", "output directory")
	flag.StringVar(&opts.Version, "version", "", "release version (the VERSION file's)")
	flag.StringVar(&opts.Commit, "commit", "", "source revision to stamp")
	flag.StringVar(&platforms, "platforms", "", "comma-separated GOOS/GOARCH list (default: every released platform; \"host\": this machine's)")
	flag.StringVar(&push, "push", "", "after building, push the image to this reference (oci://REGISTRY/REPO:TAG)")
	flag.BoolVar(&plainHTTP, "plain-http", false, "push over HTTP (a local registry)")
	flag.BoolVar(&pushOnly, "push-only", false, "push the image --out already holds instead of building")
	flag.Parse()
	if _, err := os.Stat("go.mod"); err != nil {
		return fmt.Errorf("run from the refguard repository's root (no go.mod here)")
	}
	opts.Root = "."
	for _, p := range strings.Split(platforms, ",") {
		switch p = strings.TrimSpace(p); {
		case p == "":
		case p == "host":
			opts.Platforms = append(opts.Platforms, release.Host())
		default:
			goos, goarch, ok := strings.Cut(p, "/")
			if !ok {
				return fmt.Errorf("platform %q: want GOOS/GOARCH", p)
			}
			opts.Platforms = append(opts.Platforms, release.Platform{OS: goos, Arch: goarch})
		}
	}
	ctx := context.Background()
	if pushOnly {
		if push == "" {
			return fmt.Errorf("--push-only needs --push")
		}
		if err := release.PushImage(ctx, filepath.Join(opts.Out, release.ImageName(opts.Version)), opts.Version, push, plainHTTP); err != nil {
			return err
		}
		fmt.Printf("pushed %s\n", push)
		return nil
	}
	art, err := release.Build(ctx, opts)
	if err != nil {
		return err
	}
	for _, p := range opts.Platforms {
		fmt.Printf("%s/%s\n", opts.Out, art.Binaries[p])
	}
	if len(opts.Platforms) == 0 {
		for _, p := range release.Platforms {
			fmt.Printf("%s/%s\n", opts.Out, art.Binaries[p])
		}
	}
	if art.Image != "" {
		fmt.Printf("%s/%s (OCI image layout)\n", opts.Out, art.Image)
	}
	fmt.Printf("%s/%s\n", opts.Out, art.Sums)
	if push != "" && art.Image != "" {
		if err := release.PushImage(ctx, filepath.Join(opts.Out, art.Image), opts.Version, push, plainHTTP); err != nil {
			return err
		}
		fmt.Printf("pushed %s\n", push)
	}
	return nil
}
