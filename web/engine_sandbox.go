//go:build sandbox

package web

import (
	"embed"
	"io/fs"
)

//go:embed dist/index.html dist/app.js dist/style.css dist/wasm_exec.js dist/refguard.wasm.gz
var built embed.FS

// Built is the built page (make web), embedded because this binary was
// built with -tags sandbox; the engine is held gzipped only.
var Built fs.FS = mustSub(built, "dist")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
