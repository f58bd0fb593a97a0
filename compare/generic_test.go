package compare

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func TestGenericFlatten(t *testing.T) {
	type part struct {
		Name string `json:"name"`
		On   bool   `json:"on"`
	}
	v := &struct {
		Version string            `json:"version"`
		Count   int               `json:"count"`
		Ratio   float64           `json:"ratio"`
		Parts   []part            `json:"parts"`
		Tags    map[string]string `json:"tags"`
		Skipped *int              `json:"skipped"`
		Empty   []string          `json:"empty"`
	}{Version: "1.0.7", Count: 3, Ratio: 0.25, Parts: []part{{"a", true}, {"b", false}},
		Tags: map[string]string{"x.y": "z"}}
	fl := &flattener{}
	fl.generic("clamav", v)
	got := map[string]string{}
	for _, f := range sortFacts(fl.facts) {
		if f.probe != "clamav" || f.cmp != cmpExact || f.key != "clamav."+f.attr {
			t.Errorf("fact %+v", f)
		}
		got[f.key] = f.value
	}
	want := map[string]string{"clamav.version": "1.0.7", "clamav.count": "3", "clamav.ratio": "0.25",
		"clamav.parts[0].name": "a", "clamav.parts[0].on": "true", "clamav.parts[1].name": "b",
		"clamav.parts[1].on": "false", "clamav.tags.x.y": "z"}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
}

// TestFlattenersOfBuiltinProbes checks that each flattener belongs to a
// built-in probe and reads that probe's facts: a host with the facts of
// every flattener flattens without a wrong type, and every probe's facts
// are keyed by its name.
func TestFlattenersOfBuiltinProbes(t *testing.T) {
	s := withResources(goodHost("h", 1), 1)
	for name := range flatteners {
		if !fleet.BuiltinProbe(name) {
			t.Errorf("flattener of %q, which is no built-in probe", name)
		}
		if !s.Facts.Has(name) {
			t.Errorf("goodHost has no facts of %s", name)
		}
	}
	keyed := map[string]bool{}
	for _, f := range flatten(s, nil) {
		if !strings.HasPrefix(f.key, f.probe+".") && !strings.HasPrefix(f.key, "custom.") {
			t.Errorf("fact %s of probe %s", f.key, f.probe)
		}
		keyed[f.probe] = true
	}
	for _, name := range s.Facts.Names() {
		if !keyed[name] {
			t.Errorf("no facts of %s", name)
		}
	}
}

// TestFlattenCachedIsFlatten: flattening with a cache shared by many
// hosts, some sharing facts values, gives what flattening each alone
// gives, for the demo's real snapshots, the test fleet and hosts with
// custom probes.
func TestFlattenCachedIsFlatten(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "demo", "*.json"))
	snaps := fleettest.Fleet(40)
	for _, f := range files {
		s, err := fleet.ReadSnapshot(f)
		if err != nil {
			t.Fatal(err)
		}
		snaps = append([]*fleet.Snapshot{s}, snaps...)
	}
	shared := *snaps[0]
	shared.Host = "shares-mail01"
	custom := *snaps[1]
	custom.Facts.Custom = map[string]*fleet.Custom{"zz": {Lines: []string{"a"}}, "aa": {Lines: []string{"b"}, ExitCode: 1}}
	snaps = append(snaps, &shared, &custom)
	fc := &flatCache{}
	for round := range 2 {
		for _, s := range snaps {
			if got, want := flatten(s, fc), flatten(s, nil); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %s: cached flatten differs (%d facts, want %d)", round, s.Host, len(got), len(want))
			}
		}
	}
	if len(fc.m) == 0 {
		t.Fatal("nothing was cached")
	}
}
