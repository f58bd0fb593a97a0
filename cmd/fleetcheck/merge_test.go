package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// reportOutline is what a compare --format json report says of each host,
// without times.
func reportOutline(t *testing.T, out string) []string {
	t.Helper()
	var rep struct {
		Hosts []struct {
			Host     string `json:"host"`
			Status   string `json:"status"`
			Causes   []struct{ Rule, Summary string }
			Findings []struct{ Fact, Kind string }
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var lines []string
	for _, h := range rep.Hosts {
		line := h.Host + " " + h.Status
		for _, c := range h.Causes {
			line += " | " + c.Rule + ": " + c.Summary
		}
		for _, f := range h.Findings {
			line += " | " + f.Fact + " " + f.Kind
		}
		lines = append(lines, line)
	}
	return lines
}

// TestShardAndMerge collects the demo's simulated fleet over SSH in three
// shards, merges them, and checks that the merged run gives the same
// report as one collect of the whole fleet; a missing shard and a host in
// two runs are reported, never dropped.
func TestShardAndMerge(t *testing.T) {
	dir := t.TempDir()
	demo, err := startDemoFleet(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer demo.close()
	vars := map[string]string{"HOME": dir}
	inventory := filepath.Join(dir, "inventory.yaml")
	collect := func(store string, args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, vars, append([]string{"collect", "-i", inventory, "--store", store}, args...)...)
		if code != exitOK {
			t.Fatalf("collect %v: exit %d\n%s\n%s", args, code, out, stderr)
		}
		run, err := fleet.LatestRun(store)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	whole := collect(filepath.Join(dir, "whole"))
	var shards []string
	seen := 0
	for i := range 3 {
		run := collect(filepath.Join(dir, "shard", string(rune('a'+i))), "--shard", []string{"0/3", "1/3", "2/3"}[i])
		rec, _, err := fleet.ReadRun(run)
		if err != nil {
			t.Fatal(err)
		}
		if rec.Shard != []string{"0/3", "1/3", "2/3"}[i] {
			t.Errorf("run.json shard %q", rec.Shard)
		}
		seen += len(rec.Hosts)
		shards = append(shards, run)
	}
	if seen != 10 {
		t.Fatalf("the shards hold %d hosts, want the fleet's 10", seen)
	}
	compareJSON := func(run string) []string {
		t.Helper()
		code, out, stderr := runCLI(t, vars, "compare", "--from", run, "--format", "json")
		if code != exitDiffers {
			t.Fatalf("compare --from %s: exit %d\n%s", run, code, stderr)
		}
		return reportOutline(t, out)
	}
	store := filepath.Join(dir, "merged")
	code, out, stderr := runCLI(t, vars, append([]string{"merge", "--store", store, "-i", inventory}, shards...)...)
	if code != exitOK || stderr != "" || !strings.Contains(out, "10 hosts, 10 assessed, 0 note(s)") {
		t.Fatalf("merge: exit %d\n%s\n%s", code, out, stderr)
	}
	merged, err := fleet.LatestRun(store)
	if err != nil {
		t.Fatal(err)
	}
	want, got := compareJSON(whole), compareJSON(merged)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("merged shards report differently from one whole run:\n%s\n---\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// One shard missing, and the inventory's hosts checked.
	code, out, stderr = runCLI(t, vars, "merge", "--store", store, "-i", inventory, shards[0], shards[2])
	if code != exitUnassessed || !strings.Contains(stderr, "shard 1/3 is missing") || !strings.Contains(stderr, "is in none of the merged runs") {
		t.Errorf("merge without shard 1/3: exit %d\n%s\n%s", code, out, stderr)
	}
	// A host in two runs: a conflict, reported, one snapshot kept.
	code, out, stderr = runCLI(t, vars, "merge", "--store", store, shards[0], whole)
	if code != exitOK || !strings.Contains(stderr, "is in 2 runs") || !strings.Contains(out, "10 hosts, 10 assessed") {
		t.Errorf("merge with a conflict: exit %d\n%s\n%s", code, out, stderr)
	}
	rec, _ := latestRun(t, store)
	if len(rec.MergeNotes) == 0 || len(rec.MergedFrom) != 2 {
		t.Errorf("merged run.json lacks its notes or sources: %+v", rec)
	}
	if code, _, stderr := runCLI(t, vars, "collect", "-i", inventory, "--shard", "3/3"); code != exitUsage || !strings.Contains(stderr, "--shard") {
		t.Errorf("--shard 3/3: exit %d, %s", code, stderr)
	}
}
