// Package scenario loads the stored snapshots that tests compare: package
// compare's scenarios (testdata/scenarios/<name>/, one directory per fleet)
// and the demo fleet's snapshots (testdata/demo/). Every package under
// compare reads them through here, with fleet.ReadSnapshot as fleetcheck
// itself does, and a directory without snapshots fails the test: a scenario
// that went missing must not pass by checking nothing.
package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Snapshots reads every *.json file in dir, in file name order.
func Snapshots(t testing.TB, dir string) []*fleet.Snapshot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("%s: no snapshots (*.json)", dir)
	}
	snaps := make([]*fleet.Snapshot, len(files))
	for i, f := range files {
		snaps[i] = Snapshot(t, f)
	}
	return snaps
}

// Snapshot reads one snapshot file.
func Snapshot(t testing.TB, path string) *fleet.Snapshot {
	t.Helper()
	s, err := fleet.ReadSnapshot(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Dirs returns the scenario directories under root, in name order.
func Dirs(t testing.TB, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatalf("scenarios: %v", err)
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	if len(dirs) == 0 {
		t.Fatalf("%s: no scenario directories", root)
	}
	return dirs
}

// Scenario is one fleet's snapshots and what they are compared against.
type Scenario struct {
	// Name is the directory's name.
	Name      string
	Snapshots []*fleet.Snapshot
	Baseline  compare.Baseline
	// Before holds the earlier snapshots of a drift scenario.
	Before []*fleet.Snapshot
}

// Load reads the scenario in dir: every *.json file is one host's snapshot
// (hosts in file name order), and the optional file "baseline" says
// "host NAME", "file PATH" (a snapshot, relative to dir, outside its top
// level), "drift DIR" (each host against its own snapshot in DIR) or
// "majority" (the default).
func Load(t testing.TB, dir string) *Scenario {
	t.Helper()
	sc := &Scenario{Name: filepath.Base(dir), Snapshots: Snapshots(t, dir),
		Baseline: compare.Baseline{Kind: compare.BaselineMajority}}
	spec, err := os.ReadFile(filepath.Join(dir, "baseline"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	kind, arg, _ := strings.Cut(strings.TrimSpace(string(spec)), " ")
	switch kind {
	case "", "majority":
	case "host":
		sc.Baseline = compare.Baseline{Kind: compare.BaselineHost, Host: arg}
	case "drift":
		sc.Before = Snapshots(t, filepath.Join(dir, arg))
		sc.Baseline = compare.Baseline{Kind: compare.BaselineDrift}
	case "file":
		sc.Baseline = compare.Baseline{Kind: compare.BaselineFile, Snapshot: Snapshot(t, filepath.Join(dir, arg)), Source: arg}
	default:
		t.Fatalf("%s/baseline: unknown kind %q", dir, kind)
	}
	return sc
}

// Report compares the scenario's hosts with its baseline, as of now.
func (sc *Scenario) Report(t testing.TB, now time.Time) *compare.Report {
	t.Helper()
	opt := compare.Options{Now: now}
	var r *compare.Report
	var err error
	if sc.Baseline.Kind == compare.BaselineDrift {
		r, err = compare.Drift(sc.Before, sc.Snapshots, opt)
	} else {
		r, err = compare.Compare(sc.Snapshots, sc.Baseline, opt)
	}
	if err != nil {
		t.Fatalf("scenario %s: %v", sc.Name, err)
	}
	return r
}
