package probe

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// BenchmarkParseDemoHost parses every built-in probe's output of a demo
// host (a MailScanner gateway, recorded from a lab host): the parsing the
// coordinator does for each host of a collect.
func BenchmarkParseDemoHost(b *testing.B) {
	dir := filepath.Join("..", "..", "cmd", "fleetcheck", "demodata", "good")
	type input struct {
		p Probe
		r Result
	}
	var inputs []input
	for _, p := range All() {
		out, err := os.ReadFile(filepath.Join(dir, p.Name+".out"))
		if err != nil {
			b.Fatal(err)
		}
		errOut, err := os.ReadFile(filepath.Join(dir, p.Name+".err"))
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, input{p, Result{Stdout: out, Stderr: errOut}})
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
