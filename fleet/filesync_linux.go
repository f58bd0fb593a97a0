package fleet

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFileSystem makes everything written to the file system that holds
// dir durable, in one call (syncfs(2)) rather than a sync per file.
func syncFileSystem(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return &os.PathError{Op: "syncfs", Path: dir, Err: err}
	}
	return nil
}
