//go:build unix

package fix

import (
	"io/fs"
	"os"
	"syscall"
)

// chown gives a replacement file its original's owner; only root may, and
// for anyone else the file is theirs already.
func chown(f *os.File, info fs.FileInfo) {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		f.Chown(int(st.Uid), int(st.Gid))
	}
}
