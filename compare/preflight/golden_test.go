package preflight

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// scenarios is the directory of package compare's scenarios.
var scenarios = filepath.Join("..", "testdata", "scenarios")

// TestGolden checks the seed scenario's fleet against the 4.84.3 RPM
// installer and install-Clam-SA, as JSON reports in
// testdata/<scenario>.<release>.<exit>.json; -update rewrites them.
func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		scenario, release string
		open              func(testing.TB) *Release
	}{
		{"seed", "rpm-4.84.3", openRPM4843},
		{"seed", "clam-sa", openClamSA},
	} {
		t.Run(tc.scenario+"."+tc.release, func(t *testing.T) {
			rep := Check(tc.open(t), scenario.Snapshots(t, filepath.Join(scenarios, tc.scenario)), now)
			var b bytes.Buffer
			if err := render.JSON(&b, rep); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", fmt.Sprintf("%s.%s.%d.json", tc.scenario, tc.release, rep.ExitCode()))
			fleettest.CheckFile(t, golden, b.Bytes(), *update)
		})
	}
}

// TestScenarios checks every lab scenario against every kind of release:
// no finding is left unexplained, no cause lacks a fix, and a host needs
// attention exactly when a cause of warning or above says so.
func TestScenarios(t *testing.T) {
	req := &Release{Path: "requirements.txt", Kind: KindRequirements, Perl: "5.8.8", Dists: []Dist{
		{Name: "Mail::SpamAssassin", Version: "3.2", Min: "3.2", Modules: []string{"Mail::SpamAssassin"}},
		{Name: "Archive::Zip", Version: "1.30", Min: "1.30", Modules: []string{"Archive::Zip"}},
	}}
	for _, dir := range scenario.Dirs(t, scenarios) {
		name := filepath.Base(dir)
		snaps := scenario.Snapshots(t, dir)
		for _, r := range []*Release{openRPM4843(t), openTar4843(t), openClamSA(t), req} {
			rep := Check(r, snaps, now)
			for i := range rep.Hosts {
				h := &rep.Hosts[i]
				serious := false
				for _, c := range h.Causes {
					if c.Fix == "" || c.Summary == "" {
						t.Errorf("%s/%s %s: %s without summary or fix", name, r.Kind, h.Host, c.Rule)
					}
					serious = serious || c.Severity != "info"
				}
				if len(h.Unexplained) > 0 {
					t.Errorf("%s/%s %s: unexplained %v", name, r.Kind, h.Host, h.Unexplained)
				}
				if h.Differs() != serious {
					t.Errorf("%s/%s %s: Differs() = %v with causes of warning or above = %v", name, r.Kind, h.Host, h.Differs(), serious)
				}
			}
		}
	}
}
