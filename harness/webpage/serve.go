package webpage

import (
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
)

// ContentSecurityPolicy is what the page may load: its own files, and
// nothing once loaded (connect-src 'self' is the engine's fetch). The
// page's <meta> says the same for static hosts that send no header.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Complete reports whether fsys holds a built page.
func Complete(fsys fs.FS) error {
	for _, name := range []string{"index.html", "app.js", "style.css", GoSupport} {
		if _, err := fs.Stat(fsys, name); err != nil {
			return fmt.Errorf("no %s: not a built sandbox page (make web builds one in web/dist)", name)
		}
	}
	if _, err := fs.Stat(fsys, Engine); err == nil {
		return nil
	}
	if _, err := fs.Stat(fsys, EngineGzip); err != nil {
		return fmt.Errorf("no %s: not a built sandbox page (make web builds one in web/dist)", Engine)
	}
	return nil
}

// Handler serves a built page: the engine gzipped when the browser accepts
// it and the page holds the gzipped copy (expanded for one that does not,
// when that is the only copy), every response with the content
// security policy, nothing cached (a rebuilt engine must not meet an old
// wasm_exec.js), and only GET and HEAD.
func Handler(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "the sandbox page is static", http.StatusMethodNotAllowed)
			return
		}
		if path.Clean(r.URL.Path) == "/"+Engine {
			if _, err := fs.Stat(fsys, EngineGzip); err == nil {
				h.Set("Content-Type", "application/wasm")
				h.Add("Vary", "Accept-Encoding")
				if acceptsGzip(r) {
					h.Set("Content-Encoding", "gzip")
					http.ServeFileFS(w, r, fsys, EngineGzip)
					return
				}
				if _, err := fs.Stat(fsys, Engine); err != nil {
					serveExpanded(w, fsys)
					return
				}
			}
		}
		files.ServeHTTP(w, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "gzip" && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// Loopback refuses an address that is not on this machine's loopback
// interface: the page is served for the person at this machine, and the
// pasted manifests never leave their browser either way, but a sandbox
// reachable from the network is not what `serve` promises.
func Loopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port, like 127.0.0.1:8080", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %q: serve listens on loopback only (127.0.0.1, ::1 or localhost); put the built page on a static host to share it", addr)
}

// serveExpanded sends the gzipped engine expanded.
func serveExpanded(w http.ResponseWriter, fsys fs.FS) {
	f, err := fsys.Open(EngineGzip)
	if err != nil {
		http.Error(w, "engine missing", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		http.Error(w, "engine damaged", http.StatusInternalServerError)
		return
	}
	_, _ = io.Copy(w, zr) // a client that went away is nobody's error
}
