package fleet

import (
	"strings"
	"testing"
	"time"
)

// TestMergeRunsPrefersAssessed: a host unreachable from one segment and
// collected from another keeps its snapshot, whichever run is newer, and
// the conflict is noted; a host of neither run that is expected is listed
// as not collected.
func TestMergeRunsPrefersAssessed(t *testing.T) {
	store := t.TempDir()
	t0 := time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)
	a, err := CreateRun(store, RunRecord{StartedAt: t0, Shard: "0/2"}, hostsNamed(2))
	if err != nil {
		t.Fatal(err)
	}
	ok := &Snapshot{SchemaVersion: SchemaVersion, Host: "h001", Status: HostOK, Probes: map[string]ProbeResult{"os": {Status: ProbeOK}}}
	if err := a.WriteSnapshot(ok); err != nil {
		t.Fatal(err)
	}
	if err := a.Finish([]*Snapshot{ok, {Host: "h000", Status: HostUnreachable, Error: "no route"}}, t0, false); err != nil {
		t.Fatal(err)
	}
	b, err := CreateRun(store, RunRecord{StartedAt: t0.Add(time.Minute), Shard: "1/2"}, []Host{{Name: "h001"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Finish([]*Snapshot{{Host: "h001", Status: HostUnreachable, Error: "no route"}}, t0, false); err != nil {
		t.Fatal(err)
	}
	run, notes, err := MergeRuns(store, []string{a.Path, b.Path}, MergeOptions{Expected: []string{"h000", "h001", "h002"}})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(notes, "\n")
	for _, want := range []string{"h001 is in 2 runs", "kept the one from " + a.Path, "h002 is in none of the merged runs"} {
		if !strings.Contains(text, want) {
			t.Errorf("notes lack %q:\n%s", want, text)
		}
	}
	_, snaps, err := ReadRun(run.Path)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]HostStatus{}
	for _, s := range snaps {
		got[s.Host] = s.Status
	}
	if len(snaps) != 3 || got["h000"] != HostUnreachable || got["h001"] != HostOK || got["h002"] != HostNotCollected {
		t.Errorf("merged hosts: %v", got)
	}
}
