package probe

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestMemoryReal starts a fake MailScanner whose three children each hold
// about 24 MB, and reads their resident size and the machine's memory with
// the real ps and /proc/meminfo.
func TestMemoryReal(t *testing.T) {
	startFakeMailScanner(t, `my $m = "x" x 24_000_000;`)
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			var f fleet.Facts
			var r Result
			big := 0
			for i := 0; i < 100 && big < 3; i++ { // the children need a moment to fill
				r = runShell(t, sh, Memory.Command, nil)
				if err := Memory.Parse(r, &f); err != nil {
					t.Fatalf("%v\n%s", err, r.Stdout)
				}
				big = 0
				for _, rss := range f.Memory.ChildRSSKB {
					if rss >= 20_000 {
						big++
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
			m := f.Memory
			if big < 3 || m.TotalKB <= 0 || m.AvailableKB <= 0 || m.AvailableKB > m.TotalKB || m.AvailableEstimated {
				t.Fatalf("memory = %+v, want 3 children of 20 MB or more\n%s", m, r.Stdout)
			}
			if sh == "dash" {
				saveCapture(t, fleet.ProbeMemory, "debian12-fake-mailscanner", r.Stdout)
			}
		})
	}
}

func TestParseMemoryCaptured(t *testing.T) {
	out := readCase(t, fleet.ProbeMemory, "debian12-fake-mailscanner")
	var f fleet.Facts
	if err := Memory.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	m := f.Memory
	if len(m.MasterRSSKB) != 1 || len(m.ChildRSSKB) != 3 || m.ChildRSSKB[0] < 20_000 || m.AvailableEstimated || m.TotalKB != 24_683_620 {
		t.Errorf("memory = %+v", m)
	}
	// The same machine as a kernel before 3.14 shows it: no MemAvailable.
	old := regexp.MustCompile(`(?m)^MemAvailable:.*\n`).ReplaceAll(out, nil)
	var g fleet.Facts
	if err := Memory.Parse(Result{Stdout: old}, &g); err != nil {
		t.Fatal(err)
	}
	kb := func(name string) int64 {
		re := regexp.MustCompile(`(?m)^` + name + `:\s+(\d+) kB`)
		var n int64
		for _, c := range re.FindSubmatch(out)[1] {
			n = n*10 + int64(c-'0')
		}
		return n
	}
	want := kb("MemFree") + kb("Buffers") + kb("Cached") + kb("SReclaimable")
	if !g.Memory.AvailableEstimated || g.Memory.AvailableKB != want {
		t.Errorf("estimated available = %d (%v), want %d", g.Memory.AvailableKB, g.Memory.AvailableEstimated, want)
	}
}

func TestParseMemorySwap(t *testing.T) {
	out := "@@fc meminfo\nMemTotal: 2059504 kB\nMemFree: 20480 kB\nBuffers: 1024 kB\nCached: 30000 kB\n" +
		"SwapCached: 1000 kB\nSwapTotal: 4194296 kB\nSwapFree: 3000000 kB\n@@fc ps\n  PID  PPID   RSS COMMAND\n"
	var f fleet.Facts
	if err := Memory.Parse(Result{Stdout: []byte(out)}, &f); err != nil {
		t.Fatal(err)
	}
	if m := f.Memory; m.SwapUsedKB != 4194296-3000000-1000 || m.AvailableKB != 51504 || len(m.ChildRSSKB) != 0 || m.ChildRSSKB == nil {
		t.Errorf("memory = %+v", m)
	}
	for _, bad := range []string{"", "@@fc meminfo\nMemFree: 1 kB\n", strings.Repeat("x", 100)} {
		if err := Memory.Parse(Result{Stdout: []byte(bad)}, &f); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func FuzzParseMemory(f *testing.F) {
	seedCorpus(f, fleet.ProbeMemory)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, Memory, data) })
}
