package view

import (
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// Pivot is the fact × host-group table of differences: a row per fact that
// differs on some assessed host, a column per group of assessed hosts.
type Pivot struct {
	// Facts are the rows, sorted.
	Facts []string
	// Base is, per fact, the first finding any column has for it; its
	// Baseline side is the baseline's value, except in a drift report,
	// where every host has a baseline of its own.
	Base []compare.Finding
	// Noise marks the facts whose every finding is noise.
	Noise []bool
	// Columns are the groups of assessed hosts, in report order.
	Columns []Column
	// Skipped are the hosts not assessed.
	Skipped []string
	// Drift is set when every host was compared with its own earlier
	// snapshot: no value stands for all hosts' baselines, so a cell that
	// differs shows both sides.
	Drift bool
}

// Column is one or more host groups and their cells, one per fact.
type Column struct {
	Groups []*HostGroup
	Cells  []Cell
}

// Hosts are the column's hosts, group by group.
func (c Column) Hosts() []string {
	var out []string
	for _, g := range c.Groups {
		out = append(out, g.Hosts...)
	}
	return out
}

// Rank is the rank of the most severe cause of any host in the column
// (NoCause when none has one).
func (c Column) Rank() int {
	r := NoCause
	for _, g := range c.Groups {
		r = min(r, g.Rank())
	}
	return r
}

// AllSame reports whether every cell of the column holds the baseline's
// value: its hosts have no finding.
func (c Column) AllSame() bool {
	for _, cell := range c.Cells {
		if cell.State != Same {
			return false
		}
	}
	return true
}

// State is what a cell knows of the fact on its hosts.
type State int

const (
	// Same: the hosts hold the baseline's value.
	Same State = iota
	// Differs: the hosts have a finding for the fact (Cell.Finding).
	Differs
	// Unknown: the probe behind the fact did not run cleanly on the
	// hosts, so nothing is known of the fact (Cell.Finding is the probe's
	// unknown finding); it is never "same" and never "absent".
	Unknown
)

// Cell is one fact of one column.
type Cell struct {
	State   State
	Finding compare.Finding
}

// BuildPivot lays out the findings of the assessed groups. drift says that
// every host was compared with its own earlier snapshot.
func BuildPivot(groups []*HostGroup, drift bool) Pivot {
	p := Pivot{Drift: drift}
	var cols []*HostGroup
	base := map[string]int{}
	for _, g := range groups {
		if !g.Report.Status.Assessed() {
			p.Skipped = append(p.Skipped, g.Hosts...)
			continue
		}
		cols = append(cols, g)
		for _, f := range g.Report.Findings {
			i, ok := base[f.Fact]
			if !ok {
				base[f.Fact] = len(p.Facts)
				p.Facts = append(p.Facts, f.Fact)
				p.Base = append(p.Base, f)
				p.Noise = append(p.Noise, f.Noise)
				continue
			}
			p.Noise[i] = p.Noise[i] && f.Noise
		}
	}
	order := make([]int, len(p.Facts))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(p.Facts[a], p.Facts[b]) })
	p.Facts, p.Base, p.Noise = permute(p.Facts, order), permute(p.Base, order), permute(p.Noise, order)
	for _, g := range cols {
		p.Columns = append(p.Columns, Column{Groups: []*HostGroup{g}, Cells: cells(g.Report, p.Facts, p.Base)})
	}
	return p
}

func permute[T any](s []T, order []int) []T {
	out := make([]T, len(order))
	for i, j := range order {
		out[i] = s[j]
	}
	return out
}

// cells returns the host's cell for each fact: its finding; else unknown
// when the probe behind the fact did not run cleanly on it; else the same
// as the baseline.
func cells(h *compare.HostReport, facts []string, base []compare.Finding) []Cell {
	byFact := make(map[string]compare.Finding, len(h.Findings))
	unknown := map[string]compare.Finding{}
	for _, f := range h.Findings {
		byFact[f.Fact] = f
		if f.Kind == compare.Unknown {
			unknown[f.Probe] = f
		}
	}
	out := make([]Cell, len(facts))
	for i, fact := range facts {
		if f, ok := byFact[fact]; ok {
			out[i] = Cell{State: Differs, Finding: f}
		} else if u, ok := unknown[base[i].Probe]; ok {
			out[i] = Cell{State: Unknown, Finding: u}
		}
	}
	return out
}

// Merge folds columns whose cells read the same, by key, into the first
// of them: for a format that shows less of a cell than its finding.
func (p Pivot) Merge(key func(Cell) string) Pivot {
	out := p
	out.Columns = nil
	at := map[string]int{}
	for _, c := range p.Columns {
		parts := make([]string, len(c.Cells))
		for i, cell := range c.Cells {
			parts[i] = key(cell)
		}
		k := strings.Join(parts, "\x00")
		if i, ok := at[k]; ok {
			out.Columns[i].Groups = slices.Concat(out.Columns[i].Groups, c.Groups)
			continue
		}
		at[k] = len(out.Columns)
		out.Columns = append(out.Columns, c)
	}
	return out
}
