package compare_test

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// narrow measures display columns the way a terminal without East Asian
// ambiguous-width fonts does, independently of the renderer's own measure.
var narrow = &runewidth.Condition{EastAsianWidth: false}

// widthReports are the reports of every golden: the scenarios, the demo
// fleet, a 200-host fleet, a fleet with waivers, and the seed with wide
// (CJK) text from a host.
func widthReports(t *testing.T) map[string]*compare.Report {
	t.Helper()
	out := map[string]*compare.Report{}
	for _, dir := range scenario.Dirs(t, filepath.Join("testdata", "scenarios")) {
		out[filepath.Base(dir)] = scenario.Load(t, dir).Report(t, fleettest.Time)
	}
	var err error
	if out["demo"], err = compare.Compare(scenario.Snapshots(t, filepath.Join("testdata", "demo")), compare.Baseline{Host: "mail01"}, compare.Options{Now: fleettest.Time}); err != nil {
		t.Fatal(err)
	}
	if out["fleet200"], err = compare.Compare(fleettest.Fleet(200), compare.Baseline{Host: "mail0001"}, compare.Options{Now: fleettest.Time}); err != nil {
		t.Fatal(err)
	}
	// Waived causes and waivers, with a long reason and a long file name.
	snaps, ws := fleettest.WaivedFleet()
	for i := range ws {
		ws[i].Reason = strings.Repeat("the bigger box runs thirty children ", 5)
		ws[i].File = "/etc/fleetcheck/" + strings.Repeat("inventory-of-the-mail-relays-", 3) + "waivers.yaml"
	}
	if out["waived"], err = compare.Compare(snaps, compare.Baseline{Host: "mail1"}, compare.Options{Now: fleettest.Time, Waivers: ws}); err != nil {
		t.Fatal(err)
	}
	if out["waived"].Summary.Waived == 0 || len(out["waived"].Waivers) != 3 {
		t.Fatalf("the waived report has %d waived causes and %d waivers", out["waived"].Summary.Waived, len(out["waived"].Waivers))
	}
	seed := scenario.Load(t, filepath.Join("testdata", "scenarios", "seed"))
	snaps, base := seed.Snapshots, seed.Baseline
	for _, s := range snaps {
		if s.Facts.Config != nil {
			s.Facts.Config.Values["maxchildren"] = fleet.ConfigValue{Key: "Max Children", Value: strings.Repeat("メール処理の子プロセス数", 4) + s.Host}
		}
		s.Host = "メールサーバー-" + s.Host
	}
	base.Host = snaps[0].Host
	if out["wide"], err = compare.Compare(snaps, base, compare.Options{Now: fleettest.Time}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestTableFitsTheTerminal renders every golden report at terminal widths
// from 40 to 200 columns and checks that no line, table or prose, is wider
// than the terminal.
func TestTableFitsTheTerminal(t *testing.T) {
	for name, r := range widthReports(t) {
		for _, width := range []int{40, 60, 80, 100, 132, 160, 200} {
			t.Run(fmt.Sprintf("%s/%d", name, width), func(t *testing.T) {
				var out bytes.Buffer
				if err := render.Table(&out, r, render.TableOptions{Width: width}); err != nil {
					t.Fatal(err)
				}
				for i, line := range strings.Split(out.String(), "\n") {
					if n := narrow.StringWidth(line); n > width {
						t.Errorf("line %d is %d columns wide, want at most %d:\n%s", i+1, n, width, line)
					}
				}
			})
		}
	}
}
