//go:build linux

package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// driftArgs compares a stored snapshot with itself: a quick report with no
// SSH behind it.
func driftArgs(t *testing.T) []string {
	t.Helper()
	snap := filepath.Join("..", "..", "compare", "testdata", "scenarios", "drift", "mail01.json")
	if _, err := os.Stat(snap); err != nil {
		t.Fatal(err)
	}
	return []string{"drift", "--before", snap, "--after", snap, "--format", "json"}
}

func TestOutputToCharDeviceWritesInPlace(t *testing.T) {
	dir := t.TempDir()
	node := filepath.Join(dir, "null")
	// major 1 minor 3: /dev/null's semantics, made here, never under /dev.
	if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
		t.Skipf("mknod needs root: %v", err)
	}
	if code, _, stderr := runCLI(t, nil, append(driftArgs(t), "-o", node)...); code != exitOK {
		t.Fatalf("drift -o %s: exit %d\n%s", node, code, stderr)
	}
	fi, err := os.Stat(node)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeCharDevice == 0 || fi.Sys().(*syscall.Stat_t).Rdev != 1<<8|3 {
		t.Errorf("-o replaced the device node with %v", fi.Mode())
	}
}

func TestOutputToFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until the report is written and closed
		got <- b
	}()
	if code, _, stderr := runCLI(t, nil, append(driftArgs(t), "-o", fifo)...); code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var rep jsonReport
	if b := <-got; json.Unmarshal(b, &rep) != nil || len(rep.Hosts) != 1 {
		t.Errorf("the FIFO's reader got %q, want the JSON report", b)
	}
	if fi, _ := os.Stat(fifo); fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("-o replaced the FIFO with %v", fi.Mode())
	}
}

func TestOutputKeepsModeAndLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "report.json")
	if err := os.WriteFile(target, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{target, link} {
		if code, _, stderr := runCLI(t, nil, append(driftArgs(t), "-o", path)...); code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 || fi.Size() == 0 {
		t.Errorf("report mode %v size %d, want 0600 kept and the report written", fi.Mode().Perm(), fi.Size())
	}
	if li, _ := os.Lstat(link); li.Mode()&fs.ModeSymlink == 0 {
		t.Error("-o replaced the symbolic link with a file")
	}
}

func TestOutputDashIsStdout(t *testing.T) {
	code, out, stderr := runCLI(t, nil, append(driftArgs(t), "-o", "-")...)
	var rep jsonReport
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil {
		t.Fatalf("-o -: exit %d, stdout %q\n%s", code, out, stderr)
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error(`-o - created a file named "-"`)
	}
}

func TestMappingPathBesideFilesOnly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ output, flag, want string }{
		{"", "", "fleetcheck-redaction.json"},
		{"-", "", "fleetcheck-redaction.json"},
		{fifo, "", "fleetcheck-redaction.json"},
		{filepath.Join(dir, "new.md"), "", filepath.Join(dir, "new.md.redaction.json")},
		{fifo, "/x/map.json", "/x/map.json"},
	} {
		r := reportFlags{output: tc.output, redactMap: tc.flag}
		if got := r.mappingPath(); got != tc.want {
			t.Errorf("mappingPath(-o %q --redact-map %q) = %q, want %q", tc.output, tc.flag, got, tc.want)
		}
	}
}
