package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeSnapshot(t *testing.T, path string, s *fleet.Snapshot) {
	t.Helper()
	b, err := fleet.MarshalSorted(s)
	if err != nil {
		t.Fatal(err)
	}
	write(t, path, string(b))
}

// TestEmptyFails: a directory without snapshots, a root without scenarios,
// a file that is not a snapshot and an unknown baseline fail the test that
// loads them; none of them passes by checking nothing.
func TestEmptyFails(t *testing.T) {
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	write(t, filepath.Join(empty, "baseline"), "majority\n")
	bad := filepath.Join(root, "bad")
	write(t, filepath.Join(bad, "a.json"), `{"schema_version": 1}`)
	odd := filepath.Join(root, "odd")
	writeSnapshot(t, filepath.Join(odd, "a.json"), fleettest.GoodHost("a", 1))
	write(t, filepath.Join(odd, "baseline"), "median\n")
	for _, tc := range []struct {
		name string
		load func(testing.TB)
		want string
	}{
		{"no snapshots", func(tb testing.TB) { Snapshots(tb, empty) }, empty + ": no snapshots"},
		{"no scenario", func(tb testing.TB) { Load(tb, empty) }, empty + ": no snapshots"},
		{"no directory", func(tb testing.TB) { Snapshots(tb, filepath.Join(root, "nosuch")) }, "no snapshots"},
		{"no scenarios", func(tb testing.TB) { Dirs(tb, empty) }, empty + ": no scenario directories"},
		{"missing root", func(tb testing.TB) { Dirs(tb, filepath.Join(root, "nosuch")) }, "no such file"},
		{"not a snapshot", func(tb testing.TB) { Snapshots(tb, bad) }, "not a fleetcheck snapshot"},
		{"unknown baseline", func(tb testing.TB) { Load(tb, odd) }, `unknown kind "median"`},
	} {
		if got := fleettest.Failures(t, tc.load); !strings.Contains(got, tc.want) {
			t.Errorf("%s: failure %q, want one containing %q", tc.name, got, tc.want)
		}
	}
}

// TestLoad reads scenarios of every baseline kind and compares them.
func TestLoad(t *testing.T) {
	root := t.TempDir()
	for _, h := range []*fleet.Snapshot{fleettest.GoodHost("b", 2), fleettest.GoodHost("a", 1), fleettest.SeedBox("c", 3)} {
		for _, dir := range []string{"host", "majority", "drift", "file"} {
			writeSnapshot(t, filepath.Join(root, dir, h.Host+".json"), h)
		}
		writeSnapshot(t, filepath.Join(root, "drift", "before", h.Host+".json"), fleettest.GoodHost(h.Host, 1))
	}
	writeSnapshot(t, filepath.Join(root, "file", "golden", "g.json"), fleettest.GoodHost("golden", 9))
	write(t, filepath.Join(root, "host", "baseline"), "host b\n")
	write(t, filepath.Join(root, "drift", "baseline"), "drift before\n")
	write(t, filepath.Join(root, "file", "baseline"), "file golden/g.json\n")

	dirs := Dirs(t, root)
	if len(dirs) != 4 || filepath.Base(dirs[0]) != "drift" || filepath.Base(dirs[3]) != "majority" {
		t.Fatalf("Dirs = %v, want drift, file, host, majority", dirs)
	}
	for _, tc := range []struct {
		dir, kind, host string
	}{
		{"host", compare.BaselineHost, "b"},
		{"majority", compare.BaselineMajority, ""},
		{"drift", compare.BaselineDrift, ""},
		{"file", compare.BaselineFile, "golden"},
	} {
		sc := Load(t, filepath.Join(root, tc.dir))
		var hosts []string
		for _, s := range sc.Snapshots {
			hosts = append(hosts, s.Host)
		}
		if sc.Name != tc.dir || strings.Join(hosts, ",") != "a,b,c" {
			t.Errorf("%s: name %q, hosts %v, want a,b,c in file name order", tc.dir, sc.Name, hosts)
		}
		if tc.dir == "drift" && len(sc.Before) != 3 {
			t.Errorf("drift: %d earlier snapshots, want 3", len(sc.Before))
		}
		r := sc.Report(t, fleettest.Time)
		if r.Baseline.Kind != tc.kind || (tc.host != "" && r.Baseline.Host != tc.host) {
			t.Errorf("%s: report baseline %+v, want kind %s host %q", tc.dir, r.Baseline, tc.kind, tc.host)
		}
		if h := r.Hosts[2]; h.Host != "c" || len(h.Causes) == 0 {
			t.Errorf("%s: the seed box %s has no causes", tc.dir, h.Host)
		}
	}
}
