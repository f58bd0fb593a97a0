package preflight

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Bounds on what Open reads. A shipped release has a few hundred entries
// and tens of megabytes; these leave room and stop a decompression bomb.
const (
	maxEntries   = 50000
	maxTarBytes  = 2 << 30 // bytes decompressed, headers and skipped bodies
	maxDirDepth  = 6
	maxReqBytes  = 1 << 20
	maxNameBytes = 4096
)

// bounds limit one read of a tar stream.
type bounds struct {
	entries int
	bytes   int64
}

var openBounds = bounds{entries: maxEntries, bytes: maxTarBytes}

// Open reads the release at path: a gzip-compressed or plain tar archive
// of a MailScanner installer, an unpacked directory of one, or a
// requirements file. Only entry names are read; nothing is unpacked.
// Errors name the path and wrap ErrEmpty, ErrCorrupt, ErrNotRelease,
// ErrNoDists or ErrTooLarge, or the os error.
func Open(path string) (*Release, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	var names []string
	if fi.IsDir() {
		names, err = dirNames(path)
	} else {
		var req *Release
		names, req, err = fileNames(path)
		if req != nil {
			return req, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("release %s: %w", path, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("release %s: %w", path, ErrEmpty)
	}
	r := build(path, names)
	if len(r.Dists) == 0 {
		return nil, fmt.Errorf("release %s: %d entries: %w", path, len(names), ErrNoDists)
	}
	return r, nil
}

// fileNames returns the entry names of an archive, or the release of a
// requirements file.
func fileNames(path string) ([]string, *Release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1024)
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, err
	}
	switch {
	case len(head) == 0:
		return nil, nil, ErrEmpty
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: gzip: %w", ErrCorrupt, err)
		}
		defer zr.Close()
		names, err := tarNames(zr, openBounds)
		return names, nil, err
	case isTar(head):
		names, err := tarNames(br, openBounds)
		return names, nil, err
	case looksCompressed(path):
		return nil, nil, fmt.Errorf("%w: named like an archive but not gzip or tar data", ErrCorrupt)
	}
	r, err := readRequirements(path, br)
	return nil, r, err
}

// isTar reports whether a block is a tar header: the ustar magic at 257,
// or (old V7 tar) a valid header checksum.
func isTar(head []byte) bool {
	if len(head) < 512 {
		return false
	}
	if bytes.HasPrefix(head[257:], []byte("ustar")) {
		return true
	}
	_, err := tar.NewReader(bytes.NewReader(head)).Next()
	return err == nil || errors.Is(err, io.ErrUnexpectedEOF)
}

func looksCompressed(path string) bool {
	for _, ext := range []string{".gz", ".tgz", ".tar", ".bz2", ".rpm"} {
		if strings.HasSuffix(strings.ToLower(path), ext) {
			return true
		}
	}
	return false
}

// tarNames lists the regular files of a tar stream, within the bounds.
// Bodies are skipped, never looked at.
func tarNames(r io.Reader, b bounds) ([]string, error) {
	lr := &limitReader{r: r, n: b.bytes}
	tr := tar.NewReader(lr)
	var names []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names, nil
		}
		if lr.hit {
			return nil, fmt.Errorf("%w: more than %d bytes decompressed", ErrTooLarge, b.bytes)
		}
		if err != nil {
			if len(names) == 0 {
				return nil, fmt.Errorf("%w: not a tar archive: %w", ErrCorrupt, err)
			}
			return nil, fmt.Errorf("%w: after %d entries: %w", ErrCorrupt, len(names), err)
		}
		if len(names) >= b.entries {
			return nil, fmt.Errorf("%w: more than %d entries", ErrTooLarge, b.entries)
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeSymlink { // Next reports old-style TypeRegA entries as TypeReg
			continue
		}
		if len(h.Name) > maxNameBytes {
			continue
		}
		names = append(names, h.Name)
	}
}

// limitReader reads at most n bytes and remembers when it stopped.
type limitReader struct {
	r   io.Reader
	n   int64
	hit bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		l.hit = true
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// dirNames lists the files of an unpacked release, relative to dir, to a
// bounded depth, without following symbolic links to directories.
func dirNames(dir string) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel != "." && strings.Count(filepath.ToSlash(rel), "/") >= maxDirDepth {
				return fs.SkipDir
			}
			return nil
		}
		if len(names) >= maxEntries {
			return fmt.Errorf("%w: more than %d files", ErrTooLarge, maxEntries)
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	return names, err
}
