package render

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
)

// rowWidth is the width of a table row with these column widths: each
// column costs its width plus " | ", the row one "|" more.
func rowWidth(widths ...int) int {
	w := 1
	for _, n := range widths {
		w += n + 3
	}
	return w
}

// shownWidth is the width of a pivot row laid out with wd.
func shownWidth(wd pivotWidths, nat []int) int {
	widths := []int{wd.fact}
	if wd.lead > 0 {
		widths = append(widths, wd.base)
	}
	for _, n := range nat[wd.lead:wd.shown] {
		widths = append(widths, min(n, wd.cell))
	}
	return rowWidth(widths...)
}

// TestFitWidthsProperties checks, over random column widths, that the
// pivot always fits down to MinWidth; that where one host group fits
// beside the usual fact and baseline columns, no further group would fit
// and width is left over only when every column already has its natural
// width (or its cap); and that on a narrower terminal one group shows
// with the fact and baseline columns no narrower than their floors.
func TestFitWidthsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		lead := rng.IntN(2)
		nat := make([]int, lead+1+rng.IntN(12))
		for i := range nat {
			nat[i] = 1 + rng.IntN(80)
		}
		factNat := 4 + rng.IntN(90)
		width := MinWidth + rng.IntN(260)
		wd := fitWidths(factNat, nat, lead, width)
		where := fmt.Sprintf("fitWidths(%d, %v, %d, %d) = %+v", factNat, nat, lead, width, wd)

		if wd.shown < lead+1 || wd.shown > len(nat) {
			t.Fatalf("%s shows %d columns", where, wd.shown)
		}
		if got := shownWidth(wd, nat); got > width {
			t.Errorf("%s is %d wide", where, got)
		}
		usual := pivotWidths{fact: min(factNat, maxFactWidth), base: min(nat[0], maxBaseWidth) * lead, lead: lead, shown: lead + 1, cell: minCell}
		if shownWidth(usual, nat) > width { // a narrow terminal
			if wd.shown != lead+1 || wd.fact < min(factNat, narrowFact) || (lead > 0 && wd.base < min(nat[0], narrowBase)) {
				t.Errorf("%s: on a narrow terminal one group shows, fact and baseline columns at their floors or wider", where)
			}
			continue
		}
		if wd.fact < usual.fact || wd.fact > max(min(factNat, maxFactGrown), usual.fact) {
			t.Errorf("%s: fact column %d", where, wd.fact)
		}
		if lead > 0 && (wd.base < usual.base || wd.base > max(nat[0], maxBaseWidth)) {
			t.Errorf("%s: baseline column %d", where, wd.base)
		}
		if wd.shown < len(nat) {
			more := usual
			more.shown = wd.shown + 1
			if shownWidth(more, nat) <= width {
				t.Errorf("%s leaves out a group that fits", where)
			}
		}
		// One cap for all groups leaves less than a column per capped group.
		capped := 0
		for _, n := range nat[lead:wd.shown] {
			if n > wd.cell {
				capped++
			}
		}
		grown := wd.fact >= min(factNat, maxFactGrown) && (lead == 0 || wd.base >= nat[0])
		if got := shownWidth(wd, nat); got < width && (!grown || width-got > capped && capped > 0) {
			t.Errorf("%s leaves %d columns unused", where, width-got)
		}
	}
}

func TestLabelColumns(t *testing.T) {
	long := "mail[0004,0024,0044,0064,0084,0104]"
	heads := []string{"baseline mail0001 with a long name", "mail05", long, "mail[01-02]"}
	wd := pivotWidths{lead: 1, base: 20, cell: 16, shown: 4}
	header, legend := labelColumns(heads, []int{0, 1, 6, 2}, wd)
	want := []string{"fact", "baseline mail0001 with a long name", "mail05", "[A] (6)", "mail[01-02] (2)"}
	if !slices.Equal(header, want) {
		t.Errorf("header = %q, want %q", header, want)
	}
	if !slices.Equal(legend, []string{"[A]: " + long}) {
		t.Errorf("legend = %q", legend)
	}
	// A list that fits the label limit but not the column also gets a letter.
	header, legend = labelColumns([]string{"mail[01-02,05,07]"}, []int{4}, pivotWidths{cell: 12, shown: 1})
	if header[1] != "[A] (4)" || len(legend) != 1 {
		t.Errorf("narrow column: header %q, legend %q", header, legend)
	}
	for i, want := range map[int]string{0: "[A]", 25: "[Z]", 26: "[AA]", 27: "[AB]", 26 + 26*26: "[AAA]"} {
		if got := columnLabel(i); got != want {
			t.Errorf("columnLabel(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestHeadWidthCoversTheLabel(t *testing.T) {
	long := strings.Repeat("x", labelOver+1)
	for j := range 30 {
		header, _ := labelColumns([]string{long}, []int{12}, pivotWidths{cell: 100, shown: 1})
		if w := headWidth(long, j, 12); w < displayWidth(header[1]) {
			t.Errorf("headWidth(long, %d, 12) = %d, narrower than %q", j, w, header[1])
		}
	}
	if w := headWidth("mail[01-02]", 3, 2); w != len("mail[01-02] (2)") {
		t.Errorf("headWidth(mail[01-02], 3, 2) = %d", w)
	}
}

func TestChooseColumns(t *testing.T) {
	group := func(host string, sev compare.Severity, findings int) *view.HostGroup {
		h := &compare.HostReport{Host: host}
		if sev != "" {
			h.Causes = []compare.Cause{{Severity: sev}}
		}
		return &view.HostGroup{Hosts: []string{host}, Report: h, First: findings}
	}
	differs := []view.Cell{{State: view.Differs}}
	same := []view.Cell{{State: view.Same}}
	cols := []view.Column{
		{Groups: []*view.HostGroup{group("w1", compare.Warning, 1)}, Cells: differs},
		{Groups: []*view.HostGroup{group("s1", "", 0), group("s2", "", 0)}, Cells: same},
		{Groups: []*view.HostGroup{group("w2", compare.Warning, 1), group("w3", compare.Warning, 1)}, Cells: differs},
		{Groups: []*view.HostGroup{group("c1", compare.Critical, 1)}, Cells: differs},
		{Groups: []*view.HostGroup{group("n1", "", 1)}, Cells: []view.Cell{{State: view.Unknown}}},
	}
	got, sameHosts := chooseColumns(cols)
	var order []string
	for _, c := range got {
		order = append(order, strings.Join(c.Hosts(), "+"))
	}
	if want := []string{"c1", "w2+w3", "w1", "n1"}; !slices.Equal(order, want) {
		t.Errorf("columns %v, want %v (most severe first, then larger)", order, want)
	}
	if !slices.Equal(sameHosts, []string{"s1", "s2"}) {
		t.Errorf("same = %v, want s1, s2", sameHosts)
	}
}
