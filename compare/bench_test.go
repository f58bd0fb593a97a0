package compare

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// fleetOf builds n snapshots from the scenario hosts with variations: most
// hosts are good, with every tenth a seed box, a CPAN-shadowing box, a
// hanging box or unreachable, and some drift in settings and packages.
func fleetOf(n int) []*fleet.Snapshot {
	snaps := make([]*fleet.Snapshot, 0, n)
	for i := range n {
		name := fmt.Sprintf("mail%04d", i+1)
		var s *fleet.Snapshot
		switch i % 10 {
		case 3:
			s = seedBox(name, i)
		case 5:
			s = shadowBox(name, i)
		case 7:
			s = hangBox(name, i)
		case 9:
			if i%30 == 9 {
				s = unreachableBox(name)
			} else {
				s = failedProbesBox(name, i)
			}
		default:
			s = goodHost(name, i)
		}
		if s.Facts.Config != nil && i%4 == 1 {
			s.Facts.Config.Values["maxchildren"] = cfg("Max Children", 75, fmt.Sprint(3+i%5))
		}
		if s.Facts.Packages != nil && i%6 == 2 {
			s.Facts.Packages.Packages[4].Release = fmt.Sprintf("%d.el5", 3+i%3)
		}
		if s.Facts.Mounts != nil && i%8 == 4 {
			*s.Facts.Mounts.Paths[1].FreeKB /= int64(2 + i%3)
		}
		snaps = append(snaps, s)
	}
	return snaps
}

func benchCompare(b *testing.B, base Baseline) {
	snaps := fleetOf(1000)
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
