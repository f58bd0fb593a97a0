package remote

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// TestHeadTailBufferKeepsWholeLines writes numbered lines in uneven chunks
// and checks what is kept: the first lines, the last lines, nothing cut in
// the middle of a line, and no more than the cap.
func TestHeadTailBufferKeepsWholeLines(t *testing.T) {
	var all bytes.Buffer
	for i := range 5000 {
		fmt.Fprintf(&all, "line %d of the output\n", i)
	}
	all.WriteString("FATAL: the last error\n")
	for _, limit := range []int64{64, 1000, 4096} {
		for _, chunk := range []int{1, 7, 1000, all.Len()} {
			w := NewHeadTailBuffer(limit)
			for p := all.Bytes(); len(p) > 0; {
				n := min(chunk, len(p))
				w.Write(p[:n])
				p = p[n:]
			}
			got := w.Bytes()
			if int64(len(got)) > limit || !w.Truncated() || w.Total() != int64(all.Len()) {
				t.Fatalf("limit %d chunk %d: kept %d bytes, truncated %v, total %d", limit, chunk, len(got), w.Truncated(), w.Total())
			}
			if limit >= 1000 && (!bytes.HasPrefix(got, []byte("line 0 of the output\n")) || !bytes.HasSuffix(got, []byte("FATAL: the last error\n"))) {
				t.Errorf("limit %d chunk %d: head or tail lost:\n%s", limit, chunk, got)
			}
			for _, l := range strings.Split(strings.TrimSuffix(string(got), "\n"), "\n") {
				if l != "" && !strings.HasPrefix(l, "line ") && l != "FATAL: the last error" || strings.HasPrefix(l, "line ") && !strings.HasSuffix(l, " of the output") {
					t.Errorf("limit %d chunk %d: a cut line %q", limit, chunk, l)
				}
			}
		}
	}
	// Output that fits is kept whole, even past the head's half.
	w := NewHeadTailBuffer(100)
	w.Write([]byte(strings.Repeat("x", 60)))
	w.Write([]byte(strings.Repeat("y", 40)))
	if got := string(w.Bytes()); got != strings.Repeat("x", 60)+strings.Repeat("y", 40) || w.Truncated() {
		t.Errorf("output at the cap = %q, truncated %v; want it whole", got, w.Truncated())
	}
}

// TestCollectKeepsTailOfLint: a probe marked KeepTail that floods its
// output still delivers its final line, is truncated, and makes its host
// partial, never ok.
func TestCollectKeepsTailOfLint(t *testing.T) {
	var got probe.Result
	opt := CollectOptions{OutputLimit: 4096, Probes: []probe.Probe{{Name: "lint", KeepTail: true,
		Command: `i=0; while [ $i -lt 3000 ]; do echo "checking rule $i"; i=$((i+1)); done; echo "Error: the final complaint" >&2; echo "Error: the final complaint"`,
		Parse: func(r probe.Result, f *fleet.Facts) error {
			got = r
			return nil
		}}}}
	snap, err := Collect(context.Background(), Local{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(strings.TrimSpace(string(got.Stdout)), "\nError: the final complaint") || !strings.HasPrefix(string(got.Stdout), "checking rule 0\n") {
		t.Errorf("stdout kept %q ... %q", got.Stdout[:min(40, len(got.Stdout))], got.Stdout[max(0, len(got.Stdout)-40):])
	}
	if st := snap.Probes["lint"].Status; st != fleet.ProbeTruncated {
		t.Errorf("status %s, want truncated", st)
	}
	if snap.Status != fleet.HostPartial {
		t.Errorf("host status %s with a truncated probe, want partial", snap.Status)
	}
}
