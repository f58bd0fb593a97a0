package render

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// The layout of the terminal table, computed apart from its printing.

// focus returns the hosts to show: all, or only host.
func focus(r *compare.Report, host string) ([]*compare.HostReport, error) {
	hosts := make([]*compare.HostReport, 0, len(r.Hosts))
	for i := range r.Hosts {
		h := &r.Hosts[i]
		if host == "" || h.Host == host {
			hosts = append(hosts, h)
		}
	}
	if host != "" && len(hosts) == 0 {
		return nil, fmt.Errorf("host %q is not in the report", host)
	}
	return hosts, nil
}

// headline returns the lines that describe the baseline and the totals.
func headline(r *compare.Report) []string {
	b := r.Baseline
	var first string
	switch b.Kind {
	case compare.BaselineMajority:
		first = fmt.Sprintf("baseline: majority of %d assessed host(s), ties to the lowest host name (closest host: %s)", b.Hosts, orDash(b.Representative))
	case compare.BaselineDrift:
		first = "baseline: each host's own earlier snapshot (drift)"
	case compare.BaselineFile:
		first = "baseline: saved snapshot of " + b.Host
		if b.Source != "" {
			first += " (" + b.Source + ")"
		}
	default:
		first = "baseline: host " + b.Host
	}
	s := r.Summary
	second := fmt.Sprintf("generated %s: %d host(s), %d assessed, %d not assessed, %d differ; %d critical, %d warning, %d info; exit %d",
		r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z"), s.Hosts, s.Assessed, s.NotAssessed, s.Differing,
		s.Critical, s.Warning, s.Info, r.Exit)
	return []string{first, second}
}

// summaryRow is one line of the host summary; hosts whose lines would read
// the same share it.
type summaryRow struct {
	hosts []string
	cells []string // status, causes, top cause
}

func summaryRows(hosts []*compare.HostReport) []*summaryRow {
	var rows []*summaryRow
	byText := map[string]*summaryRow{}
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
		r := &summaryRow{hosts: []string{h.Host}, cells: cells}
		if !h.Baseline {
			byText[key] = r
		}
		rows = append(rows, r)
	}
	return rows
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

// section is the causes of hosts whose causes and unexplained findings
// read the same.
type section struct {
	hosts []string
	h     *compare.HostReport
}

func sections(hosts []*compare.HostReport) []*section {
	var out []*section
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
		out = append(out, s)
	}
	return out
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

// unexplainedLine describes an unexplained finding on one line.
func unexplainedLine(h *compare.HostReport, fact string) string {
	fd, _ := h.Finding(fact)
	return fmt.Sprintf("%s %s: %s -> %s", kindMark(fd.Kind), fact, cellText(orEmpty(fd.Baseline)), cellText(orEmpty(fd.Value)))
}

// pivotTable is the pivot laid out: header, rows, legend and notes.
type pivotTable struct {
	header  []string
	rows    [][]string
	legend  []string // "[A]: mail[...]" for columns with long host lists
	key     string   // what the cell marks mean
	skipped string   // folded hosts not assessed
}

func layoutPivot(r *compare.Report, hosts []*compare.HostReport) pivotTable {
	drift := r.Baseline.Kind == compare.BaselineDrift
	pv := buildPivot(hosts, drift)
	var t pivotTable
	if len(pv.skipped) > 0 {
		t.skipped = Fold(pv.skipped)
	}
	if len(pv.facts) == 0 {
		return t
	}
	t.header = []string{"fact"}
	if !drift {
		name := "baseline " + r.Baseline.Host
		if r.Baseline.Kind == compare.BaselineMajority {
			name = "baseline (majority)"
		}
		t.header = append(t.header, name)
	}
	// Columns whose host list is too long for a header get a letter and a
	// legend under the table.
	for _, c := range pv.columns {
		name := Fold(c.hosts)
		if len([]rune(name)) > 24 {
			label := columnLabel(len(t.legend))
			t.legend = append(t.legend, fmt.Sprintf("%s: %s", label, name))
			name = label
		}
		if len(c.hosts) > 1 {
			name += fmt.Sprintf(" (%d)", len(c.hosts))
		}
		t.header = append(t.header, name)
	}
	for i, f := range pv.facts {
		row := make([]string, 0, len(t.header)) // a new slice per row: tablewriter keeps it
		row = append(row, capRunes(f, 64))
		if !drift {
			row = append(row, pv.base[i])
		}
		for _, c := range pv.columns {
			row = append(row, c.values[i])
		}
		t.rows = append(t.rows, row)
	}
	t.key = "= same as the baseline, ? unknown (probe did not run cleanly), - absent"
	if drift {
		t.key = "= unchanged, before -> after, ? unknown (probe did not run cleanly), - absent"
	}
	return t
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

// hostCell folds hosts for a table cell, capped at n runes; more than one
// host gets its count, so a capped list still says how many it holds.
func hostCell(hosts []string, n int) string {
	name := Fold(hosts)
	if len(hosts) == 1 {
		return name
	}
	return capRunes(name, n) + fmt.Sprintf(" (%d)", len(hosts))
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
