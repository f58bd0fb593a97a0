package render

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
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
		first = fmt.Sprintf("baseline: majority of %d assessed host(s), ties to the lowest host name (closest host: %s)", b.Hosts, cmp.Or(b.Representative, "-"))
	case compare.BaselineDrift:
		first = "baseline: each host's own earlier snapshot (drift)"
	case compare.BaselineFile:
		first = "baseline: saved snapshot of " + b.Host
		if b.Source != "" {
			first += " (" + b.Source + ")"
		}
	case compare.BaselineHost, "":
		first = "baseline: host " + b.Host
	default: // another kind of reference, e.g. a release for preflight
		first = "baseline: " + b.Kind
		if b.Source != "" {
			first += " " + b.Source
		}
		if b.Note != "" {
			first += " (" + b.Note + ")"
		}
	}
	s := r.Summary
	second := fmt.Sprintf("generated %s: %d host(s), %d assessed, %d not assessed, %d differ; %d critical, %d warning, %d info; exit %d",
		r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z"), s.Hosts, s.Assessed, s.NotAssessed, s.Differing,
		s.Critical, s.Warning, s.Info, r.Exit)
	if s.Waived > 0 {
		second = strings.Replace(second, "; exit", fmt.Sprintf(", %d waived (not counted); exit", s.Waived), 1)
	}
	return []string{first, second}
}

// summaryRow is one line of the host summary; host groups whose lines
// would read the same share it.
type summaryRow struct {
	hosts []string
	cells []string // status, causes, top cause
}

// same is what a host without differences is: "same as baseline", or in a
// drift report "unchanged".
func summaryRows(groups []*view.HostGroup, same string) []*summaryRow {
	var g view.Grouper[[]string]
	for _, hg := range groups {
		h := hg.Report
		status := view.StatusText(h.Status)
		if h.Baseline {
			status += " (baseline)"
		}
		top := same
		if c, ok := h.Top(); ok {
			top = fmt.Sprintf("%s %s: %s", c.Severity, c.Rule, c.Summary)
		} else if !h.Status.Assessed() && h.Error != "" {
			top = h.Error
		} else if openFindings(h) > 0 {
			top = fmt.Sprintf("%d unexplained finding(s)", len(h.Unexplained))
		} else if n := len(h.Waived) + len(h.WaivedFacts()); n > 0 {
			top = fmt.Sprintf("%d waived difference(s), not counted", n)
		}
		cells := []string{status, cmp.Or(view.CauseCounts(h.Causes), "-"), top}
		key := strings.Join(cells, "\x00")
		if h.Baseline { // the baseline keeps a line of its own
			key = fmt.Sprintf("baseline\x00%d", hg.First)
		}
		g.Add(key, cells, hg.Hosts...)
	}
	rows := make([]*summaryRow, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		rows = append(rows, &summaryRow{hosts: grp.Hosts, cells: grp.Value})
	}
	return rows
}

// section is the causes of host groups whose causes and unexplained
// findings read the same. shownFor names the host whose texts are shown
// when the others differ from it only in their own names.
type section struct {
	hosts    []string
	h        *compare.HostReport
	shownFor string
}

func sections(groups []*view.HostGroup) []*section {
	var g view.Grouper[*section]
	for _, hg := range groups {
		h := hg.Report
		if len(h.Causes) == 0 && len(h.Unexplained) == 0 {
			continue
		}
		grp := g.Add(sectionKey(h), &section{h: h}, hg.Hosts...)
		if hg.ShownFor != "" {
			grp.Value.shownFor = grp.Hosts[0]
		}
	}
	out := make([]*section, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		grp.Value.hosts = grp.Hosts
		out = append(out, grp.Value)
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
	return fmt.Sprintf("%s %s: %s -> %s", kindMark(fd.Kind), compare.ShortINC(fact), cellText(cmp.Or(fd.Baseline, "(none)")), cellText(cmp.Or(fd.Value, "(none)")))
}

// hostCell folds hosts for a table cell, capped at n runes; more than one
// host gets its count, so a capped list still says how many it holds.
func hostCell(hosts []string, n int) string {
	name := view.Fold(hosts)
	if len(hosts) == 1 {
		return name
	}
	return fitEnd(name, n) + fmt.Sprintf(" (%d)", len(hosts))
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
