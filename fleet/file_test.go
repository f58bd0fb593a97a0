//go:build linux

package fleet

import (
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestWriteFileNewAndRegular(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")
	if err := WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := syscall.Umask(0)
	syscall.Umask(old)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644&^fs.FileMode(old) {
		t.Errorf("new file mode = %v, want 0644 less umask %03o", fi.Mode().Perm(), old)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	if err := WriteFile(path, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Stat(path)
	if after.Mode().Perm() != 0o600 {
		t.Errorf("replaced 0600 file has mode %v, want 0600 kept", after.Mode().Perm())
	}
	if os.SameFile(before, after) {
		t.Error("a regular file was written in place, want an atomic rename")
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Errorf("content = %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWritePrivateFileTightensMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "map.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WritePrivateFile(path, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("private file mode = %v, want 0600", fi.Mode().Perm())
	}
}

// TestWriteFileCharDevice writes to a null device node made in a temporary
// directory (major 1, minor 3: the semantics of /dev/null, which this test
// never touches): the node must still be the same device afterwards.
func TestWriteFileCharDevice(t *testing.T) {
	dir := t.TempDir()
	node := filepath.Join(dir, "null")
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, int(mkdev(1, 3))); err != nil {
		t.Skipf("mknod needs root: %v", err)
	}
	for _, path := range []string{node, symlink(t, node, filepath.Join(dir, "link"))} {
		if err := WriteFile(path, []byte("report"), 0o644); err != nil {
			t.Fatalf("WriteFile(%s): %v", path, err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode()&fs.ModeCharDevice == 0 || st.Rdev != mkdev(1, 3) {
			t.Errorf("%s is now %v (rdev %d): the device was replaced", path, fi.Mode(), st.Rdev)
		}
	}
	if li, _ := os.Lstat(filepath.Join(dir, "link")); li.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left beside the device: %v", entries)
	}
}

func TestWriteFileFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := symlink(t, fifo, filepath.Join(dir, "link"))
	for _, path := range []string{fifo, link} {
		got := make(chan string)
		go func() {
			b, err := os.ReadFile(fifo)
			got <- string(b) + fmt.Sprint(err)
		}()
		if err := WriteFile(path, []byte("through the pipe"), 0o644); err != nil {
			t.Fatal(err)
		}
		if s := <-got; s != "through the pipe<nil>" {
			t.Errorf("reader of %s got %q", path, s)
		}
		if fi, _ := os.Stat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
			t.Errorf("the FIFO was replaced by %v", fi.Mode())
		}
	}
}

func TestWriteFileSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan string)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(c)
		c.Close()
		got <- string(b)
	}()
	if err := WriteFile(sock, []byte("to the socket"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "to the socket" {
		t.Errorf("socket got %q", s)
	}
	if fi, _ := os.Stat(sock); fi.Mode()&fs.ModeSocket == 0 {
		t.Errorf("the socket was replaced by %v", fi.Mode())
	}
}

func TestWriteFileSymlinkToRegular(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := symlink(t, target, filepath.Join(dir, "link.json"))
	if err := WriteFile(link, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if li, _ := os.Lstat(link); li.Mode()&fs.ModeSymlink == 0 {
		t.Error("the symbolic link was replaced by a file")
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q, want new", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode = %v, want 0600 kept", fi.Mode().Perm())
	}
	// A dangling link gets its target created through it.
	dangling := symlink(t, filepath.Join(dir, "later.json"), filepath.Join(dir, "dangling"))
	if err := WriteFile(dangling, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "later.json")); string(b) != "x" {
		t.Errorf("dangling link target holds %q", b)
	}
}

func TestWriteFileDirectory(t *testing.T) {
	dir := t.TempDir()
	err := WriteFile(dir, []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("WriteFile(dir) = %v, want a directory error", err)
	}
}

func symlink(t *testing.T, target, link string) string {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// mkdev builds a Linux device number.
func mkdev(major, minor uint64) uint64 {
	return (major&0xfff)<<8 | (minor & 0xff) | (major&^0xfff)<<32 | (minor&^0xff)<<12
}

// TestSyncFileSystem: a run directory's file system syncs; a directory
// that is not there is an error that names it.
func TestSyncFileSystem(t *testing.T) {
	dir := t.TempDir()
	if err := writeFileUnsynced(filepath.Join(dir, "a.json.gz"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syncFileSystem(dir); err != nil {
		t.Errorf("syncFileSystem(%s) = %v", dir, err)
	}
	missing := filepath.Join(dir, "gone")
	if err := syncFileSystem(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("syncFileSystem(missing) = %v, want an error naming %s", err, missing)
	}
}
