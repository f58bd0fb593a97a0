package fleettest

import (
	"fmt"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Fleet builds n snapshots, mail0001 on, from the scenario hosts with
// variations: most hosts are good, with every tenth a seed box, a
// CPAN-shadowing box, a hanging box or unreachable (or with failed probes),
// and some drift in settings and packages.
func Fleet(n int) []*fleet.Snapshot {
	snaps := make([]*fleet.Snapshot, 0, n)
	for i := range n {
		name := fmt.Sprintf("mail%04d", i+1)
		var s *fleet.Snapshot
		switch i % 10 {
		case 3:
			s = SeedBox(name, i)
		case 5:
			s = ShadowBox(name, i)
		case 7:
			s = HangBox(name, i)
		case 9:
			if i%30 == 9 {
				s = UnreachableBox(name)
			} else {
				s = FailedProbesBox(name, i)
			}
		default:
			s = GoodHost(name, i)
		}
		if s.Facts.Config != nil && i%4 == 1 {
			s.Facts.Config.Values["maxchildren"] = Cfg("Max Children", 75, fmt.Sprint(3+i%5))
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
