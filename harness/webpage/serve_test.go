package webpage_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/refguard/refguard/harness/webpage"
)

func gz(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func get(t *testing.T, h http.Handler, method, path, encoding string) *http.Response {
	req := httptest.NewRequest(method, path, nil)
	if encoding != "" {
		req.Header.Set("Accept-Encoding", encoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesTheEngineCompressedOrNot(t *testing.T) {
	engine := []byte("\x00asm-the-engine")
	page := fstest.MapFS{
		"index.html":       {Data: []byte("<!doctype html>")},
		"app.js":           {Data: []byte("")},
		"style.css":        {Data: []byte("")},
		webpage.GoSupport:  {Data: []byte("")},
		webpage.EngineGzip: {Data: gz(t, engine)},
	}
	require.NoError(t, webpage.Complete(page), "the gzipped engine alone is a page (release binaries embed only it)")
	h := webpage.Handler(page)

	res := get(t, h, http.MethodGet, "/", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, webpage.ContentSecurityPolicy, res.Header.Get("Content-Security-Policy"))
	require.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))

	res = get(t, h, http.MethodGet, "/"+webpage.Engine, "br, gzip")
	require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	require.Equal(t, "application/wasm", res.Header.Get("Content-Type"))
	zr, err := gzip.NewReader(res.Body)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, engine, b)

	res = get(t, h, http.MethodGet, "/"+webpage.Engine, "gzip;q=0")
	require.Empty(t, res.Header.Get("Content-Encoding"))
	b, err = io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, engine, b, "expanded for a browser that takes no gzip")

	res = get(t, h, http.MethodPost, "/", "")
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)

	delete(page, webpage.EngineGzip)
	require.ErrorContains(t, webpage.Complete(page), "no refguard.wasm")
	delete(page, "index.html")
	require.ErrorContains(t, webpage.Complete(page), "no index.html")
}

func TestServeListensOnLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8080", "[::1]:0", "localhost:9000", "127.0.0.2:80"} {
		require.NoError(t, webpage.Loopback(ok), ok)
	}
	for _, bad := range []string{"0.0.0.0:8080", ":8080", "[::]:80", "192.168.1.10:80", "example.com:80", "8080"} {
		require.Error(t, webpage.Loopback(bad), bad)
	}
}
