package render

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
)

// pivotTable is the pivot laid out: header, rows, legend and notes.
type pivotTable struct {
	header  []string
	rows    [][]string
	legend  []string // "[A]: mail[...]" for columns with long host lists
	key     string   // what the cell marks mean
	same    string   // folded hosts whose every cell is "="
	hidden  string   // host groups left out for width, and how to see them
	skipped string   // folded hosts not assessed
}

// Cell texts.
const (
	cellSame    = "="
	cellMissing = "(missing)"
	cellUnknown = "?"
	cellAbsent  = "-"
)

// minSiblings is the number of sibling module rows that fold into one.
const minSiblings = 3

// layoutPivot lays out the fact × host pivot to fit width: hosts whose
// every cell equals the baseline are named below the table instead of
// getting a column of "=", submodule rows that read the same fold into one
// row, long values get a middle ellipsis, and when the host groups do not
// fit even so, the smallest groups are left out and the table says how to
// see them.
func layoutPivot(r *compare.Report, groups []*view.HostGroup, width int) pivotTable {
	drift := r.Baseline.Kind == compare.BaselineDrift
	pv := view.BuildPivot(groups, drift).Merge(func(c view.Cell) string { return cellOf(c, drift) })
	var t pivotTable
	if len(pv.Skipped) > 0 {
		t.skipped = view.Fold(pv.Skipped)
	}
	if len(pv.Facts) == 0 {
		return t
	}
	cols, same := chooseColumns(pv.Columns)
	if len(same) > 0 {
		t.same = hostCell(same, 110)
	}
	facts, vals := foldSiblings(pv, cols)
	factNat := 4
	for i, f := range facts {
		facts[i] = compare.ShortINC(f)
		factNat = max(factNat, displayWidth(facts[i]))
	}
	lead := fixed(drift)
	var heads []string
	var sizes []int // hosts per column; 0 for the baseline's
	if lead > 0 {
		heads, sizes = append(heads, baselineHead(r.Baseline)), append(sizes, 0)
	}
	for _, c := range cols {
		hosts := c.Hosts()
		heads, sizes = append(heads, view.Fold(hosts)), append(sizes, len(hosts))
	}
	nat := make([]int, len(heads))
	for j := range heads {
		for i := range vals {
			nat[j] = max(nat[j], displayWidth(vals[i][j]))
		}
		nat[j] = max(nat[j], headWidth(heads[j], j, sizes[j]))
	}
	wd := fitWidths(factNat, nat, lead, width)
	for i, f := range facts {
		facts[i] = fitFact(f, wd.fact)
	}
	if wd.shown < len(heads) {
		var rest []string
		for _, c := range cols[wd.shown-lead:] {
			rest = append(rest, c.Hosts()...)
		}
		t.hidden = fmt.Sprintf("%d more host group(s) not shown for width: %s; `--format markdown` shows every group, `--host NAME` one host",
			len(heads)-wd.shown, hostCell(rest, 60))
	}
	t.header, t.legend = labelColumns(heads[:wd.shown], sizes, wd)
	for i, f := range facts {
		row := make([]string, 0, wd.shown+1) // a new slice per row: tablewriter keeps it
		row = append(row, f)
		for j := range wd.shown {
			row = append(row, fitCell(vals[i][j], wd.capOf(j)))
		}
		t.rows = append(t.rows, row)
	}
	t.key = "= same as the baseline, ? unknown (probe did not run cleanly), - absent"
	if drift {
		t.key = "= unchanged, before -> after, ? unknown (probe did not run cleanly), - absent"
	}
	return t
}

// chooseColumns returns the columns worth showing, those with the most
// severe causes first, then larger ones, so that when not every column
// fits the broken hosts stay on screen; and the hosts of the columns left
// out because every cell of theirs is the baseline's value.
func chooseColumns(all []view.Column) (cols []view.Column, same []string) {
	for _, c := range all {
		if c.AllSame() {
			same = append(same, c.Hosts()...)
			continue
		}
		cols = append(cols, c)
	}
	slices.SortStableFunc(cols, func(a, b view.Column) int {
		return cmp.Or(cmp.Compare(a.Rank(), b.Rank()), cmp.Compare(len(b.Hosts()), len(a.Hosts())))
	})
	return cols, same
}

// baselineHead heads the baseline's column.
func baselineHead(b compare.BaselineInfo) string {
	switch {
	case b.Kind == compare.BaselineMajority:
		return "baseline (majority)"
	case b.Host == "":
		return b.Kind // a release, for preflight
	}
	return "baseline " + b.Host
}

// fixed is the number of leading pivot columns that are not host groups:
// the baseline's, except in a drift report.
func fixed(drift bool) int {
	if drift {
		return 0
	}
	return 1
}

// cellOf is a cell's text: "=" when the hosts hold the baseline's value,
// "?" when their probe could not say, else their value, in a drift
// report "before -> after".
func cellOf(c view.Cell, drift bool) string {
	switch {
	case c.State == view.Unknown:
		return cellUnknown
	case c.State == view.Same:
		return cellSame
	case drift:
		return baseCell(c.Finding) + " -> " + afterCell(c.Finding)
	}
	return afterCell(c.Finding)
}

func afterCell(f compare.Finding) string {
	if f.Kind == compare.Missing {
		return cellMissing
	}
	return cellText(f.Value)
}

func baseCell(f compare.Finding) string {
	if f.Kind == compare.Extra {
		return cellAbsent
	}
	return cellText(f.Baseline)
}

// cellText makes a value fit a table cell: its first line, capped.
func cellText(v string) string {
	if v == "" {
		return `""`
	}
	first, rest, multi := strings.Cut(v, "\n")
	first = compare.ShortINC(first)
	if multi {
		first += " (+" + strconv.Itoa(strings.Count(rest, "\n")+1) + " lines)"
	}
	return fitCell(first, 120)
}

// foldSiblings returns the pivot's rows as fact names and cells (the
// baseline's first unless drift, then cols), with rows of sibling
// submodules that read the same in every column folded into one:
// perl_modules.Archive::Zip::*.copies ×11.
func foldSiblings(pv view.Pivot, cols []view.Column) ([]string, [][]string) {
	cellsOf := func(i int) []string {
		var row []string
		if !pv.Drift {
			row = append(row, baseCell(pv.Base[i]))
		}
		for _, c := range cols {
			row = append(row, cellOf(c.Cells[i], pv.Drift))
		}
		return row
	}
	groups := map[string][]int{}
	keyOf := make([]string, len(pv.Facts))
	for i, f := range pv.Facts {
		prefix, parent, attr, ok := siblingKey(f)
		if !ok {
			continue
		}
		k := prefix + parent + "\x00" + attr + "\x00" + strings.Join(cellsOf(i), "\x00")
		keyOf[i] = k
		groups[k] = append(groups[k], i)
	}
	var facts []string
	var vals [][]string
	for i, f := range pv.Facts {
		if g := groups[keyOf[i]]; keyOf[i] != "" && len(g) >= minSiblings {
			if g[0] != i {
				continue
			}
			prefix, parent, attr, _ := siblingKey(f)
			name := prefix + parent + "::*"
			if attr != "" {
				name += "." + attr
			}
			facts = append(facts, fmt.Sprintf("%s ×%d", name, len(g)))
			vals = append(vals, cellsOf(i))
			continue
		}
		facts = append(facts, f)
		vals = append(vals, cellsOf(i))
	}
	return facts, vals
}

// siblingKey splits a submodule's fact into its prefix, the module's
// parent and the attribute: perl_modules.Archive::Zip::Member.copies gives
// Archive::Zip and copies; mailscanner_version.module.Net::DNS::RR gives
// Net::DNS and "". ok is false for other facts, top-level modules and
// perllocal.pod entries.
func siblingKey(fact string) (prefix, parent, attr string, ok bool) {
	prefix, mod, attr, ok := view.ModuleFact(fact)
	if !ok || prefix == view.PrefixCPANLog {
		return "", "", "", false
	}
	i := strings.LastIndex(mod, "::")
	if i < 0 {
		return "", "", "", false
	}
	return prefix, mod[:i], attr, true
}
