package main

import (
	"context"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// demoSnapshots is where package compare's tests find the demo fleet's
// snapshots (compare/testdata/demo).
var demoSnapshots = filepath.Join("..", "..", "compare", "testdata", "demo")

// demoRecorded stands for when a demo collected its snapshots.
var demoRecorded = time.Date(2026, 11, 28, 18, 47, 58, 0, time.UTC)

// demoSnapshot is what the demo's i-th host gives a collect: its profile's
// recordings, replayed through the batch script and parsed by the real
// probes, with the demo's probe timeout. Durations are rounded to the
// second and the address, start time and host key (which change from run to
// run) are fixed, so that the result is the same on every run.
func demoSnapshot(t *testing.T, i int) *fleet.Snapshot {
	t.Helper()
	rec, err := remote.ReadRecordings(demodata, path.Join("demodata", demoProfiles[i]))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := remote.Collect(context.Background(), rec, remote.CollectOptions{Probes: probe.All(), ProbeTimeout: demoProbeTimeout})
	if err != nil {
		t.Fatalf("%s: %v", demoProfiles[i], err)
	}
	second := func(ms int64) int64 { return (ms + 500) / 1000 * 1000 }
	for name, r := range s.Probes {
		r.DurationMS = second(r.DurationMS)
		s.Probes[name] = r
	}
	s.SchemaVersion, s.Host, s.Address, s.Transport = fleet.SchemaVersion, demoHost(i), "127.0.0.1:22", "native"
	s.StartedAt, s.DurationMS = demoRecorded, second(time.Since(start).Milliseconds())
	return s
}

// TestDemoSnapshots checks the demo fleet's snapshots stored for package
// compare's tests against what the demo's recordings give today;
// -update rewrites them (go test ./cmd/fleetcheck -run DemoSnapshots -update).
func TestDemoSnapshots(t *testing.T) {
	t.Parallel()
	want := map[string][]byte{}
	for i := range demoProfiles {
		b, err := fleet.MarshalSorted(demoSnapshot(t, i))
		if err != nil {
			t.Fatal(err)
		}
		want[fleet.PlainSnapshotFile(demoHost(i))] = b
	}
	fleettest.CheckDir(t, demoSnapshots, want, *update)
}
