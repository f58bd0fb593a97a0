package compare

import (
	"fmt"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func historyRuns(snaps ...*fleet.Snapshot) []HistoryRun {
	runs := make([]HistoryRun, len(snaps))
	for i, s := range snaps {
		t := scenarioTime.Add(time.Duration(i) * 24 * time.Hour)
		runs[i] = HistoryRun{Run: t.Format("2006-01-02T150405Z"), Time: t, Snapshot: s}
	}
	return runs
}

func changeLines(cs []FactChange) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s %q -> %q since %s", c.Run[:10], c.Fact, c.Kind, c.Before, c.After, c.Since[:10]))
	}
	return out
}

func TestHistory(t *testing.T) {
	first := goodHost("h", 1)
	first.Probes[fleet.ProbePackages] = fleet.ProbeResult{Status: fleet.ProbeSkipped}
	first.Facts.Packages = nil
	down := unreachableBox("h")
	failed := goodHost("h", 1)
	failed.Probes[fleet.ProbeMounts] = fleet.ProbeResult{Status: fleet.ProbeFailed}
	failed.Facts.Mounts = nil
	changed := goodHost("h", 1)
	changed.Facts.Mounts.Paths[0] = fleettest.TmpNoexec()
	changed.Facts.OS.UptimeSeconds += 86400
	changed.Facts.Config.Values["maxchildren"] = cfg("Max Children", 75, "30")
	same := goodHost("h", 1)
	same.Facts.Config.Values["maxchildren"] = cfg("Max Children", 75, "30")
	same.Facts.Mounts.Paths[0] = fleettest.TmpNoexec()
	delete(same.Facts.Config.Values, "mta")
	runs := historyRuns(first, down, failed, nil, changed, same)

	got := changeLines(History(runs, "mounts./tmp.*", false))
	// The run that failed (11-30) and the one without the host (12-01)
	// say nothing; 12-02 is compared with 11-28. free_kb is not within
	// 20 %, so it is no noise.
	want := []string{
		`2026-12-02 mounts./tmp.free_kb changed "98013220" -> "948212" since 2026-11-28`,
		`2026-12-02 mounts./tmp.mount_point changed "/" -> "/tmp" since 2026-11-28`,
		`2026-12-02 mounts./tmp.nodev changed "false" -> "true" since 2026-11-28`,
		`2026-12-02 mounts./tmp.noexec changed "false" -> "true" since 2026-11-28`,
		`2026-12-02 mounts./tmp.nosuid changed "false" -> "true" since 2026-11-28`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("history of mounts./tmp.*:\n got %q\nwant %q", got, want)
	}
	all := History(runs, "", false)
	for _, c := range all {
		if c.Probe == fleet.ProbePackages {
			t.Errorf("first sighting of packages reported as a change: %+v", c)
		}
		if c.Fact == "os.uptime_seconds" {
			t.Errorf("noise reported without all: %+v", c)
		}
	}
	if n := len(all); n < 4 {
		t.Errorf("every fact: %d changes, want the three mounts and maxchildren at least: %q", n, changeLines(all))
	}
	cfgChanges := fmt.Sprint(changeLines(History(runs, "mailscanner_config.m*", false)))
	if cfgChanges != `[2026-12-02 mailscanner_config.maxchildren changed "5" -> "30" since 2026-11-30 2026-12-03 mailscanner_config.mta missing "sendmail" -> "" since 2026-12-02]` {
		t.Errorf("config history: %s", cfgChanges)
	}
	noisy := changeLines(History(runs, "os.uptime*", true))
	if len(noisy) != 2 {
		t.Errorf("with all, uptime changes twice (more, then less): %q", noisy)
	}
	if got := History(historyRuns(goodHost("h", 1), goodHost("h", 1), goodHost("h", 1)), "", true); len(got) != 0 {
		t.Errorf("three identical runs: %q", changeLines(got))
	}
}
