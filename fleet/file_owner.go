//go:build unix

package fleet

import (
	"io/fs"
	"os"
	"syscall"
)

// keepOwner gives f the owner and group of old, when this process may
// (root may; others keep the file as theirs, as any editor does).
func keepOwner(f *os.File, old fs.FileInfo) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok || os.Geteuid() != 0 {
		return nil
	}
	if int(st.Uid) == os.Geteuid() && int(st.Gid) == os.Getegid() {
		return nil
	}
	return f.Chown(int(st.Uid), int(st.Gid))
}
