package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/fleetcheck/fleetcheck/compare"
)

// TableOptions tune the terminal table.
type TableOptions struct {
	// Host, when set, shows only this host (and the baseline column).
	Host string
	// Color adds ANSI colours to severities; set it only when writing to a
	// terminal.
	Color bool
}

// Table writes the report for people: a summary line per host (hosts
// without differences folded into one line), then each host's causes with
// evidence and fix (hosts with identical causes folded together), then the
// fact × host pivot of every differing fact, hosts with identical values
// grouped into one column.
func Table(w io.Writer, r *compare.Report, opt TableOptions) error {
	hosts := make([]*compare.HostReport, 0, len(r.Hosts))
	for i := range r.Hosts {
		h := &r.Hosts[i]
		if opt.Host == "" || h.Host == opt.Host {
			hosts = append(hosts, h)
		}
	}
	if opt.Host != "" && len(hosts) == 0 {
		return fmt.Errorf("host %q is not in the report", opt.Host)
	}
	p := &printer{w: w, color: opt.Color}
	p.header(r)
	if err := p.summary(hosts); err != nil {
		return err
	}
	p.causes(hosts)
	if err := p.pivot(r, hosts); err != nil {
		return err
	}
	return p.err
}

// printer writes text and keeps the first write error.
type printer struct {
	w     io.Writer
	color bool
	err   error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) header(r *compare.Report) {
	b := r.Baseline
	switch b.Kind {
	case compare.BaselineMajority:
		p.printf("baseline: majority of %d assessed host(s), ties to the lowest host name (closest host: %s)\n", b.Hosts, orDash(b.Representative))
	case compare.BaselineDrift:
		p.printf("baseline: each host's own earlier snapshot (drift)\n")
	case compare.BaselineFile:
		p.printf("baseline: saved snapshot of %s", b.Host)
		if b.Source != "" {
			p.printf(" (%s)", b.Source)
		}
		p.printf("\n")
	default:
		p.printf("baseline: host %s\n", b.Host)
	}
	s := r.Summary
	p.printf("generated %s: %d host(s), %d assessed, %d not assessed, %d differ; %d critical, %d warning, %d info; exit %d\n\n",
		r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z"), s.Hosts, s.Assessed, s.NotAssessed, s.Differing,
		s.Critical, s.Warning, s.Info, r.Exit)
}

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
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
}

// summary writes one line per host; hosts whose lines would read the same
// (status, cause counts, top cause) share one line with their names folded.
func (p *printer) summary(hosts []*compare.HostReport) error {
	if p.err != nil {
		return p.err
	}
	t := newTable(p.w)
	t.Header("host", "status", "causes", "top cause")
	type row struct {
		hosts []string
		cells []string // status, causes, top cause
	}
	var rows []*row
	byText := map[string]*row{}
	for _, h := range hosts {
		status := string(h.Status)
		if h.Baseline {
			status += " (baseline)"
		}
		top := "same as baseline"
		if c, ok := h.Top(); ok {
			top = fmt.Sprintf("%s %s: %s", c.Severity, c.Rule, c.Summary)
		} else if len(h.Findings) > 0 {
			top = fmt.Sprintf("%d unexplained finding(s)", len(h.Unexplained))
		}
		cells := []string{status, causeCounts(h), capRunes(top, 110)}
		key := strings.Join(cells, "\x00")
		if r, ok := byText[key]; ok && !h.Baseline {
			r.hosts = append(r.hosts, h.Host)
			continue
		}
		r := &row{hosts: []string{h.Host}, cells: cells}
		if !h.Baseline {
			byText[key] = r
		}
		rows = append(rows, r)
	}
	for _, r := range rows {
		if err := t.Append(append([]string{hostCell(r.hosts, 60)}, r.cells...)); err != nil {
			return fmt.Errorf("summary table: %w", err)
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("summary table: %w", err)
	}
	return nil
}

func causeCounts(h *compare.HostReport) string {
	n := map[compare.Severity]int{}
	for _, c := range h.Causes {
		n[c.Severity]++
	}
	var parts []string
	for _, s := range []compare.Severity{compare.Critical, compare.Warning, compare.Info} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// causes writes each host's causes; hosts whose causes and unexplained
// facts read the same are folded into one section.
func (p *printer) causes(hosts []*compare.HostReport) {
	type section struct {
		hosts []string
		h     *compare.HostReport
	}
	var sections []*section
	byText := map[string]*section{}
	for _, h := range hosts {
		if len(h.Causes) == 0 && len(h.Unexplained) == 0 {
			continue
		}
		key := sectionKey(h)
		if s, ok := byText[key]; ok {
			s.hosts = append(s.hosts, h.Host)
			continue
		}
		s := &section{hosts: []string{h.Host}, h: h}
		byText[key] = s
		sections = append(sections, s)
	}
	for _, s := range sections {
		p.printf("\n== %s (%s) ==\n", Fold(s.hosts), s.h.Status)
		for _, c := range s.h.Causes {
			p.printf("%s %s: %s\n", p.severity(c.Severity), c.Rule, c.Summary)
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
				fd, _ := s.h.Finding(f)
				p.printf("    %s %s: %s -> %s\n", kindMark(fd.Kind), f, cellText(orEmpty(fd.Baseline)), cellText(orEmpty(fd.Value)))
			}
		}
	}
}

func sectionKey(h *compare.HostReport) string {
	var b strings.Builder
	b.WriteString(string(h.Status))
	for _, c := range h.Causes {
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%s\x00%s\x00%s", c.Severity, c.Rule, c.Summary, strings.Join(c.Evidence, "\x01"), c.Fix)
	}
	for _, f := range h.Unexplained {
		fd, _ := h.Finding(f)
		fmt.Fprintf(&b, "\x02%s\x00%s\x00%s", f, fd.Baseline, fd.Value)
	}
	return b.String()
}

// kindMark is a one-letter change mark, as restic diff uses.
func kindMark(k compare.Kind) string {
	switch k {
	case compare.Missing:
		return "-"
	case compare.Extra:
		return "+"
	case compare.Unknown:
		return "?"
	}
	return "~"
}

func orEmpty(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
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

// pivot writes the fact × host table.
func (p *printer) pivot(r *compare.Report, hosts []*compare.HostReport) error {
	if p.err != nil {
		return p.err
	}
	drift := r.Baseline.Kind == compare.BaselineDrift
	pv := buildPivot(hosts, drift)
	p.printf("\n")
	if len(pv.facts) == 0 {
		p.printf("no fact differs from the baseline\n")
	} else {
		baseName := "baseline " + r.Baseline.Host
		if r.Baseline.Kind == compare.BaselineMajority {
			baseName = "baseline (majority)"
		}
		header := []string{"fact", baseName}
		if drift {
			header = header[:1]
		}
		// Columns whose host list is too long for a header get a letter
		// and a legend under the table.
		var legend []string
		for _, c := range pv.columns {
			name := Fold(c.hosts)
			if len([]rune(name)) > 24 {
				label := columnLabel(len(legend))
				legend = append(legend, fmt.Sprintf("%s: %s", label, name))
				name = label
			}
			if len(c.hosts) > 1 {
				name += fmt.Sprintf(" (%d)", len(c.hosts))
			}
			header = append(header, name)
		}
		t := newTable(p.w)
		t.Header(header)
		for i, f := range pv.facts {
			row := make([]string, 0, len(header)) // a new slice per row: Append keeps it
			row = append(row, capRunes(f, 64))
			if !drift {
				row = append(row, pv.base[i])
			}
			for _, c := range pv.columns {
				row = append(row, c.values[i])
			}
			if err := t.Append(row); err != nil {
				return fmt.Errorf("pivot table: %w", err)
			}
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("pivot table: %w", err)
		}
		if drift {
			p.printf("= unchanged, before -> after, ? unknown (probe did not run cleanly), - absent\n")
		} else {
			p.printf("= same as the baseline, ? unknown (probe did not run cleanly), - absent\n")
		}
		for _, l := range legend {
			p.printf("%s\n", l)
		}
	}
	if len(pv.skipped) > 0 {
		p.printf("not assessed: %s\n", Fold(pv.skipped))
	}
	return p.err
}

// hostCell folds hosts for a table cell, capped at n runes; more than one
// host gets its count, so a capped list still says how many it holds.
func hostCell(hosts []string, n int) string {
	name := Fold(hosts)
	if len(hosts) == 1 {
		return name
	}
	return capRunes(name, n) + fmt.Sprintf(" (%d)", len(hosts))
}

// columnLabel names the i-th long column: A … Z, then AA, AB, ...
func columnLabel(i int) string {
	label := ""
	for i >= 0 {
		label = string(rune('A'+i%26)) + label
		i = i/26 - 1
	}
	return "[" + label + "]"
}
