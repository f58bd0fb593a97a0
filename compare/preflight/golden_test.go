package preflight

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// scenarioSnapshots reads the lab scenario's snapshots of package compare,
// in file name order.
func scenarioSnapshots(t *testing.T, name string) []*fleet.Snapshot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "scenarios", name, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no snapshots in ../testdata/scenarios/%s", name)
	}
	var snaps []*fleet.Snapshot
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var s fleet.Snapshot
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		snaps = append(snaps, &s)
	}
	return snaps
}

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
			rep := Check(tc.open(t), scenarioSnapshots(t, tc.scenario), now)
			var b bytes.Buffer
			if err := render.JSON(&b, rep); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", fmt.Sprintf("%s.%s.%d.json", tc.scenario, tc.release, rep.ExitCode()))
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (exit code %d; run go test -update)", err, rep.ExitCode())
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("report differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}
