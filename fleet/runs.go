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

// ReadRunsHost reads the record of each run of dirs and the host's
// snapshot in it. A snapshot is nil where the run did not include the
// host; a host the run included without a snapshot file gets one carrying
// its recorded status, as ReadRun gives it, and a host whose snapshot
// cannot be trusted gets one with status error.
// The runs are read several at a time, and facts the host kept byte for
// byte the same from one run to another (most of them, night after night)
// are decoded once and shared between its snapshots: treat them as
// read-only. The first run that cannot be read is the error.
func ReadRunsHost(dirs []string, host string) ([]*RunRecord, []*Snapshot, error) {
	recs := make([]*RunRecord, len(dirs))
	snaps := make([]*Snapshot, len(dirs))
	errs := make([]error, len(dirs))
	sf := &sharedFacts{}
	inParallel(len(dirs), func(i int) {
		recs[i], snaps[i], errs[i] = readRunHost(dirs[i], host, sf.read)
	})
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	return recs, snaps, nil
}

// readRunHost reads one run's record and the host's snapshot with read.
func readRunHost(dir, host string, read func(path string) (*Snapshot, error)) (*RunRecord, *Snapshot, error) {
	var rec RunRecord
	if err := readJSON(filepath.Join(dir, RunFile), &rec); err != nil {
		return nil, nil, err
	}
	for _, h := range rec.Hosts {
		if h.Host != host {
			continue
		}
		return &rec, runSnapshot(dir, &rec, h, read), nil
	}
	return &rec, nil, nil
}

// runSnapshot reads one host's snapshot of a run. A host without a
// snapshot file gets one carrying its recorded status, so that no host is
// lost (interrupted when the run did not complete); a host whose name or
// snapshot cannot be trusted gets a snapshot with status error and the
// reason. read reads a snapshot file (ReadSnapshot, or a reader that
// shares facts between the hosts of a run).
func runSnapshot(dir string, rec *RunRecord, h RunHost, read func(path string) (*Snapshot, error)) *Snapshot {
	if !ValidHostName(h.Host) {
		// Never used as a path: it could point outside the run directory.
		return brokenSnapshot(h.Host, "%s lists %q, which is not a valid host name: its snapshot was not read", RunFile, h.Host)
	}
	path := findSnapshot(dir, h)
	s, err := read(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s = &Snapshot{SchemaVersion: SchemaVersion, Host: h.Host, Status: h.Status, Error: h.Error,
			Probes: map[string]ProbeResult{}}
		if s.Status == HostNotCollected && rec.State != RunStateComplete {
			s.Status = HostInterrupted
		}
	case err != nil:
		return brokenSnapshot(h.Host, "snapshot unreadable: %v", err)
	case s.Host != h.Host:
		return brokenSnapshot(h.Host, "%s holds the snapshot of host %q, not of this host", filepath.Base(path), s.Host)
	}
	return s
}

// brokenSnapshot is the snapshot of a host of a run that could not be
// read: status error, with the reason.
func brokenSnapshot(host, format string, args ...any) *Snapshot {
	return &Snapshot{SchemaVersion: SchemaVersion, Host: host, Status: HostError,
		Error: fmt.Sprintf(format, args...), Probes: map[string]ProbeResult{}}
}
