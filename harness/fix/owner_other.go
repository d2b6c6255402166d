//go:build !unix

package fix

import (
	"io/fs"
	"os"
)

// chown is a no-op where files have no Unix owner.
func chown(*os.File, fs.FileInfo) {}
