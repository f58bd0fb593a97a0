package fleet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func hostsNamed(n int) []Host {
	hs := make([]Host, n)
	for i := range hs {
		hs[i] = Host{Name: fmt.Sprintf("h%03d", i)}
	}
	return hs
}

func TestRunFanOut(t *testing.T) {
	const n, parallel = 200, 16
	var running, peak atomic.Int32
	rng := rand.New(rand.NewPCG(1, 2))
	delays := make([]time.Duration, n)
	for i := range delays {
		delays[i] = time.Duration(rng.IntN(20)) * time.Millisecond
	}
	collect := func(ctx context.Context, h Host) (*Snapshot, error) {
		cur := running.Add(1)
		defer running.Add(-1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		var i int
		fmt.Sscanf(h.Name, "h%d", &i)
		time.Sleep(delays[i])
		switch {
		case i == 13:
			panic("collector bug")
		case i%10 == 3:
			return nil, errors.New("connection refused")
		case i%10 == 7:
			return &Snapshot{Status: HostPartial}, nil
		}
		return &Snapshot{}, nil
	}
	var done atomic.Int32
	out := Run(context.Background(), hostsNamed(n), collect, RunOptions{Parallel: parallel,
		Done: func(int, *Snapshot) { done.Add(1) }})
	if len(out) != n {
		t.Fatalf("got %d snapshots, want %d", len(out), n)
	}
	for i, s := range out {
		want := HostOK
		switch {
		case i == 13:
			want = HostError
		case i%10 == 3:
			want = HostError
		case i%10 == 7:
			want = HostPartial
		}
		if s.Host != fmt.Sprintf("h%03d", i) || s.Status != want {
			t.Errorf("out[%d] = %s %s, want h%03d %s", i, s.Host, s.Status, i, want)
		}
		if s.SchemaVersion != SchemaVersion || s.Probes == nil {
			t.Errorf("out[%d] not normalised: %+v", i, s)
		}
	}
	if p := peak.Load(); p > parallel || p < 2 {
		t.Errorf("peak concurrency %d, want between 2 and %d", p, parallel)
	}
	if done.Load() != n {
		t.Errorf("Done called %d times, want %d", done.Load(), n)
	}
}

// TestRunHostDeadline: a host that had collected nothing when its
// deadline passed is a timeout, one with some facts stays partial; the
// error says which deadline passed either way.
func TestRunHostDeadline(t *testing.T) {
	collect := func(ctx context.Context, h Host) (*Snapshot, error) {
		<-ctx.Done()
		s := &Snapshot{Status: HostPartial, Probes: map[string]ProbeResult{"os": {Status: ProbeTimeout}}}
		if h.Name == "h001" {
			s.Probes["mounts"] = ProbeResult{Status: ProbeOK}
		}
		return s, fmt.Errorf("session: %w while opening a session", context.Cause(ctx))
	}
	out := Run(context.Background(), hostsNamed(3), collect, RunOptions{HostTimeout: 50 * time.Millisecond})
	for _, s := range out {
		want := HostTimeout
		if s.Host == "h001" {
			want = HostPartial
		}
		if s.Status != want || s.Error != "session: host deadline 50ms reached while opening a session" {
			t.Errorf("%s: status %s (%s), want %s and the deadline named", s.Host, s.Status, s.Error, want)
		}
	}
	if e := (&DeadlineError{Timeout: 2 * time.Minute}).Error(); e != "host deadline 120s reached" {
		t.Errorf("DeadlineError = %q, want host deadline 120s reached", e)
	}
	if !errors.Is(&DeadlineError{}, context.DeadlineExceeded) {
		t.Error("DeadlineError is not a context.DeadlineExceeded")
	}
}

// TestRunInterrupt cancels a run mid-way: finished hosts keep their
// snapshots on disk, the rest are recorded as interrupted.
func TestRunInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hosts := hostsNamed(40)
	store := t.TempDir()
	run, err := CreateRun(store, RunRecord{StartedAt: time.Now()}, hosts)
	if err != nil {
		t.Fatal(err)
	}
	var finished atomic.Int32
	collect := func(ctx context.Context, h Host) (*Snapshot, error) {
		var i int
		fmt.Sscanf(h.Name, "h%d", &i)
		if i < 10 {
			return &Snapshot{}, nil
		}
		if i == 10 {
			for finished.Load() < 10 {
				time.Sleep(time.Millisecond)
			}
			cancel() // Ctrl-C while hosts 10.. are working
		}
		<-ctx.Done()
		return &Snapshot{Status: HostPartial}, ctx.Err()
	}
	out := Run(ctx, hosts, collect, RunOptions{Parallel: 4, Done: func(i int, s *Snapshot) {
		if err := run.WriteSnapshot(s); err != nil {
			t.Error(err)
		}
		if s.Status == HostOK {
			finished.Add(1)
		}
	}})
	if err := run.Finish(out, time.Now(), ctx.Err() != nil); err != nil {
		t.Fatal(err)
	}
	rec, snaps, err := ReadRun(run.Path)
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != RunStateInterrupted || len(snaps) != 40 {
		t.Fatalf("run state %s with %d hosts, want interrupted with 40", rec.State, len(snaps))
	}
	for i, s := range snaps {
		want := HostInterrupted
		if i < 10 {
			want = HostOK
		}
		if s.Status != want {
			t.Errorf("%s: %s, want %s", s.Host, s.Status, want)
		}
	}
	if got, _ := filepath.Glob(filepath.Join(run.Path, "h00*.json.gz")); len(got) != 10 {
		t.Errorf("snapshot files of finished hosts: %d, want 10", len(got))
	}
}

// TestRunSummaries: with Summaries, Done sees every host's facts and Run
// returns the hosts without them, status, errors and probes kept.
func TestRunSummaries(t *testing.T) {
	collect := func(_ context.Context, h Host) (*Snapshot, error) {
		return &Snapshot{Status: HostPartial, Error: "some probe failed",
			Probes: map[string]ProbeResult{ProbeOS: {Status: ProbeOK}, ProbeMounts: {Status: ProbeFailed}},
			Facts:  Facts{OS: &OS{Hostname: h.Name}}}, nil
	}
	var withFacts atomic.Int32
	out := Run(context.Background(), hostsNamed(20), collect, RunOptions{Parallel: 4, Summaries: true,
		Done: func(_ int, s *Snapshot) {
			if s.Facts.OS != nil && s.Facts.OS.Hostname == s.Host {
				withFacts.Add(1)
			}
		}})
	if withFacts.Load() != 20 {
		t.Errorf("Done saw facts for %d of 20 hosts", withFacts.Load())
	}
	for _, s := range out {
		if s.Facts.OS != nil || s.Status != HostPartial || s.Error != "some probe failed" || s.Probes[ProbeMounts].Status != ProbeFailed {
			t.Errorf("%s: %+v", s.Host, s)
		}
	}
}
