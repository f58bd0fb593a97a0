package ticket

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// sharedDir holds the compare package's scenarios: one directory per
// scenario with a "baseline" file ("host NAME", "majority" or
// "drift before") and one snapshot per host (before/ for drift).
const sharedDir = "../testdata/scenarios"

// sharedScenarios lists the scenario directories, sorted.
func sharedScenarios(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(sharedDir)
	if err != nil {
		t.Fatalf("compare's scenarios: %v", err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func readSnapshots(t testing.TB, dir string) []*fleet.Snapshot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	var snaps []*fleet.Snapshot
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := new(fleet.Snapshot)
		if err := json.Unmarshal(b, s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		snaps = append(snaps, s)
	}
	return snaps
}

// sharedScenario compares one of compare's scenarios as its baseline file says.
func sharedScenario(t testing.TB, name string) (*compare.Report, []*fleet.Snapshot) {
	t.Helper()
	dir := filepath.Join(sharedDir, name)
	spec, err := os.ReadFile(filepath.Join(dir, "baseline"))
	if err != nil {
		t.Fatal(err)
	}
	snaps := readSnapshots(t, dir)
	opt := compare.Options{Now: scenarioTime}
	var rep *compare.Report
	switch kind, arg, _ := strings.Cut(strings.TrimSpace(string(spec)), " "); kind {
	case "host":
		rep, err = compare.Compare(snaps, compare.Baseline{Host: arg}, opt)
	case "majority":
		rep, err = compare.Compare(snaps, compare.Baseline{Kind: compare.BaselineMajority}, opt)
	case "drift":
		rep, err = compare.Drift(readSnapshots(t, filepath.Join(dir, arg)), snaps, opt)
	default:
		t.Fatalf("%s: unknown baseline %q", dir, spec)
	}
	if err != nil {
		t.Fatalf("scenario %s: %v", name, err)
	}
	return rep, snaps
}
