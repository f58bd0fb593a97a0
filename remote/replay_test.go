package remote

import (
	"context"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// TestReplayMatchesRealRun records a real local batch and replays it: the
// parsed facts must be the same, so the demo shows what a real host shows.
func TestReplayMatchesRealRun(t *testing.T) {
	recorded := Replay{}
	opt := CollectOptions{Probes: []probe.Probe{
		echoProbe("one", "echo first; echo noise >&2"),
		echoProbe("two", "printf 'x\\ny'; exit 0"),
	}, Record: func(name string, r probe.Result) {
		recorded[name] = Recording{Stdout: r.Stdout, Stderr: r.Stderr, ExitCode: r.ExitCode}
	}}
	real, err := Collect(context.Background(), Local{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded) != 2 {
		t.Fatalf("recorded %d probes, want 2", len(recorded))
	}
	opt.Record = nil
	replayed, err := Collect(context.Background(), recorded, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"one", "two"} {
		a, b := real.Facts.Custom[name], replayed.Facts.Custom[name]
		if a == nil || b == nil || len(a.Lines) != len(b.Lines) || a.Lines[0] != b.Lines[0] {
			t.Errorf("probe %s: real %+v, replayed %+v", name, a, b)
		}
	}
}

func TestReplayHangTimesOut(t *testing.T) {
	rr := Replay{"lint": {Stdout: []byte("Checking version numbers...\n"), Hang: true}}
	opt := CollectOptions{Probes: []probe.Probe{{Name: "lint", Command: "x", Timeout: time.Second, ParseTimeout: true,
		Parse: func(r probe.Result, f *fleet.Facts) error {
			if !r.TimedOut {
				t.Error("replayed hang did not time out")
			}
			return nil
		}}}}
	snap, err := Collect(context.Background(), rr, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st := snap.Probes["lint"].Status; st != fleet.ProbeTimeout {
		t.Errorf("status %s, want timeout", st)
	}
}
