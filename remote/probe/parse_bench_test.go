package probe_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// BenchmarkParseDemoHost parses every built-in probe's output of a demo
// host (a MailScanner gateway, recorded from a lab host): the parsing the
// coordinator does for each host of a collect.
func BenchmarkParseDemoHost(b *testing.B) {
	dir := filepath.Join("..", "..", "cmd", "fleetcheck", "demodata", "good")
	type input struct {
		p probe.Probe
		r probe.Result
	}
	recs, err := remote.ReadRecordings(os.DirFS(dir), ".")
	if err != nil {
		b.Fatal(err)
	}
	var inputs []input
	for _, p := range probe.All() {
		rec, ok := recs[p.Name]
		if !ok {
			b.Fatalf("%s: no recording of %s", dir, p.Name)
		}
		inputs = append(inputs, input{p, probe.Result{Stdout: rec.Stdout, Stderr: rec.Stderr}})
	}
	b.ReportAllocs()
	for b.Loop() {
		var f fleet.Facts
		for _, in := range inputs {
			if err := in.p.Parse(in.r, &f); err != nil {
				b.Fatalf("%s: %v", in.p.Name, err)
			}
		}
	}
}
