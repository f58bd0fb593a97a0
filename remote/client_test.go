package remote

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

func TestHungCommandTornDownAtDeadline(t *testing.T) {
	f := newFixture(t)
	_, c := f.connected(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"hang": sshsim.Hang()}, nil)})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	exit, err := c.Run(ctx, Command{Cmd: "hang"})
	if err != nil || !exit.TimedOut {
		t.Fatalf("Run(hang) = %+v, %v; want TimedOut", exit, err)
	}
	if exit.Signal != "KILL" || exit.Code != 137 {
		t.Errorf("Run(hang) = %+v, want signal KILL, code 137", exit)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Run(hang) returned after %s, want soon after the 300ms deadline (well before the grace period)", d)
	}
	// The connection is still good.
	if out, err := run(t, c, "echo alive", ""); err != nil || string(out.Stdout) != "alive\n" {
		t.Errorf("Run after a timeout = %q, %v", out.Stdout, err)
	}
	// A real process that never writes is killed too (the server's shell
	// handler acts on the signal as OpenSSH >= 7.9 does).
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	exit, err = c.Run(ctx2, Command{Cmd: "sleep 1000"})
	if err != nil || !exit.TimedOut || exit.Signal != "KILL" {
		t.Errorf("Run(sleep 1000) = %+v, %v; want TimedOut by KILL", exit, err)
	}
}

func TestWedgedPeerClosedAfterGrace(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"wedge": sshsim.Wedge()}, nil)})
	d := f.dialer(DialerOptions{KillGrace: 300 * time.Millisecond, KeepaliveInterval: -1})
	c := f.connect(d, f.target(s))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	exit, err := c.Run(ctx, Command{Cmd: "wedge"})
	if err != nil || !exit.TimedOut || exit.Code != -1 {
		t.Fatalf("Run(wedge) = %+v, %v; want TimedOut with no code", exit, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run(wedge) returned after %s, want about deadline + grace (0.6s)", d)
	}
	// The connection was closed: later Runs fail at once.
	start = time.Now()
	if _, err := run(t, c, "echo", ""); err == nil {
		t.Error("Run on a connection closed after a wedge succeeded")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Run on a broken connection took %s, want it to fail fast", d)
	}
}

func TestKeepaliveClosesDeadLink(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"wedge": sshsim.Wedge()}, nil)})
	d := f.dialer(DialerOptions{KeepaliveInterval: 100 * time.Millisecond})
	c := f.connect(d, f.target(s))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	exit, err := c.Run(ctx, Command{Cmd: "wedge"}) // no deadline of its own: only keepalives end it
	if err == nil || exit.TimedOut {
		t.Fatalf("Run(wedge) = %+v, %v; want a transport error from the keepalive", exit, err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("dead link detected after %s, want about 3 keepalive intervals", d)
	}
}

func TestFloodKeepsMemoryBounded(t *testing.T) {
	const total = 100 << 20
	f := newFixture(t)
	_, c := f.connected(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"flood": sshsim.Flood(total)}, nil)})

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	out := NewCapBuffer(DefaultOutputLimit)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	exit, err := c.Run(ctx, Command{Cmd: "flood", Stdout: out})
	close(stop)
	wg.Wait()
	if err != nil || exit.Code != 0 {
		t.Fatalf("Run(flood) = %+v, %v", exit, err)
	}
	if !out.Truncated() || out.Total() != total || len(out.Bytes()) != DefaultOutputLimit {
		t.Errorf("kept %d of %d bytes (truncated %v), want %d of %d, truncated", len(out.Bytes()), out.Total(), out.Truncated(), DefaultOutputLimit, total)
	}
	t.Logf("peak heap in use: %d MiB", peak.Load()>>20)
	if p := peak.Load(); p > 64<<20 {
		t.Errorf("peak heap in use %d MiB while 100 MiB flowed, want bounded (< 64 MiB)", p>>20)
	}
}

func TestSessionsBoundedPerConnection(t *testing.T) {
	f := newFixture(t)
	var cur, peak atomic.Int32
	release := make(chan struct{})
	block := func(s *sshsim.Session) int {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		select {
		case <-release:
		case <-s.Context().Done():
		}
		cur.Add(-1)
		return 0
	}
	s := f.trusted(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"block": block}, nil)})
	c := f.connect(f.dialer(DialerOptions{Sessions: 2}), f.target(s))
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = run(t, c, "block", "")
		}()
	}
	// Let the first two start, then release everyone.
	deadline := time.Now().Add(10 * time.Second)
	for cur.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	close(release)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrent sessions = %d, want 2", p)
	}
}

func TestExitStatusMapping(t *testing.T) {
	f := newFixture(t)
	noStatus := func(s *sshsim.Session) int { s.NoExitStatus = true; return 0 }
	_, c := f.connected(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"nostatus": noStatus}, nil)})
	for _, tc := range []struct {
		cmd     string
		code    int
		signal  string
		wantErr bool
	}{
		{"true", 0, "", false},
		{"exit 7", 7, "", false},
		{"kill -9 $$", 137, "KILL", false},
		{"nostatus", -1, "", true},
	} {
		out, err := run(t, c, tc.cmd, "")
		if out.Code != tc.code || out.Signal != tc.signal || (err != nil) != tc.wantErr {
			t.Errorf("Run(%q) = %+v, %v; want code %d signal %q error %v", tc.cmd, out.Exit, err, tc.code, tc.signal, tc.wantErr)
		}
	}
}

func TestRunAfterCloseFails(t *testing.T) {
	f := newFixture(t)
	_, c := f.connected(sshsim.Config{})
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if _, err := run(t, c, "true", ""); err == nil {
		t.Error("Run after Close succeeded")
	}
}

func TestStatusMapping(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, "ok"},
		{&HostKeyError{Problem: KeyChanged}, "hostkey-mismatch"},
		{&HostKeyError{Problem: KeyRevoked}, "hostkey-mismatch"},
		{&HostKeyError{Problem: KeyUnknown}, "hostkey-unknown"},
		{&AuthError{}, "auth-failed"},
		{&DialError{Err: errors.New("refused")}, "unreachable"},
		{&DialError{Err: context.DeadlineExceeded}, "timeout"},
		{&DialError{Err: context.Canceled}, "interrupted"},
		{&AlgorithmError{}, "unreachable"},
		{errors.New("other"), "error"},
	} {
		if got := Status(tc.err); string(got) != tc.want {
			t.Errorf("Status(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
