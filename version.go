// Package refguard holds the facts about the module itself that files
// outside Go read too: the release version lives in the VERSION file, which
// the Makefile, the GitHub Action and the release workflow read.
package refguard

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var versionFile string

// Version is the release this source tree prepares, from the VERSION file.
func Version() string { return strings.TrimSpace(versionFile) }
