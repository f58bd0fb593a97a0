package ticket

import (
	"slices"

	"github.com/fleetcheck/fleetcheck/compare"
)

// pivot is the fact × host table: one row per fact that differs anywhere,
// one column per group of hosts with the same differences.
type pivot struct {
	Columns []*group
	Rows    []pivotRow
}

type pivotRow struct {
	Fact     string
	Noise    bool
	Baseline string
	// Cells hold each column's value; "" means the same as the baseline.
	Cells []string
}

func buildPivot(groups []*group) pivot {
	var p pivot
	for _, g := range groups {
		if g.Assessed && len(g.Findings) > 0 {
			p.Columns = append(p.Columns, g)
		}
	}
	rows := map[string]*pivotRow{}
	var facts []string
	for c, g := range p.Columns {
		for _, f := range g.Findings {
			row, ok := rows[f.Fact]
			if !ok {
				row = &pivotRow{Fact: f.Fact, Noise: f.Noise, Baseline: baselineCell(f), Cells: make([]string, len(p.Columns))}
				rows[f.Fact] = row
				facts = append(facts, f.Fact)
			}
			row.Noise = row.Noise && f.Noise
			row.Cells[c] = valueCell(f)
		}
	}
	slices.Sort(facts)
	for _, f := range facts {
		p.Rows = append(p.Rows, *rows[f])
	}
	return p
}

// baselineCell is the baseline's side of a finding for people.
func baselineCell(f findingView) string {
	switch {
	case f.Kind == string(compare.Extra):
		return "(absent)"
	case f.Kind == string(compare.Unknown):
		return "probe " + f.Baseline
	case f.Baseline == "":
		return "(empty)"
	}
	return f.Baseline
}

// valueCell is the host's side of a finding for people.
func valueCell(f findingView) string {
	switch {
	case f.Kind == string(compare.Missing):
		return "(absent)"
	case f.Kind == string(compare.Unknown):
		return "unknown: probe " + f.Value
	case f.Value == "":
		return "(empty)"
	}
	return f.Value
}
