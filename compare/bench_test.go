package compare

import (
	"runtime"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func benchCompare(b *testing.B, base Baseline) {
	snaps := fleettest.Fleet(1000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := Compare(snaps, base, Options{Now: scenarioTime})
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Hosts) != len(snaps) {
			b.Fatal("hosts lost")
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/1e6, "MB-alloc/op")
}

// BenchmarkCompare1000Host compares 1,000 snapshots with a baseline host.
func BenchmarkCompare1000Host(b *testing.B) {
	benchCompare(b, Baseline{Kind: BaselineHost, Host: "mail0001"})
}

// BenchmarkCompare1000Majority compares 1,000 snapshots with the majority.
func BenchmarkCompare1000Majority(b *testing.B) {
	benchCompare(b, Baseline{})
}
