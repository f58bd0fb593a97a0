package fleet

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSnapshotRoundTripSortedKeys(t *testing.T) {
	store := t.TempDir()
	run, err := CreateRun(store, RunRecord{StartedAt: time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)}, hostsNamed(1))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(run.Path) != "2026-11-28T180501Z" {
		t.Errorf("run dir = %s", run.Path)
	}
	s := &Snapshot{SchemaVersion: SchemaVersion, Host: "h000", Status: HostOK,
		Probes: map[string]ProbeResult{"os": {Status: ProbeOK}},
		Facts:  Facts{OS: &OS{Uname: "Linux x", CPUs: 2}}}
	if err := run.WriteSnapshot(s); err != nil {
		t.Fatal(err)
	}
	b := gunzipFile(t, filepath.Join(run.Path, "h000.json.gz"))
	text := string(b)
	if i, j := strings.Index(text, `"duration_ms"`), strings.Index(text, `"host"`); i < 0 || j < 0 || i > j {
		t.Errorf("keys not sorted:\n%s", text)
	}
	got, err := ReadSnapshot(filepath.Join(run.Path, "h000.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Facts.OS == nil || got.Facts.OS.CPUs != 2 || got.Probes["os"].Status != ProbeOK {
		t.Errorf("round trip lost facts: %+v", got)
	}
	// A second run in the same second gets its own directory.
	run2, err := CreateRun(store, RunRecord{StartedAt: time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)}, nil)
	if err != nil || run2.Path == run.Path {
		t.Errorf("second run dir %v, %v", run2, err)
	}
	latest, err := LatestRun(store)
	if err != nil || latest != run2.Path {
		t.Errorf("LatestRun = %s, %v; want %s", latest, err, run2.Path)
	}
}

func TestReadSnapshotRejectsNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(path, []byte(`{"schema_version": 99, "host": "x"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSnapshot(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("ReadSnapshot = %v, want a newer-schema error", err)
	}
}

// TestSnapshotsAreStandardGzip: a real-sized snapshot as collect writes
// it is standard gzip: compress/gzip and zcat both read back the sorted
// JSON that was written, byte for byte.
func TestSnapshotsAreStandardGzip(t *testing.T) {
	run, err := CreateRun(t.TempDir(), RunRecord{StartedAt: time.Now()}, hostsNamed(1))
	if err != nil {
		t.Fatal(err)
	}
	mods := &PerlModules{}
	for i := range 3000 { // some 400 kB of JSON: several deflate blocks
		mods.Modules = append(mods.Modules, PerlModule{Name: fmt.Sprintf("Mod%d::Sub%d", i, i*7919%1000), Loads: i%3 != 0,
			Copies: []ModuleCopy{{Path: fmt.Sprintf("/usr/share/perl5/Mod%d/Sub%d.pm", i, i%97), Version: fmt.Sprintf("%d.%02d", i%9, i%89)}}})
	}
	s := &Snapshot{SchemaVersion: SchemaVersion, Host: "h000", Status: HostOK,
		Probes: map[string]ProbeResult{ProbePerlModules: {Status: ProbeOK}}, Facts: Facts{PerlModules: mods}}
	if err := run.WriteSnapshot(s); err != nil {
		t.Fatal(err)
	}
	want, err := MarshalSorted(s)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(run.Path, SnapshotFile("h000"))
	if got := gunzipFile(t, path); !bytes.Equal(got, want) {
		t.Errorf("compress/gzip reads %d bytes, want the %d bytes of MarshalSorted", len(got), len(want))
	}
	zcat, err := exec.LookPath("zcat")
	if err != nil {
		t.Skip("no zcat")
	}
	got, err := exec.Command(zcat, path).Output()
	if err != nil {
		t.Fatalf("zcat %s: %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("zcat reads %d bytes, want the %d bytes of MarshalSorted", len(got), len(want))
	}
}

// gunzipFile reads a gzip-compressed file.
func gunzipFile(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

// TestRunReadsPlainAndCompressed: a run directory may hold compressed
// snapshots (as collect writes them) and plain ones (older runs, or a
// file a user gunzipped); both read back the same, and run.json names the
// file each host has.
func TestRunReadsPlainAndCompressed(t *testing.T) {
	run, err := CreateRun(t.TempDir(), RunRecord{StartedAt: time.Now()}, hostsNamed(3))
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*Snapshot
	for i, h := range []string{"h000", "h001", "h002"} {
		s := &Snapshot{SchemaVersion: SchemaVersion, Host: h, Status: HostOK,
			Probes: map[string]ProbeResult{"os": {Status: ProbeOK}}, Facts: Facts{OS: &OS{CPUs: i + 1}}}
		snaps = append(snaps, s)
		if err := run.WriteSnapshot(s); err != nil {
			t.Fatal(err)
		}
	}
	// h001 is stored plain, as older versions wrote it.
	plain := gunzipFile(t, filepath.Join(run.Path, SnapshotFile("h001")))
	if err := os.Remove(filepath.Join(run.Path, SnapshotFile("h001"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run.Path, PlainSnapshotFile("h001")), plain, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run.Finish(snaps, time.Now(), false); err != nil {
		t.Fatal(err)
	}
	rec, got, err := ReadRun(run.Path)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range got {
		if s.Status != HostOK || s.Facts.OS == nil || s.Facts.OS.CPUs != i+1 {
			t.Errorf("%s: %s %q, facts %+v", s.Host, s.Status, s.Error, s.Facts.OS)
		}
	}
	if rec.Hosts[0].File != "h000.json.gz" || rec.Hosts[1].File != "h001.json" {
		t.Errorf("run.json files: %q, %q", rec.Hosts[0].File, rec.Hosts[1].File)
	}
	// A compressed snapshot under any name reads as one.
	other := filepath.Join(t.TempDir(), "golden.json")
	b, _ := os.ReadFile(filepath.Join(run.Path, SnapshotFile("h002")))
	if err := os.WriteFile(other, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := ReadSnapshot(other); err != nil || s.Facts.OS.CPUs != 3 {
		t.Errorf("ReadSnapshot of a compressed golden.json: %+v, %v", s, err)
	}
	// Bytes after the JSON value are an error, as they always were.
	if err := os.WriteFile(other, append(plain, "{}"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSnapshot(other); err == nil {
		t.Error("trailing data accepted")
	}
}
