// Package policy holds the refguard Rego policy: the single source of every
// finding. The Go harness embeds it; conftest reads the directory as it is.
package policy

import "embed"

// FS holds every Rego module (tests included; loaders skip *_test.rego).
//
//go:embed lib main refguard
var FS embed.FS
