package fleet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadRunIsolatesBadSnapshots: a corrupt snapshot, a snapshot of
// another host, a host name that is a path and a duplicate entry each make
// that one host an error with the reason; the good host is read as usual.
func TestReadRunIsolatesBadSnapshots(t *testing.T) {
	store := t.TempDir()
	run, err := CreateRun(store, RunRecord{StartedAt: time.Now()}, hostsNamed(4))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"h000", "h002"} {
		if err := run.WriteSnapshot(&Snapshot{SchemaVersion: SchemaVersion, Host: h, Status: HostOK,
			Probes: map[string]ProbeResult{"os": {Status: ProbeOK}}}); err != nil {
			t.Fatal(err)
		}
	}
	// h001's file is corrupt; h003's file holds h002's snapshot.
	if err := os.WriteFile(filepath.Join(run.Path, "h001.json"), []byte(`{"host": "h001", `), 0o644); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(run.Path, SnapshotFile("h002")))
	if err := os.WriteFile(filepath.Join(run.Path, SnapshotFile("h003")), b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A host file outside the run directory that run.json must not reach.
	outside := filepath.Join(store, "victim.json")
	if err := os.WriteFile(outside, b, 0o644); err != nil {
		t.Fatal(err)
	}
	run.Record.Hosts = append(run.Record.Hosts, RunHost{Host: "../victim", Status: HostOK}, RunHost{Host: "h000", Status: HostOK})
	if err := run.Finish(nil, time.Now(), false); err != nil {
		t.Fatal(err)
	}
	_, snaps, err := ReadRun(run.Path)
	if err != nil {
		t.Fatalf("ReadRun failed as a whole: %v", err)
	}
	want := []struct {
		host   string
		status HostStatus
		reason string
	}{
		{"h000", HostOK, ""},
		{"h001", HostError, "snapshot unreadable"},
		{"h002", HostOK, ""},
		{"h003", HostError, `holds the snapshot of host "h002"`},
		{"../victim", HostError, "not a valid host name"},
		{"h000", HostError, "twice"},
	}
	if len(snaps) != len(want) {
		t.Fatalf("%d snapshots, want %d: %+v", len(snaps), len(want), snaps)
	}
	for i, w := range want {
		s := snaps[i]
		if s.Host != w.host || s.Status != w.status || !strings.Contains(s.Error, w.reason) {
			t.Errorf("snapshot %d = %s %s %q, want %s %s containing %q", i, s.Host, s.Status, s.Error, w.host, w.status, w.reason)
		}
	}
}

// TestReadSnapshotTruncatedIsPartial: a snapshot stored as ok by an older
// version with a truncated probe reads back as partial.
func TestReadSnapshotTruncatedIsPartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(path, []byte(`{"schema_version": 1, "host": "x", "status": "ok", "probes": {"os": {"status": "ok"}, "mailscanner_lint": {"status": "truncated"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != HostPartial {
		t.Errorf("status %s, want partial", s.Status)
	}
}
