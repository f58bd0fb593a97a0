package fleet

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// ListRuns returns the run directories under store, oldest first: the
// directories holding a run.json, whose names are their UTC start times.
func ListRuns(store string) ([]string, error) {
	entries, err := os.ReadDir(store)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(store, e.Name(), RunFile)); err == nil {
				runs = append(runs, filepath.Join(store, e.Name()))
			}
		}
	}
	sort.Strings(runs)
	return runs, nil
}

// ReadRunHost reads a run's record and one host's snapshot from it. The
// snapshot is nil when the run did not include the host; a host the run
// included without a snapshot file gets one carrying its recorded status,
// as ReadRun gives it.
func ReadRunHost(dir, host string) (*RunRecord, *Snapshot, error) {
	var rec RunRecord
	if err := readJSON(filepath.Join(dir, RunFile), &rec); err != nil {
		return nil, nil, err
	}
	for _, h := range rec.Hosts {
		if h.Host != host {
			continue
		}
		s, err := runSnapshot(dir, &rec, h)
		if err != nil {
			return nil, nil, err
		}
		return &rec, s, nil
	}
	return &rec, nil, nil
}

// runSnapshot reads one host's snapshot of a run; a host without a
// snapshot file gets one carrying its recorded status, so that no host is
// lost (interrupted when the run did not complete).
func runSnapshot(dir string, rec *RunRecord, h RunHost) (*Snapshot, error) {
	s, err := ReadSnapshot(filepath.Join(dir, SnapshotFile(h.Host)))
	if !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	s = &Snapshot{SchemaVersion: SchemaVersion, Host: h.Host, Status: h.Status, Error: h.Error,
		Probes: map[string]ProbeResult{}}
	if s.Status == HostNotCollected && rec.State != RunStateComplete {
		s.Status = HostInterrupted
	}
	return s, nil
}
