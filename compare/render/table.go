package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Host, when set, shows only this host (and the baseline column).
	Host string
	// Color adds ANSI colours to severities; set it only when writing to a
	// terminal.
	Color bool
	// Width is the width the tables aim for, in columns; 0 means
	// DefaultWidth. Host groups that do not fit the pivot are named below
	// it.
	Width int
}

// Table writes the report for people: a summary line per host (hosts whose
// lines read the same folded into one), then each host's causes with
// evidence and fix (hosts with identical causes folded together), then the
// fact × host pivot of every differing fact, hosts with identical values
// grouped into one column. The tables fit TableOptions.Width: hosts equal
// to the baseline are named under the pivot instead of getting a column,
// long values get a middle ellipsis, and host groups that do not fit are
// named with the ways to see them (--format markdown, --host).
func Table(w io.Writer, r *compare.Report, opt TableOptions) error {
	hosts, err := focus(r, opt.Host)
	if err != nil {
		return err
	}
	p := &printer{w: w, color: opt.Color}
	for _, l := range headline(r) {
		p.printf("%s\n", l)
	}
	if opt.Host != "" {
		p.printf("showing host %s only; without --host every host is listed\n", opt.Host)
	}
	p.printf("\n")
	width := opt.Width
	if width <= 0 {
		width = DefaultWidth
	}
	same, nothing := "same as baseline", "no fact differs from the baseline"
	if r.Baseline.Kind == compare.BaselineDrift {
		same, nothing = "unchanged", "no fact changed"
	}
	rows := summaryTable(summaryRows(hosts, same), width)
	if err := p.table([]string{"host", "status", "causes", "top cause"}, rows); err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	for _, s := range sections(hosts) {
		p.section(s)
	}
	p.waived(r, hosts)
	p.printf("\n")
	pt := layoutPivot(r, hosts, width)
	if len(pt.rows) == 0 {
		p.printf("%s\n", nothing)
	} else {
		if err := p.table(pt.header, pt.rows); err != nil {
			return fmt.Errorf("pivot table: %w", err)
		}
		p.printf("%s\n", pt.key)
		for _, l := range pt.legend {
			p.printf("%s\n", l)
		}
		if pt.same != "" {
			p.printf("same as the baseline in every row: %s\n", pt.same)
		}
		if pt.hidden != "" {
			p.printf("%s\n", pt.hidden)
		}
	}
	if pt.skipped != "" {
		p.printf("not assessed: %s\n", pt.skipped)
	}
	return p.err
}

// summaryTable lays out the summary rows in width: host lists are capped
// (their count stays), and the top cause gets what the other columns
// leave, at least 40 runes.
func summaryTable(rows []*summaryRow, width int) [][]string {
	out := make([][]string, 0, len(rows))
	used := 1 + len("host") + 3
	for _, r := range rows {
		used = max(used, 1+runeLen(hostCell(r.hosts, maxHostCell))+3)
	}
	for j := range 2 { // status and causes
		w := 0
		for _, r := range rows {
			w = max(w, runeLen(r.cells[j]))
		}
		used += w + 3
	}
	top := max(40, width-used-3)
	for _, r := range rows {
		out = append(out, []string{hostCell(r.hosts, maxHostCell), r.cells[0], r.cells[1], fitEnd(r.cells[2], top)})
	}
	return out
}

// maxHostCell caps a summary row's host list (before its count).
const maxHostCell = 36

// fitEnd cuts s to n runes with an ellipsis at the end.
func fitEnd(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + ellipsis
}

// printer writes text and keeps the first write error.
type printer struct {
	w     io.Writer
	color bool
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

// table renders an ASCII table (stable for golden files: no Unicode box
// drawing, no header auto-formatting, no wrapping).
func (p *printer) table(header []string, rows [][]string) error {
	if p.err != nil {
		return p.err
	}
	t := tablewriter.NewTable(p.w,
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
	t.Header(safeAll(header))
	for _, row := range rows {
		if err := t.Append(safeAll(row)); err != nil {
			return err
		}
	}
	return t.Render()
}

func (p *printer) section(s *section) {
	p.printf("\n== %s (%s) ==\n", Fold(s.hosts), s.h.Status)
	for _, c := range s.h.Causes {
		p.raw("%s", p.severity(c.Severity))
		p.printf(" %s: %s\n", c.Rule, c.Summary)
		for _, e := range c.Evidence {
			p.printf("    %s\n", e)
		}
		p.printf("    fix: %s\n", c.Fix)
		if len(c.Findings) > 0 {
			p.printf("    covers %d finding(s)\n", len(c.Findings))
		}
	}
	if len(s.h.Unexplained) > 0 {
		p.printf("unexplained (%d):\n", len(s.h.Unexplained))
		for _, f := range s.h.Unexplained {
			p.printf("    %s\n", unexplainedLine(s.h, f))
		}
	}
}

var severityColor = map[compare.Severity]string{
	compare.Critical: "\x1b[1;31m",
	compare.Warning:  "\x1b[33m",
	compare.Info:     "\x1b[36m",
}

func (p *printer) severity(s compare.Severity) string {
	label := "[" + strings.ToUpper(string(s)) + "]"
	if p.color {
		return severityColor[s] + label + "\x1b[0m"
	}
	return label
}

// safeAll returns a copy of cells made safe for a terminal.
func safeAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = safe(c)
	}
	return out
}
