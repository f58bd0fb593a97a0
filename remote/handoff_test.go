package remote

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// handoffProbes are a source whose output a filter copies while handing
// over its "name" lines, and a receiver that prints its stdin; the receiver
// comes first, as perl_modules comes before mailscanner_version, and
// another probe between them. The receiver counts which of descriptors 4
// and 5 it does not have, with builtins only: a pipeline would open a pipe
// on them itself.
func handoffProbes(source string, timeout time.Duration, got map[string]probe.Result) []probe.Probe {
	keep := func(name string) func(probe.Result, *fleet.Facts) error {
		return func(r probe.Result, _ *fleet.Facts) error {
			got[name] = r
			return nil
		}
	}
	filter := `while IFS= read -r l; do printf '%s\n' "$l"; case "$l" in name*) echo "loaded ${l#name }" >&5;; esac; done; [ -z "$l" ] || printf '%s' "$l"`
	return []probe.Probe{
		{Name: "receiver", Command: "cat; echo end; n=0; for f in 4 5; do [ -e /proc/$$/fd/$f ] || n=$((n+1)); done; echo $n",
			Stdin:   func([]string) []byte { return []byte("Own::Name\n$HOME `x` \\n\n") },
			Handoff: &probe.Handoff{From: "source", Filter: filter}, ParseTimeout: true, Parse: keep("receiver")},
		echoProbe("between", "echo between"),
		{Name: "source", Command: source, Timeout: timeout, ParseTimeout: true, Parse: keep("source")},
	}
}

func TestCollectHandoff(t *testing.T) {
	for _, r := range shells(t) {
		t.Run(r.(shellRunner).shell, func(t *testing.T) {
			cases := []struct {
				name, source string
				timeout      time.Duration
				handed       string // what the receiver gets before its own stdin
				out          string // the source's stdout
				code         int
			}{
				{"ok", "echo name A; echo other; echo name B::C; printf 'no newline'", 10 * time.Second,
					probe.HandoffOK + "\nloaded A\nloaded B::C\n", "name A\nother\nname B::C\nno newline", 0},
				{"failed", "echo name A; exit 3", 10 * time.Second, "\n", "name A\n", 3},
				{"timed out", "echo name A; sleep 30", time.Second, "\n", "name A\n", 143},
			}
			for _, c := range cases {
				got := map[string]probe.Result{}
				opt := CollectOptions{Probes: handoffProbes(c.source, c.timeout, got)}
				if _, err := Collect(context.Background(), r, opt); err != nil {
					t.Fatal(err)
				}
				src, recv := got["source"], got["receiver"]
				if string(src.Stdout) != c.out || src.ExitCode != c.code && !(c.code == 143 && src.TimedOut) {
					t.Errorf("%s: source stdout %q exit %d, want %q exit %d", c.name, src.Stdout, src.ExitCode, c.out, c.code)
				}
				// The filter's lines and the status line may come in either order.
				own := "Own::Name\n$HOME `x` \\n\nend\n2\n"
				handed, ok := strings.CutSuffix(string(recv.Stdout), own)
				if !ok || sortedLines(handed) != sortedLines(c.handed) {
					t.Errorf("%s: receiver stdin %q, want %q then %q", c.name, recv.Stdout, c.handed, own)
				}
			}
		})
	}
}

func sortedLines(s string) string {
	l := strings.Split(s, "\n")
	slices.Sort(l)
	return strings.Join(l, "\n")
}

// TestCollectHandoffWithoutSource: a receiver whose source is not selected
// gets its own stdin only.
func TestCollectHandoffWithoutSource(t *testing.T) {
	got := map[string]probe.Result{}
	ps := handoffProbes("echo name A", 10*time.Second, got)
	opt := CollectOptions{Probes: ps[:2]}
	if _, err := Collect(context.Background(), Local{}, opt); err != nil {
		t.Fatal(err)
	}
	if s := string(got["receiver"].Stdout); s != "Own::Name\n$HOME `x` \\n\nend\n2\n" {
		t.Errorf("receiver stdin %q", s)
	}
}

func TestLinkHandoffsOrder(t *testing.T) {
	ps := handoffProbes("true", time.Second, nil)
	items := make([]batchItem, len(ps))
	for i, p := range ps {
		items[i] = batchItem{name: p.Name}
	}
	items = linkHandoffs(ps, items)
	var names []string
	for _, it := range items {
		names = append(names, it.name)
	}
	if got := strings.Join(names, " "); got != "between source receiver" || items[1].filter == "" || items[2].takes != "source" {
		t.Errorf("items = %s %+v", got, items)
	}
}

// TestCollectEndsLeftovers: a probe that leaves a process behind holding
// its output, the handoff's source among them, neither keeps the later
// probes waiting nor leaves that process on the host.
func TestCollectEndsLeftovers(t *testing.T) {
	secs := 5000 + time.Now().UnixNano()%999 // a sleep length no other process uses
	leftover := fmt.Sprintf("sleep %d &", secs)
	for _, r := range shells(t) {
		t.Run(r.(shellRunner).shell, func(t *testing.T) {
			got := map[string]probe.Result{}
			ps := append(handoffProbes("echo name A; "+leftover+" echo name B", time.Minute, got),
				probe.Probe{Name: "plain", Command: leftover + " echo plain", Parse: func(r probe.Result, _ *fleet.Facts) error {
					got["plain"] = r
					return nil
				}},
				echoProbe("after", "echo after"))
			// Were the leftovers waited for, the probes after them would
			// still be running at this deadline.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			snap, err := Collect(ctx, r, CollectOptions{Probes: ps})
			if err != nil {
				t.Fatal(err)
			}
			for name, p := range snap.Probes {
				if p.Status != fleet.ProbeOK {
					t.Errorf("%s: %s %s", name, p.Status, p.Error)
				}
			}
			own := "Own::Name\n$HOME `x` \\n\nend\n2\n"
			want := probe.HandoffOK + "\nloaded A\nloaded B\n"
			if handed, ok := strings.CutSuffix(string(got["receiver"].Stdout), own); !ok || sortedLines(handed) != sortedLines(want) {
				t.Errorf("receiver stdin %q, want %q then %q", got["receiver"].Stdout, want, own)
			}
			if string(got["plain"].Stdout) != "plain\n" {
				t.Errorf("plain stdout %q", got["plain"].Stdout)
			}
			if n := sleepsLeft(secs); n > 0 {
				t.Errorf("%d left-behind sleeps still running", n)
			}
		})
	}
}
