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

// summary writes one line per host; hosts with nothing to say and the same
// status share a line.
func (p *printer) summary(hosts []*compare.HostReport) error {
	if p.err != nil {
		return p.err
	}
	t := newTable(p.w)
	t.Header("host", "status", "causes", "top cause")
	type row struct {
		cells []string
		quiet []string // hosts folded into this row
	}
	var rows []*row
	quietAt := map[string]*row{} // status -> its quiet row
	for _, h := range hosts {
		status := string(h.Status)
		if h.Baseline {
			status += " (baseline)"
		}
		if len(h.Causes) == 0 && len(h.Findings) == 0 && !h.Baseline {
			if r, ok := quietAt[status]; ok {
				r.quiet = append(r.quiet, h.Host)
				continue
			}
			r := &row{cells: []string{"", status, "-", "same as baseline"}, quiet: []string{h.Host}}
			quietAt[status] = r
			rows = append(rows, r)
			continue
		}
		top := "same as baseline"
		if c, ok := h.Top(); ok {
			top = fmt.Sprintf("%s %s: %s", c.Severity, c.Rule, c.Summary)
		} else if len(h.Findings) > 0 {
			top = fmt.Sprintf("%d unexplained finding(s)", len(h.Unexplained))
		}
		rows = append(rows, &row{cells: []string{h.Host, status, causeCounts(h), capRunes(top, 110)}})
	}
	for _, r := range rows {
		if r.quiet != nil {
			r.cells[0] = Fold(r.quiet)
		}
		if err := t.Append(r.cells); err != nil {
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
	pv := buildPivot(hosts)
	p.printf("\n")
	if len(pv.facts) == 0 {
		p.printf("no fact differs from the baseline\n")
	} else {
		baseName := "baseline " + r.Baseline.Host
		if r.Baseline.Kind == compare.BaselineMajority {
			baseName = "baseline (majority)"
		}
		header := []string{"fact", baseName}
		for _, c := range pv.columns {
			name := Fold(c.hosts)
			if len(c.hosts) > 1 {
				name += fmt.Sprintf(" (%d)", len(c.hosts))
			}
			header = append(header, name)
		}
		t := newTable(p.w)
		t.Header(header)
		for i, f := range pv.facts {
			row := make([]string, 0, len(header)) // a new slice per row: Append keeps it
			row = append(row, capRunes(f, 64), pv.base[i])
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
		p.printf("= same as the baseline, ? unknown (probe did not run cleanly), - absent\n")
	}
	if len(pv.skipped) > 0 {
		p.printf("not assessed: %s\n", Fold(pv.skipped))
	}
	return p.err
}
