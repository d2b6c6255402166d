//go:build !sandbox

package web

import "io/fs"

// Built is the built page (make web), when this binary was built with
// -tags sandbox after it, as release binaries are; nil otherwise (go
// install leaves the 40 MB engine out).
var Built fs.FS
