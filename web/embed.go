// Package web holds the sandbox page's own files (the HTML, CSS and
// JavaScript); `make web` adds the engine, built from ./web/wasm, and Go's
// wasm_exec.js beside them in web/dist (harness/webpage).
package web

import "embed"

// Static is the page's hand-written files.
//
//go:embed index.html app.js style.css
var Static embed.FS

// StaticFiles names Static's files.
var StaticFiles = []string{"index.html", "app.js", "style.css"}
