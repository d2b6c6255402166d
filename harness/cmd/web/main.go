// Command web builds the sandbox page into a directory (make web): the
// page's files, its engine compiled to WebAssembly and Go's wasm_exec.js.
// A maintainer command: users open the page, or run `refguard serve --web`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/refguard/refguard/harness/webpage"
)

func main() {
	var opts webpage.Options
	flag.StringVar(&opts.Out, "out", "web/dist", "output directory")
	flag.StringVar(&opts.Version, "version", "", "release version to stamp (default: the VERSION file's)")
	flag.StringVar(&opts.Commit, "commit", "", "source revision to stamp")
	flag.Parse()
	if _, err := os.Stat("go.mod"); err != nil {
		fmt.Fprintln(os.Stderr, "web: run from the refguard repository's root (no go.mod here)")
		os.Exit(2)
	}
	opts.Root = "."
	if err := webpage.Build(context.Background(), opts); err != nil {
		fmt.Fprintf(os.Stderr, "web: %v\n", err)
		os.Exit(2)
	}
}
