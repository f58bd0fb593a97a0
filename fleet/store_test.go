package fleet

import (
	"os"
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
	b, err := os.ReadFile(filepath.Join(run.Path, "h000.json"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	if i, j := strings.Index(text, `"duration_ms"`), strings.Index(text, `"host"`); i < 0 || j < 0 || i > j {
		t.Errorf("keys not sorted:\n%s", text)
	}
	got, err := ReadSnapshot(filepath.Join(run.Path, "h000.json"))
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
