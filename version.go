// Package refguard holds the facts about the module itself that files
// outside Go read too: the release version lives in the VERSION file, which
// the Makefile, the GitHub Action and the release workflow read, and the
// release build stamps it with the commit into this package.
package refguard

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var versionFile string

// Stamped by the release build (-ldflags "-X
// github.com/refguard/refguard.stampedVersion=… -X
// github.com/refguard/refguard.stampedCommit=…"); empty in any other build.
var stampedVersion, stampedCommit string

// Version is the release version: the one the release build stamped, else
// the VERSION file's (the release workflow refuses a tag that differs from
// that file, so both are the same in a release). It is also the embedded
// policy's bundle revision.
func Version() string {
	if stampedVersion != "" {
		return stampedVersion
	}
	return strings.TrimSpace(versionFile)
}

// Commit is the source revision the release build stamped ("" in any
// other build; the CLI then reads the Go toolchain's build information).
func Commit() string { return stampedCommit }
