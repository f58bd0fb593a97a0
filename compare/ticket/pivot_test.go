package ticket

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// pivotLines returns the Markdown differences table's rows.
func pivotLines(t *testing.T, rep *compare.Report, snaps []*fleet.Snapshot) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := Markdown(&buf, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(buf.String(), "\n## Differences from ")
	if !ok {
		t.Fatalf("no differences section:\n%s", buf.String())
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var rows []string
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "| ") {
			rows = append(rows, l)
		}
	}
	return rows
}

func rowOf(rows []string, fact string) string {
	for _, r := range rows {
		if strings.HasPrefix(r, "| "+fact+" |") {
			return r
		}
	}
	return ""
}

// TestPivotUnknownIsNotSame checks that a fact whose probe timed out on a
// host reads "unknown" in that host's column, as the terminal's "?" does,
// never as an empty cell ("the same as the baseline").
func TestPivotUnknownIsNotSame(t *testing.T) {
	rep, snaps := sharedScenario(t, "seed") // mail05's lint timed out; mail03's lint differs
	row := rowOf(pivotLines(t, rep, snaps), "mailscanner_lint.spamassassin")
	cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|"), "|")
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
	}
	// Fact, Baseline, mail03, mail04, mail05.
	if len(cells) != 5 || cells[4] != "unknown: probe timeout" || cells[2] != "(absent)" || cells[3] != "" {
		t.Errorf("lint row = %q; want mail05 unknown, mail03 absent, mail04 same", row)
	}
}

// TestDriftPivotShowsEachHostsBefore checks that a drift report's table
// shows each host's own earlier value: two hosts that both end at 2 Max
// Children, from 5 and from 7.
func TestDriftPivotShowsEachHostsBefore(t *testing.T) {
	var before, after []*fleet.Snapshot
	for i, was := range []string{"5", "7"} {
		name := []string{"mail01", "mail02"}[i]
		b, a := fleettest.GoodHost(name, i), fleettest.GoodHost(name, i)
		b.Facts.Config.Values["maxchildren"] = fleet.ConfigValue{Key: "Max Children", Value: was}
		a.Facts.Config.Values["maxchildren"] = fleet.ConfigValue{Key: "Max Children", Value: "2"}
		before, after = append(before, b), append(after, a)
	}
	rep, err := compare.Drift(before, after, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	rows := pivotLines(t, rep, after)
	if rows[0] != "| Fact | mail01 | mail02 |" {
		t.Errorf("header = %q: a drift table has no shared before column", rows[0])
	}
	if row := rowOf(rows, "mailscanner_config.maxchildren"); row != "| mailscanner_config.maxchildren | 5 → 2 | 7 → 2 |" {
		t.Errorf("row = %q, want each host's own before value", row)
	}
}
