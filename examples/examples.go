// Package examples holds the incidents of the backendRef troubleshooting
// guide as runnable manifests; `refguard check` with no path checks them.
package examples

import "embed"

// FS holds the example manifests.
//
//go:embed *.yaml
var FS embed.FS
