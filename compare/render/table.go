package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Host, when set, shows only this host (and the baseline column).
	Host string
	// Color adds ANSI colours to severities; set it only when writing to a
	// terminal.
	Color bool
	// Width is the terminal's width in columns, which no line of the
	// output exceeds; 0 means DefaultWidth, and a width below MinWidth is
	// taken as MinWidth. Host groups that do not fit the pivot are named
	// below it.
	Width int
}

// Table writes the report for people: a summary line per host (hosts whose
// lines read the same folded into one), then each host's causes with
// evidence and fix (hosts with identical causes folded together), then the
// fact × host pivot of every differing fact, hosts with identical values
// grouped into one column. Every line fits TableOptions.Width: hosts equal
// to the baseline are named under the pivot instead of getting a column,
// long values get a middle ellipsis, host groups that do not fit are named
// with the ways to see them (--format markdown, --host), and prose and
// cells that are still too long wrap.
func Table(w io.Writer, r *compare.Report, opt TableOptions) error {
	hosts, err := focus(r, opt.Host)
	if err != nil {
		return err
	}
	width := opt.Width
	if width <= 0 {
		width = DefaultWidth
	}
	width = max(width, MinWidth)
	p := &printer{w: w, color: opt.Color, width: width}
	for _, l := range headline(r) {
		p.para("", "  ", l)
	}
	if opt.Host != "" {
		p.para("", "  ", "showing host "+opt.Host+" only; without --host every host is listed")
	}
	p.printf("\n")
	same, nothing := "same as baseline", "no fact differs from the baseline"
	if r.Baseline.Kind == compare.BaselineDrift {
		same, nothing = "unchanged", "no fact changed"
	}
	groups := view.GroupHosts(hosts, nil)
	if err := p.table(summaryColumns, summaryTable(summaryRows(groups, same))); err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	for _, s := range sections(groups) {
		p.section(s)
	}
	p.waived(r, groups)
	p.printf("\n")
	pt := layoutPivot(r, groups, width)
	if len(pt.rows) == 0 {
		p.para("", "  ", nothing)
	} else {
		cols := make([]Column, len(pt.header))
		for j, h := range pt.header {
			cols[j] = Column{Head: h}
		}
		if err := p.table(cols, pt.rows); err != nil {
			return fmt.Errorf("pivot table: %w", err)
		}
		p.para("", "  ", pt.key)
		for _, l := range pt.legend {
			p.para("", "     ", l)
		}
		if pt.same != "" {
			p.para("", "  ", "same as the baseline in every row: "+pt.same)
		}
		if pt.hidden != "" {
			p.para("", "  ", pt.hidden)
		}
	}
	if pt.skipped != "" {
		p.para("", "  ", "not assessed: "+pt.skipped)
	}
	return p.err
}

// summaryColumns are the summary table's: when it is too wide, the host
// list and the top cause are cut (the count of hosts stays), the status
// and cause counts wrap, and the top cause keeps 30 columns the longest.
var summaryColumns = []Column{
	{Head: "host", Min: 12, Fit: cutCount},
	{Head: "status", Min: 9, Fit: WrapCell},
	{Head: "causes", Min: 10, Fit: WrapCell},
	{Head: "top cause", Min: 30, Fit: CutCell},
}

// summaryTable is the summary rows' cells, host lists capped.
func summaryTable(rows []*summaryRow) [][]string {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, []string{hostCell(r.hosts, maxHostCell), r.cells[0], r.cells[1], r.cells[2]})
	}
	return out
}

// maxHostCell caps a summary row's host list (before its count).
const maxHostCell = 36

// printer writes text in width columns and keeps the first write error.
type printer struct {
	w     io.Writer
	color bool
	width int
	err   error
}

// printf writes with every string argument made safe for a terminal:
// text from hosts must not move the cursor or change colours.
func (p *printer) printf(format string, args ...any) {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = safe(s)
		}
	}
	p.raw(format, args...)
}

// raw writes without sanitising, for our own escape sequences.
func (p *printer) raw(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// para writes text made safe, wrapped to the width: its first line starts
// with first, the others with rest.
func (p *printer) para(first, rest, text string) {
	for _, l := range wrap(safe(text), p.width, first, rest) {
		p.raw("%s\n", l)
	}
}

// safe makes host text safe for a terminal (hosttext.Clean) and keeps a
// value on its line: a newline or tab left in it becomes '?', so text from a
// host can neither start a line of the report nor shift a column.
func safe(s string) string {
	s = hosttext.Clean(s)
	if !strings.ContainsAny(s, "\n\t") {
		return s
	}
	return oneLine.Replace(s)
}

// oneLine replaces the line breaks and tabs safe keeps out of a value.
var oneLine = strings.NewReplacer("\n", "?", "\t", "?")

// table writes a plain ASCII table in the printer's width.
func (p *printer) table(cols []Column, rows [][]string) error {
	if p.err != nil {
		return p.err
	}
	return WriteTable(p.w, p.width, cols, rows)
}

func (p *printer) section(s *section) {
	p.printf("\n")
	p.para("== ", "   ", fmt.Sprintf("%s (%s) ==", view.Fold(s.hosts), view.StatusText(s.h.Status)))
	if s.shownFor != "" {
		p.para("", "  ", "texts shown for "+s.shownFor+"; on the other hosts they differ only in the host's own name")
	}
	for _, c := range s.h.Causes {
		label := "[" + strings.ToUpper(string(c.Severity)) + "] "
		lines := wrap(safe(c.Rule+": "+c.Summary), p.width, label, "    ")
		p.raw("%s", p.severity(c.Severity))
		p.raw("%s\n", strings.TrimPrefix(lines[0], label[:len(label)-1]))
		for _, l := range lines[1:] {
			p.raw("%s\n", l)
		}
		for _, e := range c.Evidence {
			indent := "    " + e[:len(e)-len(strings.TrimLeft(e, " "))]
			p.para(indent, indent+"  ", strings.TrimLeft(e, " "))
		}
		p.para("    fix: ", "      ", c.Fix)
		if len(c.Findings) > 0 {
			p.printf("    covers %d finding(s)\n", len(c.Findings))
		}
	}
	if len(s.h.Unexplained) > 0 {
		p.printf("unexplained (%d):\n", len(s.h.Unexplained))
		for _, f := range s.h.Unexplained {
			p.para("    ", "      ", unexplainedLine(s.h, f))
		}
	}
}

var severityColor = map[compare.Severity]string{
	compare.Critical: "\x1b[1;31m",
	compare.Warning:  "\x1b[33m",
	compare.Info:     "\x1b[36m",
}

// severity is a cause's severity label, "[CRITICAL]", coloured when the
// printer colours.
func (p *printer) severity(s compare.Severity) string {
	label := "[" + strings.ToUpper(string(s)) + "]"
	if p.color {
		return severityColor[s] + label + "\x1b[0m"
	}
	return label
}
