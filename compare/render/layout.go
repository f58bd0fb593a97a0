package render

import "fmt"

// Widths of the pivot.
const (
	maxFactWidth = 40 // the fact column
	maxFactGrown = 72 // the fact column when the host columns leave room
	maxBaseWidth = 26 // the baseline column
	labelOver    = 24 // host lists longer than this get a letter and a legend
)

// pivotWidths are the widths the pivot's columns get.
type pivotWidths struct {
	fact  int // the fact column
	base  int // the baseline's column; 0 in a drift report
	cell  int // the cap of every host group's column
	lead  int // leading columns that are not host groups (fixed)
	shown int // columns shown, the baseline's included
}

// capOf is the width of the j-th column after the fact column.
func (w pivotWidths) capOf(j int) int {
	if j < w.lead {
		return w.base
	}
	return w.cell
}

// fitWidths shares width among the pivot's columns. factNat is the fact
// column's natural width, nat the other columns' (the baseline's first when
// lead is 1). The fact column gets up to maxFactWidth and the baseline's up
// to maxBaseWidth, which is never left out; the host groups share the rest
// under one cap (waterLevel) of at least minCell, and the last groups are
// left out when even that does not fit. Width left over widens the fact
// column up to maxFactGrown, then the baseline's.
func fitWidths(factNat int, nat []int, lead, width int) pivotWidths {
	wd := pivotWidths{fact: min(factNat, maxFactWidth), lead: lead, shown: len(nat)}
	// Each column costs its width plus " | "; the row costs one "|" more.
	avail := width - 1 - (wd.fact + 3)
	if lead > 0 {
		wd.base = min(nat[0], maxBaseWidth)
		avail -= wd.base + 3
	}
	w, ok := waterLevel(nat[lead:wd.shown], 3, avail, minCell)
	for !ok && wd.shown > lead+1 {
		wd.shown--
		w, ok = waterLevel(nat[lead:wd.shown], 3, avail, minCell)
	}
	wd.cell = w
	if !ok { // not even one host group fits: a narrow terminal
		return narrowWidths(wd, nat, width)
	}
	left := avail
	for _, n := range nat[lead:wd.shown] {
		left -= min(n, w) + 3
	}
	if grow := min(left, min(factNat, maxFactGrown)-wd.fact); grow > 0 {
		wd.fact += grow
		left -= grow
	}
	if lead > 0 {
		if grow := min(left, nat[0]-wd.base); grow > 0 {
			wd.base += grow
		}
	}
	return wd
}

// Narrowest the pivot's columns get on a narrow terminal, where not even
// one host group fits beside the fact and baseline columns at their usual
// widths.
const (
	narrowFact = 12
	narrowBase = 8
	narrowCell = 10 // room for a letter and a count, "[A] (123)"
)

// narrowWidths fits one host group on a narrow terminal: the fact and
// baseline columns give way first, the one with more room above its floor
// (narrowFact, narrowBase) first, then the host group's, down to
// narrowCell.
func narrowWidths(wd pivotWidths, nat []int, width int) pivotWidths {
	wd.shown = wd.lead + 1
	wd.cell = min(nat[wd.lead], minCell)
	if wd.lead == 0 {
		wd.base = narrowBase // no baseline column: only the fact's gives way
	}
	over := (wd.fact + 3) + (wd.cell + 3) + 1 - width
	if wd.lead > 0 {
		over += wd.base + 3
	}
	for ; over > 0 && (wd.fact > narrowFact || wd.base > narrowBase); over-- {
		if wd.fact-narrowFact >= wd.base-narrowBase {
			wd.fact--
		} else {
			wd.base--
		}
	}
	if wd.lead == 0 {
		wd.base = 0
	}
	if over > 0 {
		wd.cell = max(narrowCell, wd.cell-over)
	}
	return wd
}

// headWidth is the natural width of the j-th column's head: a host group's
// names with their count (n hosts), or the letter that stands for a long
// list; n is 0 for the baseline's column.
func headWidth(head string, j, n int) int {
	w := displayWidth(head)
	if n > 1 {
		w += len(fmt.Sprintf(" (%d)", n))
	}
	if n > 0 && displayWidth(head) > labelOver {
		w = len(columnLabel(j)) + len(fmt.Sprintf(" (%d)", n))
	}
	return w
}

// labelColumns returns the pivot's header for the columns shown: a host
// group whose names are longer than labelOver, or with their count wider
// than its column, gets a letter, spelled out in the legend; a group of
// more than one host gets its count. sizes are the hosts per column, 0 for
// the baseline's.
func labelColumns(heads []string, sizes []int, wd pivotWidths) (header, legend []string) {
	header = []string{"fact"}
	for j, name := range heads {
		if j >= wd.lead {
			count := ""
			if sizes[j] > 1 {
				count = fmt.Sprintf(" (%d)", sizes[j])
			}
			if displayWidth(name) > labelOver || displayWidth(name+count) > wd.capOf(j) {
				label := columnLabel(len(legend))
				legend = append(legend, label+": "+name)
				name = label
			}
			name += count
		}
		header = append(header, name)
	}
	return header, legend
}

// columnLabel names the i-th long column: [A] … [Z], then [AA], [AB], ...
func columnLabel(i int) string {
	label := ""
	for i >= 0 {
		label = string(rune('A'+i%26)) + label
		i = i/26 - 1
	}
	return "[" + label + "]"
}
