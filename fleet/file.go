package fleet

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// WriteFile writes data to path, the one way fleetcheck writes a file
// (reports, run directories, the redaction mapping, recordings).
//
// A new path, or an existing regular file (also behind symbolic links), is
// written to a temporary file in the same directory, synced and renamed
// over it, so that no reader ever sees half a file; an existing file keeps
// its permission bits (and, for root, its owner), a new one gets perm less
// the umask. Anything else is never replaced: a character or block device
// (/dev/null, a terminal), a FIFO, or a symbolic link to one is opened and
// written in place, and a Unix socket is connected to and written to. A
// directory is an error.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return writeFile(path, data, perm, false, true)
}

// WritePrivateFile is WriteFile for a file only its owner may read, such
// as the redaction mapping: a regular file ends with mode 0600 whatever its
// mode was before (a device or FIFO is written in place as it is).
func WritePrivateFile(path string, data []byte) error {
	return writeFile(path, data, 0o600, true, true)
}

// writeFileUnsynced is WriteFile without the sync before the rename: a
// reader still never sees half a file, and the file survives the end of
// the process, but not a crash of the machine until the file system is
// synced (see syncFileSystem).
func writeFileUnsynced(path string, data []byte, perm fs.FileMode) error {
	return writeFile(path, data, perm, false, false)
}

func writeFile(path string, data []byte, perm fs.FileMode, private, sync bool) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if li, lerr := os.Lstat(path); lerr == nil && li.Mode()&fs.ModeSymlink != 0 {
			// A dangling link: create its target through it, never replace the link.
			return writeInPlace(path, data, perm, os.O_CREATE|os.O_TRUNC)
		}
		return replace(path, data, perm, nil, sync)
	case err != nil:
		return err
	case fi.IsDir():
		return fmt.Errorf("%s: is a directory", path)
	case fi.Mode().IsRegular():
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return err
		}
		mode := fi.Mode().Perm()
		if private {
			mode = 0o600
		}
		return replace(target, data, mode, fi, sync)
	case fi.Mode()&fs.ModeSocket != 0:
		return writeSocket(path, data)
	}
	return writeInPlace(path, data, 0, 0)
}

// replace writes a temporary file beside path, syncs it if sync is set,
// and renames it over path. old is the file being replaced, nil for a new
// one.
func replace(path string, data []byte, mode fs.FileMode, old fs.FileInfo, sync bool) (err error) {
	f, tmp, err := createTemp(path, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if old != nil {
		// The umask applied at creation; an existing file's mode is kept as it was.
		if err := f.Chmod(mode); err != nil {
			return err
		}
		if err := keepOwner(f, old); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// createTemp creates a new file beside path, with mode less the umask.
func createTemp(path string, mode fs.FileMode) (*os.File, string, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	var b [6]byte
	for range 100 {
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		tmp := filepath.Join(dir, "."+base+".tmp"+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, mode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", fmt.Errorf("%s: no free temporary name", path)
}

// writeInPlace opens path (following links) and writes data into it.
func writeInPlace(path string, data []byte, perm fs.FileMode, flags int) error {
	f, err := os.OpenFile(path, os.O_WRONLY|flags, perm)
	if err != nil {
		return err
	}
	return writeClose(f, data)
}

// writeSocket connects to a Unix stream socket and writes data to it.
func writeSocket(path string, data []byte) error {
	c, err := net.Dial("unix", path)
	if err != nil {
		return err
	}
	return writeClose(c, data)
}

func writeClose(w io.WriteCloser, data []byte) error {
	if _, err := w.Write(data); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}
