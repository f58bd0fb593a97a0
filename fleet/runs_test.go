package fleet

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestListRunsAndReadRunsHost(t *testing.T) {
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
	recs, snaps, err := ReadRunsHost(runs, "a")
	if err != nil || len(recs) != 3 || len(snaps) != 3 {
		t.Fatalf("ReadRunsHost: %d records, %d snapshots, %v", len(recs), len(snaps), err)
	}
	if s := snaps[2]; s == nil || s.Status != HostOK || !recs[2].StartedAt.Equal(start) {
		t.Errorf("newest run, host a: %+v %+v", recs[2], s)
	}
	if s := snaps[1]; s != nil {
		t.Errorf("a run without host a: %+v", s)
	}
	if s := snaps[0]; s == nil || s.Status != HostInterrupted {
		t.Errorf("an unfinished run's host: %+v", s)
	}
	if _, snaps, err := ReadRunsHost(runs[2:], "b"); err != nil || snaps[0] == nil || snaps[0].Status != HostNotCollected {
		t.Errorf("newest run, host b without a snapshot: %+v %v", snaps, err)
	}
	if _, _, err := ReadRunsHost(append(runs, filepath.Join(store, "not-a-run")), "a"); err == nil {
		t.Error("a directory without run.json: no error")
	}
	if _, err := ListRuns(filepath.Join(store, "nope")); err == nil {
		t.Error("ListRuns of a missing store: no error")
	}
}

// TestReadRunsHostSharesUnchangedFacts: a host's facts that did not change
// from one run to the next are decoded once and shared between its
// snapshots, and equal what each snapshot holds; changed ones are its own.
func TestReadRunsHostSharesUnchangedFacts(t *testing.T) {
	base, other := twoDemoSnapshots(t)
	store := t.TempDir()
	start := time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)
	var written []*Snapshot
	for night := range 4 {
		run, err := CreateRun(store, RunRecord{StartedAt: start.Add(time.Duration(night) * 24 * time.Hour)}, []Host{{Name: "mail01"}})
		if err != nil {
			t.Fatal(err)
		}
		s := *base
		if night == 3 { // the fourth night, another module list
			s.Facts.PerlModules = other.Facts.PerlModules
		}
		if err := run.WriteSnapshot(&s); err != nil {
			t.Fatal(err)
		}
		if err := run.Finish([]*Snapshot{&s}, start, false); err != nil {
			t.Fatal(err)
		}
		written = append(written, &s)
	}
	runs, err := ListRuns(store)
	if err != nil {
		t.Fatal(err)
	}
	_, snaps, err := ReadRunsHost(runs, "mail01")
	if err != nil {
		t.Fatal(err)
	}
	if snaps[0].Facts.PerlModules == nil || snaps[0].Facts.PerlModules != snaps[1].Facts.PerlModules || snaps[1].Facts.PerlModules != snaps[2].Facts.PerlModules {
		t.Error("an unchanged module list is not shared between runs")
	}
	if snaps[3].Facts.PerlModules == snaps[0].Facts.PerlModules {
		t.Error("a changed module list is shared")
	}
	for i, s := range snaps {
		want, err := ReadSnapshot(findSnapshot(runs[i], RunHost{Host: "mail01"}))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s.Facts, want.Facts) || !reflect.DeepEqual(s.Facts.PerlModules, written[i].Facts.PerlModules) {
			t.Errorf("run %d: shared facts differ from the snapshot's own", i)
		}
	}
}

// BenchmarkReadRunsHost reads one host over 30 nightly runs of a real
// snapshot, as history does: "shared" decodes the facts that did not change
// once, "each" decodes every run's snapshot on its own.
func BenchmarkReadRunsHost(b *testing.B) {
	s, err := ReadSnapshot("../compare/testdata/demo/mail01.json")
	if err != nil {
		b.Fatal(err)
	}
	store := b.TempDir()
	start := time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)
	for night := range 30 {
		run, err := CreateRun(store, RunRecord{StartedAt: start.Add(time.Duration(night) * 24 * time.Hour)}, []Host{{Name: s.Host}})
		if err != nil {
			b.Fatal(err)
		}
		if err := run.WriteSnapshot(s); err != nil {
			b.Fatal(err)
		}
	}
	runs, err := ListRuns(store)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("shared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := ReadRunsHost(runs, s.Host); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("each", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, dir := range runs {
				if _, _, err := readRunHost(dir, s.Host, ReadSnapshot); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
