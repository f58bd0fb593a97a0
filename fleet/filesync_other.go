//go:build !linux

package fleet

import (
	"errors"
	"os"
	"path/filepath"
)

// syncFileSystem makes the files of dir and dir itself durable, one sync
// each (systems without syncfs(2)).
func syncFileSystem(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range append(entries, nil) {
		p := dir
		if e != nil {
			if !e.Type().IsRegular() {
				continue
			}
			p = filepath.Join(dir, e.Name())
		}
		f, err := os.Open(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := f.Sync(); err != nil && e != nil { // some systems cannot sync a directory
			errs = append(errs, err)
		}
		f.Close()
	}
	return errors.Join(errs...)
}
