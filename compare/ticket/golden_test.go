package ticket

import (
	"bytes"
	"flag"
	"io"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testOptions are the heading options of every golden report.
var testOptions = Options{ToolVersion: "v0.0.0-test", Command: "fleetcheck compare -i inventory.yaml"}

// TestGolden renders each of compare's scenarios (testdata/scenarios) and
// this package's own injection scenario in both formats, and compares the
// result with testdata/<scenario>.md and testdata/<scenario>.html.
func TestGolden(t *testing.T) {
	type load func(testing.TB, string) (*compare.Report, []*fleet.Snapshot)
	cases := map[string]load{"injection": builtScenario}
	for _, dir := range scenario.Dirs(t, scenarios) {
		cases[filepath.Base(dir)] = sharedScenario
	}
	formats := []struct {
		ext    string
		render func(io.Writer, *compare.Report, []*fleet.Snapshot, Options) error
	}{{".md", Markdown}, {".html", HTML}}
	for name, load := range cases {
		for _, f := range formats {
			t.Run(name+f.ext, func(t *testing.T) {
				rep, snaps := load(t, name)
				var buf bytes.Buffer
				if err := f.render(&buf, rep, snaps, testOptions); err != nil {
					t.Fatal(err)
				}
				fleettest.CheckFile(t, filepath.Join("testdata", name+f.ext), buf.Bytes(), *update)
			})
		}
	}
}
