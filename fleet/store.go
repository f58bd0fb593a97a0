package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/fleetcheck/fleetcheck/fleet/reuse"
)

// RunFile is the name of a run directory's summary file.
const RunFile = "run.json"

// RunStateRunning, RunStateComplete and RunStateInterrupted describe a run directory.
const (
	RunStateRunning     = "running"
	RunStateComplete    = "complete"
	RunStateInterrupted = "interrupted"
)

// RunRecord is the content of run.json.
type RunRecord struct {
	SchemaVersion   int         `json:"schema_version"`
	ToolVersion     string      `json:"tool_version"`
	StartedAt       time.Time   `json:"started_at"`
	EndedAt         time.Time   `json:"ended_at,omitzero"`
	State           string      `json:"state"`
	Inventory       string      `json:"inventory,omitempty"`
	InventoryDigest string      `json:"inventory_digest,omitempty"`
	Probes          []string    `json:"probes,omitempty"`
	Hosts           []RunHost   `json:"hosts"`
	Baseline        string      `json:"baseline,omitempty"`
	Options         *RunOptSave `json:"options,omitempty"`
	// Shard is "I/N" when the run collected one shard of the selection.
	Shard string `json:"shard,omitempty"`
	// MergedFrom lists the runs a merged run was made of, and MergeNotes
	// every conflict and missing host the merge found.
	MergedFrom []string `json:"merged_from,omitempty"`
	MergeNotes []string `json:"merge_notes,omitempty"`
}

// RunOptSave records the options a run was made with.
type RunOptSave struct {
	Parallel int    `json:"parallel"`
	Local    bool   `json:"local,omitempty"`
	HostKeys string `json:"host_keys,omitempty"`
}

// RunHost is one host's line in run.json.
type RunHost struct {
	Host       string     `json:"host"`
	Status     HostStatus `json:"status"`
	Error      string     `json:"error,omitempty"`
	DurationMS int64      `json:"duration_ms"`
	// File is the snapshot file name inside the run directory, when written.
	File string `json:"file,omitempty"`
}

// RunDir is a run directory being written.
type RunDir struct {
	Path   string
	Record RunRecord
}

// CreateRun makes a new run directory under store named after the UTC start
// time and writes a run.json that lists every host as not collected, so an
// abandoned run still tells which hosts it meant to collect.
func CreateRun(store string, rec RunRecord, hosts []Host) (*RunDir, error) {
	if err := os.MkdirAll(store, 0o755); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	base := rec.StartedAt.UTC().Format("2006-01-02T150405Z")
	var dir string
	for i := 1; ; i++ {
		dir = filepath.Join(store, base)
		if i > 1 {
			dir = filepath.Join(store, fmt.Sprintf("%s-%d", base, i))
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrExist) || i > 100 {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	rec.SchemaVersion = SchemaVersion
	rec.State = RunStateRunning
	rec.Hosts = make([]RunHost, len(hosts))
	for i, h := range hosts {
		rec.Hosts[i] = RunHost{Host: h.Name, Status: HostNotCollected}
	}
	r := &RunDir{Path: dir, Record: rec}
	if err := writeJSON(filepath.Join(dir, RunFile), &r.Record); err != nil {
		return nil, err
	}
	return r, nil
}

// WriteSnapshot stores one host's snapshot atomically, compressed. Once
// it returns the snapshot survives the end of the process (Ctrl-C, a
// crash of fleetcheck); it survives a crash of the machine or a power loss
// once Finish has synced the run, which it does before run.json calls the
// run complete or interrupted. A machine that goes down during a run
// leaves run.json saying running, and may lose the snapshots of the hosts
// finished since the system last wrote them out: a reader then treats
// those hosts as not collected or their snapshots as unreadable, never
// the run as whole.
func (r *RunDir) WriteSnapshot(s *Snapshot) error {
	e := encoders.Get()
	defer encoders.Put(e)
	b, err := e.encode(s)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Host, err)
	}
	z := compressors.Get()
	defer compressors.Put(z)
	z.buf.Reset()
	z.w.Reset(&z.buf)
	if _, err := z.w.Write(b); err != nil {
		return err
	}
	if err := z.w.Close(); err != nil {
		return err
	}
	// Not synced one by one: Finish syncs the run's file system once.
	return writeFileUnsynced(filepath.Join(r.Path, SnapshotFile(s.Host)), z.buf.Bytes(), 0o644)
}

// compressor is a gzip writer and its output buffer, reused: a new writer
// allocates hundreds of kilobytes. The writer is klauspost/compress's,
// whose output is standard gzip (zcat and compress/gzip read it).
type compressor struct {
	w   *gzip.Writer
	buf bytes.Buffer
}

// snapshotLevel is the compression level of stored snapshots. At 1 the
// demo's real snapshots (180 to 200 kB of JSON) make 23.8 kB on average,
// 1.4% more than at 2, in three quarters of its time when the writer's
// tables are out of the CPU's caches, as they are between the hosts of a
// collect (level 1's hash table is a quarter of level 2's); 3 saves 4% of
// the bytes for more time again (BenchmarkSnapshotLevels).
const snapshotLevel = 1

var compressors = reuse.New(reuse.PerCPU(16), func() *compressor {
	w, _ := gzip.NewWriterLevel(nil, snapshotLevel) // a valid level never fails
	return &compressor{w: w}
})

// SnapshotFile is the file name of a host's snapshot in a run directory as
// collect writes it: gzip-compressed JSON. A plain HOST.json (PlainSnapshotFile),
// as older versions wrote and as a user may leave after gunzip, is read too.
func SnapshotFile(host string) string { return host + ".json.gz" }

// PlainSnapshotFile is the uncompressed name of a host's snapshot.
func PlainSnapshotFile(host string) string { return host + ".json" }

// findSnapshot returns the path of host's snapshot in run directory dir:
// the file run.json names, else the compressed file, else the plain one.
// It returns a path that does not exist when there is none.
func findSnapshot(dir string, h RunHost) string {
	names := []string{SnapshotFile(h.Host), PlainSnapshotFile(h.Host)}
	if h.File == names[1] {
		names[0], names[1] = names[1], names[0]
	}
	for _, n := range names {
		if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
			return filepath.Join(dir, n)
		}
	}
	return filepath.Join(dir, names[0])
}

// Finish records every host's outcome in run.json.
func (r *RunDir) Finish(snaps []*Snapshot, end time.Time, interrupted bool) error {
	byHost := map[string]*Snapshot{}
	for _, s := range snaps {
		byHost[s.Host] = s
	}
	for i, h := range r.Record.Hosts {
		s, ok := byHost[h.Host]
		if !ok {
			continue
		}
		r.Record.Hosts[i] = RunHost{Host: h.Host, Status: s.Status, Error: s.Error, DurationMS: s.DurationMS}
		if p := findSnapshot(r.Path, h); fileExists(p) {
			r.Record.Hosts[i].File = filepath.Base(p)
		}
	}
	r.Record.EndedAt = end.UTC()
	r.Record.State = RunStateComplete
	if interrupted {
		r.Record.State = RunStateInterrupted
	}
	// The snapshots were written unsynced: one sync makes them durable
	// before run.json says the run ended.
	if err := syncFileSystem(r.Path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return writeJSON(filepath.Join(r.Path, RunFile), &r.Record)
}

// ReadRun reads a run directory: its record and every snapshot it holds, in
// the record's host order. Hosts without a snapshot file get a snapshot
// carrying their recorded status, so that no host is lost. A host whose
// entry or snapshot cannot be trusted (a name that is not a valid host
// name, a second entry of one host, a file that does not parse or is the
// snapshot of another host) gets a snapshot with status error and the
// reason: the other hosts can still be compared. Only an unreadable
// run.json fails the whole run. Snapshots are read several at a time, and
// facts that several hosts have byte for byte the same are shared between
// their snapshots: treat them as read-only.
func ReadRun(dir string) (*RunRecord, []*Snapshot, error) {
	var rec RunRecord
	if err := readJSON(filepath.Join(dir, RunFile), &rec); err != nil {
		return nil, nil, err
	}
	snaps := make([]*Snapshot, len(rec.Hosts))
	seen := map[string]bool{}
	var todo []int
	for i, h := range rec.Hosts {
		if ValidHostName(h.Host) && seen[h.Host] {
			snaps[i] = brokenSnapshot(h.Host, "%s lists this host twice: only the first entry was read", RunFile)
			continue
		}
		seen[h.Host] = true
		todo = append(todo, i)
	}
	sf := &sharedFacts{}
	inParallel(len(todo), func(k int) {
		i := todo[k]
		snaps[i] = runSnapshot(dir, &rec, rec.Hosts[i], sf.read)
	})
	return &rec, snaps, nil
}

// ReadSnapshot reads one snapshot file, plain JSON or gzip-compressed
// (told by its content, whatever its name).
func ReadSnapshot(path string) (*Snapshot, error) {
	return readSnapshot(path, func(b []byte, s *Snapshot) error { return json.Unmarshal(b, s) })
}

// readSnapshot reads one snapshot file with decode and checks it.
func readSnapshot(path string, decode func([]byte, *Snapshot) error) (*Snapshot, error) {
	buf := readBuffers.Get().(*bytes.Buffer)
	defer readBuffers.Put(buf)
	buf.Reset()
	b, err := readFileInto(buf, path)
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := decode(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if s.SchemaVersion > SchemaVersion {
		return nil, fmt.Errorf("%s: snapshot schema_version %d is newer than this fleetcheck understands (%d)", path, s.SchemaVersion, SchemaVersion)
	}
	if s.Host == "" {
		return nil, fmt.Errorf("%s: not a fleetcheck snapshot (no host)", path)
	}
	if s.Probes == nil {
		s.Probes = map[string]ProbeResult{}
	}
	if s.Status == HostOK {
		// Snapshots of older versions called a host with a truncated probe ok.
		for _, p := range s.Probes {
			if !p.Status.Complete() && p.Status != ProbeSkipped {
				s.Status = HostPartial
			}
		}
	}
	return &s, nil
}

// LatestRun returns the newest run directory under store.
func LatestRun(store string) (string, error) {
	runs, err := ListRuns(store)
	if err != nil {
		return "", err
	}
	if len(runs) == 0 {
		return "", fmt.Errorf("store %s: no runs", store)
	}
	return runs[len(runs)-1], nil
}

// readJSON decodes the JSON file at path into v; a file that starts with
// gzip's magic number is decompressed first.
func readJSON(path string, v any) error {
	b, err := readFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// writeJSON writes v as indented JSON with sorted keys, through a temporary
// file and a rename so that a reader never sees half a file.
func writeJSON(path string, v any) error {
	b, err := MarshalSorted(v)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return WriteFile(path, b, 0o644)
}
