package fleettest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "golden")
	want := map[string][]byte{"a.json": []byte("one\ntwo\n"), filepath.Join("before", "b.json"): []byte("three\n")}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, want, false) }); !strings.Contains(got, "run go test -update") {
		t.Errorf("missing golden files: %q, want a failure saying how to write them", got)
	}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, want, true) }); got != "" {
		t.Fatalf("update: %s", got)
	}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, want, false) }); got != "" {
		t.Errorf("after update: %s", got)
	}
	changed := map[string][]byte{"a.json": []byte("one\n2\n"), filepath.Join("before", "b.json"): want[filepath.Join("before", "b.json")]}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, changed, false) }); !strings.Contains(got, "a.json is out of date") || !strings.Contains(got, "line 2:\n- two\n+ 2") {
		t.Errorf("changed file: %q, want it named with its first differing line", got)
	}
	if err := os.WriteFile(filepath.Join(dir, "stray.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, want, false) }); !strings.Contains(got, "stray.json is out of date: nothing makes it") {
		t.Errorf("stray file: %q", got)
	}
	if got := Failures(t, func(tb testing.TB) { CheckDir(tb, dir, want, true) }); got != "" {
		t.Fatalf("update: %s", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "stray.json")); err == nil {
		t.Error("update left a file nothing makes")
	}
}
