package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/refguard/refguard/harness/webpage"
	"github.com/refguard/refguard/web"
)

func newServeCommand() *cobra.Command {
	var webPage bool
	var addr, dir string
	cmd := &cobra.Command{
		Use:   "serve --web",
		Short: "Serve the sandbox page on loopback: paste manifests, get findings and a corrected diff in the browser",
		Long: `serve --web serves the sandbox page (docs/sandbox.md) on this machine's loopback
interface. The checks run in the browser, in WebAssembly: nothing pasted into the page
is sent anywhere, this server included, and the page makes no request once it has
loaded. Release binaries carry the page; a binary built with go install does not (the
engine is 40 MB) and serves a page built with "make web" or unpacked from the
release's refguard-web archive with --dir. Ctrl+C stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !webPage {
				return fmt.Errorf("serve: nothing to serve; --web serves the sandbox page")
			}
			if err := webpage.Loopback(addr); err != nil {
				return err
			}
			page := web.Built
			if dir != "" {
				info, err := os.Stat(dir)
				if err != nil {
					return fmt.Errorf("--dir: %w", err)
				}
				if !info.IsDir() {
					return fmt.Errorf("--dir %s: not a directory", dir)
				}
				page = os.DirFS(dir)
			}
			if page == nil {
				return fmt.Errorf("this refguard was built without the sandbox page (go install leaves its 40 MB engine out): use a release binary, or serve a built page with --dir (make web builds one in web/dist; releases ship refguard-web_VERSION.tar.gz)")
			}
			if err := webpage.Complete(page); err != nil {
				return fmt.Errorf("--dir %s: %w", dir, err)
			}
			return serve(cmd, addr, page)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&webPage, "web", false, "serve the sandbox page")
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "loopback address to listen on (port 0 picks a free one)")
	f.StringVar(&dir, "dir", "", "serve the built page in this directory instead of the one in the binary")
	return cmd
}

// serve listens on addr and serves the page until interrupted.
func serve(cmd *cobra.Command, addr string, page fs.FS) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: webpage.Handler(page), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "refguard: serving the sandbox page on http://%s/ (Ctrl+C stops)\n", ln.Addr())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
