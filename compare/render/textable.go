package render

import (
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Column describes a column of a plain-text table and how it gives way
// when the table is wider than the terminal.
type Column struct {
	// Head is the column's heading.
	Head string
	// Min is the width the column keeps while wider ones can still give
	// way.
	Min int
	// Fit says how a cell wider than its column is shortened.
	Fit Fit
}

// Fit is how a cell wider than its column is shortened.
type Fit int

const (
	// WrapCell breaks the cell over as many lines as it needs, at spaces.
	WrapCell Fit = iota
	// CutCell keeps the cell on one line and ends it with an ellipsis.
	CutCell
	// cutCount keeps a host list on one line, cut in its middle, and the
	// count that ends it: "mail[0002,…0102] (10)".
	cutCount
)

// WriteTable writes rows as a plain ASCII table (stable for golden files:
// no Unicode box drawing, no colours) that fits width columns: when the
// cells' natural widths do not fit, the widest columns give way first, down
// to one shared cap and never below their Min while another column can
// still give way, and a cell wider than its column is wrapped or cut as its
// Column says. Text is made safe for a terminal first. A width of 0 means
// DefaultWidth; a width below MinWidth is taken as MinWidth.
func WriteTable(w io.Writer, width int, cols []Column, rows [][]string) error {
	head := make([]string, len(cols))
	for j, c := range cols {
		head[j] = safe(c.Head)
	}
	body := make([][]string, len(rows))
	for i, row := range rows {
		body[i] = make([]string, len(cols))
		for j := range cols {
			if j < len(row) {
				body[i][j] = safe(row[j])
			}
		}
	}
	if width <= 0 {
		width = DefaultWidth
	}
	widths := columnWidths(cols, head, body, max(width, MinWidth))
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Symbols:  tw.NewSymbols(tw.StyleASCII),
			Borders:  tw.Border{Left: tw.On, Right: tw.On, Top: tw.On, Bottom: tw.On},
			Settings: tw.Settings{Separators: tw.Separators{BetweenRows: tw.Off}},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
	heads := make([]string, len(cols)) // a heading that wraps is one cell of several lines
	for j, h := range head {
		heads[j] = strings.Join(wrap(h, widths[j], "", ""), "\n")
	}
	t.Header(heads)
	for _, row := range body {
		for _, l := range fitRow(row, widths, cols) {
			if err := t.Append(l); err != nil {
				return err
			}
		}
	}
	return t.Render()
}

// columnWidths shares width among the columns (see WriteTable).
func columnWidths(cols []Column, head []string, body [][]string, width int) []int {
	nat := make([]int, len(cols))
	mins := make([]int, len(cols))
	for j := range cols {
		nat[j] = displayWidth(head[j])
		for _, row := range body {
			nat[j] = max(nat[j], displayWidth(row[j]))
		}
		mins[j] = min(cols[j].Min, nat[j])
	}
	// Each column costs its width plus " | "; the row costs one "|" more.
	avail := width - 1 - 3*len(cols)
	total := func(lvl int) int {
		t := 0
		for j, n := range nat {
			t += max(mins[j], min(n, lvl))
		}
		return t
	}
	if total(0) > avail { // not even the minimums fit: every column gives way
		clear(mins)
	}
	lvl := level(total, 1, slices.Max(nat), avail)
	out := make([]int, len(cols))
	for j, n := range nat {
		out[j] = max(mins[j], min(n, lvl))
	}
	return out
}

// fitRow fits a row's cells to widths; a row whose cells wrap becomes
// several lines, the other cells blank on the lines after the first.
func fitRow(row []string, widths []int, cols []Column) [][]string {
	cells := make([][]string, len(row))
	n := 1
	for j, s := range row {
		switch fit := cols[j].Fit; {
		case displayWidth(s) <= widths[j]:
			cells[j] = []string{s}
		case fit == CutCell:
			cells[j] = []string{fitEnd(s, widths[j])}
		case fit == cutCount:
			cells[j] = []string{fitCount(s, widths[j])}
		default:
			cells[j] = wrap(s, widths[j], "", "")
		}
		n = max(n, len(cells[j]))
	}
	lines := make([][]string, n)
	for i := range lines {
		lines[i] = make([]string, len(row)) // a new slice per line: tablewriter keeps it
		for j, c := range cells {
			if i < len(c) {
				lines[i][j] = c[i]
			}
		}
	}
	return lines
}

// fitCount cuts a host list to n columns in its middle, so that the end of
// a name (mail07) stays, and keeps the count that ends a list:
// "mail[0002,…0102] (10)".
func fitCount(s string, n int) string {
	count := ""
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s, count = s[:i], s[i:]
	}
	if n -= displayWidth(count); n < 5 {
		return fitEnd(s+count, n+displayWidth(count))
	}
	return fitCell(s, n) + count
}
