package remote

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// shellRunner runs batches with a given shell instead of /bin/sh, so the
// batch script is exercised under both dash and bash.
type shellRunner struct{ shell string }

func (s shellRunner) Run(ctx context.Context, c Command) (Exit, error) {
	c.Cmd = strings.Replace(c.Cmd, "/bin/sh -s", s.shell+" -s", 1)
	return Local{}.Run(ctx, c)
}

func shells(t *testing.T) []Runner {
	var rs []Runner
	for _, sh := range []string{"dash", "bash"} {
		if p, err := exec.LookPath(sh); err == nil {
			rs = append(rs, shellRunner{shell: p})
		}
	}
	if len(rs) == 0 {
		t.Skip("neither dash nor bash found")
	}
	return rs
}

// echoProbe stores its stdout in a custom fact named after the probe.
func echoProbe(name, cmd string) probe.Probe {
	return probe.Probe{Name: name, Command: cmd, Parse: func(r probe.Result, f *fleet.Facts) error {
		if r.ExitCode != 0 {
			return fmt.Errorf("exit status %d", r.ExitCode)
		}
		f.Custom = map[string]*fleet.Custom{name: {Command: cmd, ExitCode: r.ExitCode,
			Lines: strings.Split(string(r.Stdout), "\n")}}
		return nil
	}}
}

func TestCollectDemuxesProbes(t *testing.T) {
	for _, r := range shells(t) {
		t.Run(r.(shellRunner).shell, func(t *testing.T) {
			opt := CollectOptions{ProbeTimeout: 10 * time.Second, Probes: []probe.Probe{
				echoProbe("one", "echo first; echo noise >&2"),
				echoProbe("two", "printf 'no newline'"),
				echoProbe("three", "printf '@@fleetcheck-0000 end two 0 0\\nfake marker\\n'"),
				echoProbe("locale", "echo $LC_ALL"),
				echoProbe("fails", "echo partial; exit 3"),
				{Name: "quiet", Command: "true", Parse: func(r probe.Result, f *fleet.Facts) error {
					if len(r.Stderr) != 0 { // e.g. the shell reporting the watchdog it ended
						return fmt.Errorf("stderr %q from a command that writes none", r.Stderr)
					}
					return nil
				}},
			}}
			snap, err := Collect(context.Background(), r, opt)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"one": "first\n", "two": "no newline",
				"three": "@@fleetcheck-0000 end two 0 0\nfake marker\n", "locale": "C\n"}
			for name, out := range want {
				c := snap.Facts.Custom[name]
				if c == nil {
					t.Errorf("probe %s: no fact (result %+v)", name, snap.Probes[name])
					continue
				}
				if got := strings.Join(c.Lines, "\n"); got != out {
					t.Errorf("probe %s stdout = %q, want %q", name, got, out)
				}
			}
			if got := snap.Probes["quiet"]; got.Status != fleet.ProbeOK {
				t.Errorf("quiet probe = %+v", got)
			}
			if got := snap.Probes["fails"]; got.Status != fleet.ProbeFailed || got.ExitCode != 3 {
				t.Errorf("failing probe = %+v, want failed with exit 3", got)
			}
			if snap.Status != fleet.HostPartial {
				t.Errorf("host status = %s, want partial", snap.Status)
			}
		})
	}
}

func TestCollectKillsHungProbe(t *testing.T) {
	tag := fmt.Sprintf("fleetcheck-hang-%d", time.Now().UnixNano())
	// The hung command forks a grandchild that never writes: only killing
	// the process group ends both.
	cmd := fmt.Sprintf("sh -c 'sleep 300; : %s' & sleep 300; : %s", tag, tag)
	var hungStderr []byte
	opt := CollectOptions{Probes: []probe.Probe{
		{Name: "hang", Command: cmd, Timeout: time.Second, ParseTimeout: true, Parse: func(r probe.Result, f *fleet.Facts) error {
			hungStderr = r.Stderr
			return nil
		}},
		echoProbe("after", "echo still here"),
	}}
	start := time.Now()
	snap, err := Collect(context.Background(), Local{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("collect took %s with a 1s probe timeout", el)
	}
	if got := snap.Probes["hang"].Status; got != fleet.ProbeTimeout {
		t.Errorf("hung probe status = %s, want timeout", got)
	}
	if len(hungStderr) != 0 {
		t.Errorf("hung probe's stderr = %q, want nothing (the shell's notice of the kill is not the probe's)", hungStderr)
	}
	if c := snap.Facts.Custom["after"]; c == nil || c.Lines[0] != "still here" {
		t.Errorf("probe after the hung one: %+v", snap.Probes["after"])
	}
	// Processes left behind: want none.
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, _ := exec.Command("pgrep", "-f", tag).Output()
		if len(bytes.TrimSpace(out)) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes left after a hung probe: %s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestCollectCapsFlood(t *testing.T) {
	var got probe.Result
	opt := CollectOptions{OutputLimit: 1 << 20, Probes: []probe.Probe{
		{Name: "flood", Command: "head -c 20000000 /dev/zero", Parse: func(r probe.Result, f *fleet.Facts) error {
			got = r
			return nil
		}},
		echoProbe("after", "echo ok"),
	}}
	snap, err := Collect(context.Background(), Local{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Stdout) != 1<<20 || !got.Truncated {
		t.Errorf("flood kept %d bytes, truncated=%v; want %d, true", len(got.Stdout), got.Truncated, 1<<20)
	}
	if st := snap.Probes["flood"].Status; st != fleet.ProbeTruncated {
		t.Errorf("flood status = %s, want truncated", st)
	}
	// The record says how much the host sent, not how much was kept.
	if got := snap.Probes["flood"].Bytes; got != 20000000 {
		t.Errorf("flood bytes = %d, want 20000000 received", got)
	}
	if snap.Facts.Custom["after"] == nil {
		t.Errorf("probe after the flood lost: %+v", snap.Probes["after"])
	}
}

func TestCollectParserPanicIsContained(t *testing.T) {
	opt := CollectOptions{Probes: []probe.Probe{
		{Name: "bad", Command: "echo x", Parse: func(probe.Result, *fleet.Facts) error { panic("boom") }},
		{Name: "na", Command: "true", Parse: func(probe.Result, *fleet.Facts) error { return probe.ErrNotApplicable }},
		echoProbe("good", "echo ok"),
	}}
	snap, err := Collect(context.Background(), Local{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st := snap.Probes["bad"]; st.Status != fleet.ProbeFailed || !strings.Contains(st.Error, "boom") {
		t.Errorf("panicking parser = %+v, want failed naming the panic", st)
	}
	if st := snap.Probes["na"].Status; st != fleet.ProbeNotApplicable {
		t.Errorf("not applicable probe = %s", st)
	}
	if snap.Facts.Custom["good"] == nil {
		t.Error("good probe lost")
	}
}

// refusingRunner answers every command the way "sudo -n" does without a password.
type refusingRunner struct{ said string }

func (r refusingRunner) Run(ctx context.Context, c Command) (Exit, error) {
	if strings.Contains(c.Cmd, "sudo -n") {
		fmt.Fprintln(c.Stderr, r.said)
		return Exit{Code: 1}, nil
	}
	return Local{}.Run(ctx, c)
}

func TestCollectSudoDenied(t *testing.T) {
	cases := []struct{ said, want string }{
		{"sudo: a password is required", "needs a password"},
		{"sudo: sorry, you must have a tty to run sudo", "requiretty"},
		{"sudo: illegal option `-n'", "too old"},
	}
	for _, tc := range cases {
		root := echoProbe("root", "id -u")
		root.Sudo = true
		opt := CollectOptions{Sudo: true, Probes: []probe.Probe{root, echoProbe("plain", "echo ok")}}
		snap, err := Collect(context.Background(), refusingRunner{said: tc.said}, opt)
		if err != nil {
			t.Fatal(err)
		}
		got := snap.Probes["root"]
		if got.Status != fleet.ProbeSudoDenied || !strings.Contains(got.Error, tc.want) {
			t.Errorf("sudo said %q: probe = %+v, want sudo_denied mentioning %q", tc.said, got, tc.want)
		}
		if snap.Facts.Custom["plain"] == nil {
			t.Errorf("sudo said %q: the probe without sudo was lost", tc.said)
		}
	}
}

func TestPlanUsesAtMostFourSessions(t *testing.T) {
	p := func(name string, sudo, alone bool) probe.Probe {
		return probe.Probe{Name: name, Sudo: sudo, Alone: alone}
	}
	opt := CollectOptions{Sudo: true,
		Probes: []probe.Probe{p("a", false, false), p("b", true, false), p("c", false, false), p("lint", true, true)},
		Custom: []probe.Probe{p("x", false, false), p("y", false, false)}}
	ss := plan(opt)
	if len(ss) != 4 {
		t.Fatalf("plan made %d sessions, want 4: %+v", len(ss), ss)
	}
	if !ss[1].sudo || len(ss[1].probes) != 1 || ss[1].probes[0].Name != "b" {
		t.Errorf("sudo session = %+v", ss[1])
	}
	// A custom probe without sudo never runs under sudo, even beside one with it.
	opt.Custom = []probe.Probe{p("x", false, false), p("y", true, false)}
	for _, s := range plan(opt) {
		for _, pr := range s.probes {
			if s.sudo != (pr.Name == "y" || pr.Name == "b" || pr.Name == "lint") {
				t.Errorf("probe %s planned with sudo=%v", pr.Name, s.sudo)
			}
		}
	}
	opt.Sudo = false
	for _, s := range plan(opt) {
		if s.sudo {
			t.Errorf("a sudo session was planned for a host without sudo: %+v", s)
		}
	}
}

func TestDemuxByteByByte(t *testing.T) {
	nonce := "abc"
	d := newDemux(nonce, 1<<10)
	m := markerPrefix(nonce)
	stream := "banner\n\n" + m + "begin p\nline1\n" + m[:5] + "not a marker\n\n" + m + "end p 7 1\ntrailing"
	for i := range len(stream) {
		if _, err := d.Write([]byte{stream[i]}); err != nil {
			t.Fatal(err)
		}
	}
	out, _, sec := d.result("p")
	if want := "line1\n" + m[:5] + "not a marker\n"; string(out) != want {
		t.Errorf("section = %q, want %q", out, want)
	}
	if sec == nil || !sec.ended || sec.exitCode != 7 || !sec.timedOut {
		t.Errorf("section end = %+v", sec)
	}
	if !strings.HasPrefix(string(d.stray()), "banner") {
		t.Errorf("stray = %q, want the banner", d.stray())
	}
}

func FuzzDemux(f *testing.F) {
	m := markerPrefix("n")
	f.Add([]byte("\n" + m + "begin p\nx\n" + m + "end p 0 0\n"))
	f.Add([]byte(m + m + "begin\n\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := newDemux("n", 64)
		for len(b) > 0 {
			n := 1 + int(b[0])%7
			n = min(n, len(b))
			if _, err := d.Write(b[:n]); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
		for name := range d.sections {
			out, _, _ := d.result(name)
			if len(out) > 64 {
				t.Fatalf("section %q kept %d bytes over its cap", name, len(out))
			}
		}
		if len(d.pending) > maxMarkerLine+1 {
			t.Fatalf("pending grew to %d", len(d.pending))
		}
	})
}

// TestCollectLeavesNoWatchdog runs many quick probes, whose watchdogs are
// told to stop at once, often before their sleep has started: none may be
// left behind. (A watchdog that kills its sleep from a trap instead of as a
// process group leaves some: a signal that comes just before the trap's
// shell waits is seen only when the sleep ends.)
func TestCollectLeavesNoWatchdog(t *testing.T) {
	secs := 4000 + time.Now().UnixNano()%999 // a sleep length no other process uses
	for _, r := range shells(t) {
		var ps []probe.Probe
		for i := range 30 {
			ps = append(ps, echoProbe(fmt.Sprintf("quick%d", i), "true"))
		}
		opt := CollectOptions{Probes: ps, ProbeTimeout: time.Duration(secs) * time.Second}
		snap, err := Collect(context.Background(), r, opt)
		if err != nil {
			t.Fatal(err)
		}
		for name, p := range snap.Probes {
			if p.Status != fleet.ProbeOK {
				t.Errorf("%s: %s %s", name, p.Status, p.Error)
			}
		}
		if n := sleepsLeft(secs); n > 0 {
			t.Errorf("%s: %d watchdog sleeps left behind", r.(shellRunner).shell, n)
		}
	}
}

// sleepsLeft counts the processes "sleep SECS" still running once ten
// seconds have passed: a sleep whose group was just sent TERM may not have
// run yet on a loaded machine, and one left behind lives for secs seconds.
func sleepsLeft(secs int64) int {
	n := 0
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, _ := exec.Command("pgrep", "-f", fmt.Sprintf("^sleep %d$", secs)).Output()
		if n = len(bytes.Fields(out)); n == 0 || time.Now().After(deadline) {
			return n
		}
	}
}
