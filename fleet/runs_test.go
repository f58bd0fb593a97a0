package fleet

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestListRunsAndReadRunHost(t *testing.T) {
	store := t.TempDir()
	start := time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)
	var dirs []string
	for i, hosts := range [][]Host{{{Name: "a"}, {Name: "b"}}, {{Name: "b"}}, {{Name: "a"}}} {
		run, err := CreateRun(store, RunRecord{StartedAt: start.Add(-time.Duration(i) * time.Hour)}, hosts)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append([]string{run.Path}, dirs...) // each run is an hour older
		if i == 0 {
			s := &Snapshot{SchemaVersion: SchemaVersion, Host: "a", Status: HostOK}
			if err := run.WriteSnapshot(s); err != nil {
				t.Fatal(err)
			}
			if err := run.Finish([]*Snapshot{s}, start, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.Mkdir(filepath.Join(store, "not-a-run"), 0o755)
	runs, err := ListRuns(store)
	if err != nil || len(runs) != 3 || runs[0] != dirs[0] || runs[2] != dirs[2] {
		t.Fatalf("ListRuns = %v, %v; want %v", runs, err, dirs)
	}
	rec, s, err := ReadRunHost(runs[2], "a")
	if err != nil || s == nil || s.Status != HostOK || !rec.StartedAt.Equal(start) {
		t.Errorf("newest run, host a: %+v %+v %v", rec, s, err)
	}
	if _, s, err := ReadRunHost(runs[2], "b"); err != nil || s == nil || s.Status != HostNotCollected {
		t.Errorf("newest run, host b without a snapshot: %+v %v", s, err)
	}
	if _, s, err := ReadRunHost(runs[1], "a"); err != nil || s != nil {
		t.Errorf("a run without host a: %+v %v", s, err)
	}
	if _, s, err := ReadRunHost(runs[0], "a"); err != nil || s == nil || s.Status != HostInterrupted {
		t.Errorf("an unfinished run's host: %+v %v", s, err)
	}
	if _, err := ListRuns(filepath.Join(store, "nope")); err == nil {
		t.Error("ListRuns of a missing store: no error")
	}
}
