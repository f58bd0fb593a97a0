package ticket

import (
	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
)

// pivot is the fact × host table: one row per fact that differs anywhere,
// one column per group of hosts with differences.
type pivot struct {
	Columns []*group
	// Ref is set when a column holds the value all hosts are compared
	// with; a drift report has none, and its cells read "before → after".
	Ref  bool
	Rows []pivotRow
}

type pivotRow struct {
	Fact     string
	Noise    bool
	Baseline string
	// Cells hold each column's value; "" means the same as the baseline.
	Cells []string
}

// pivotNote says how to read the pivot.
func pivotNote(v *content) string {
	note := "One column per group of hosts with the same differences; an empty cell is the same as " + v.Ref
	if !v.Pivot.Ref {
		note += "; a changed cell reads before → after"
	}
	return note + "."
}

// buildPivot words the shared pivot for people; groups are the report's
// groups, in the order the pivot was built from.
func buildPivot(pv view.Pivot, groups []*group) pivot {
	byHG := map[*view.HostGroup]*group{}
	for _, g := range groups {
		byHG[g.hg] = g
	}
	p := pivot{Ref: !pv.Drift}
	var cols []view.Column
	for _, c := range pv.Columns {
		if !c.AllSame() {
			cols = append(cols, c)
			p.Columns = append(p.Columns, byHG[c.Groups[0]])
		}
	}
	for i, fact := range pv.Facts {
		row := pivotRow{Fact: txt(fact), Noise: pv.Noise[i], Cells: make([]string, len(cols))}
		if p.Ref {
			row.Baseline = baselineCell(cleanFinding(pv.Base[i]))
		}
		for j, c := range cols {
			row.Cells[j] = cellText(c.Cells[i], pv.Drift)
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// cellText is a pivot cell for people: "" when the hosts hold the
// baseline's value, "unknown: probe STATUS" when the probe behind the fact
// did not run cleanly on them, else their value ("before → after" in a
// drift report).
func cellText(c view.Cell, drift bool) string {
	f := cleanFinding(c.Finding)
	switch {
	case c.State == view.Same:
		return ""
	case c.State == view.Differs && drift:
		return baselineCell(f) + " → " + valueCell(f)
	}
	return valueCell(f)
}

// baselineCell is the baseline's side of a finding for people.
func baselineCell(f compare.Finding) string {
	return sideCell(f, f.Kind == compare.Extra, "probe ", f.Baseline)
}

// valueCell is the host's side of a finding for people.
func valueCell(f compare.Finding) string {
	return sideCell(f, f.Kind == compare.Missing, "unknown: probe ", f.Value)
}

// sideCell words one side v of a finding: absent when the fact is not on
// that side, the probe's status after probe for an unknown finding.
func sideCell(f compare.Finding, absent bool, probe, v string) string {
	switch {
	case absent:
		return "(absent)"
	case f.Kind == compare.Unknown:
		return probe + v
	case v == "":
		return "(empty)"
	}
	return v
}
