package ticket

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/compare/view"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// content is what both formats render: the heading, the shared view of the
// report (package view: host groups and pivot) and the appendix, all text
// cleaned but not yet escaped.
type content struct {
	Title, Headline string
	// Notice is the report's Notice: what to read first.
	Notice string
	// NoCauses is what the causes section says when it has none.
	NoCauses      string
	Tool, Command string
	Redacted      bool
	Generated     string
	Baseline      string
	// Ref names what hosts are compared with in sentences ("the
	// baseline", "their earlier snapshot"); RefCol heads its column.
	Ref, RefCol string
	Exit        int
	ExitText    string
	Counts      string
	// Groups are all hosts, identical hosts folded, in report order.
	Groups []*group
	// Ranked are the groups with something to say, worst first.
	Ranked []*group
	Pivot  pivot
	// Appendix.
	Facts    []factRow
	Modules  []moduleView
	Issues   []probeIssue
	Commands []commandView
	// Waivers say what became of each waiver.
	Waivers []string
}

// group is one host or several hosts with the same result.
type group struct {
	ID     string // HTML anchor
	Label  string // folded host names
	Hosts  []string
	Status string
	// Baseline marks the baseline host's group.
	Baseline bool
	Assessed bool
	Differs  bool
	// Absent is set when MailScanner is not installed on the hosts.
	Absent   bool
	Error    string
	Causes   []causeView
	Findings []findingView
	// Unexplained lists facts no cause covers.
	Unexplained []string
	// Waived are the differences waivers accept.
	Waived []waivedView
	// ShownFor names the host whose texts are shown when the group's hosts
	// differ only in their own names inside those texts.
	ShownFor string
	ref      string          // what the host is compared with, for Verdict
	hg       *view.HostGroup // the shared group this one words
}

type causeView struct {
	Rule, Severity, Summary string
	Evidence                []string
	Fix                     string
	Findings                []string
}

type findingView struct {
	Fact, Kind, Baseline, Value string
	Noise, Explained            bool
}

// Verdict is the group's one-line result for the hosts table.
func (g *group) Verdict() string {
	switch {
	case len(g.Causes) > 0:
		return g.Causes[0].Severity + ": " + g.Causes[0].Summary
	case g.Baseline:
		return "baseline"
	case !g.Assessed:
		return "not assessed"
	case g.Differs:
		return "differs; no rule explains it"
	case len(g.Waived) > 0:
		return fmt.Sprintf("%d waived difference(s), not counted", len(g.Waived))
	case g.Absent:
		return "MailScanner not installed: nothing to audit"
	}
	return "same as " + g.ref
}

// Severity is the severity of the group's top cause, or "none".
func (g *group) Severity() string {
	if len(g.Causes) == 0 {
		return "none"
	}
	return g.Causes[0].Severity
}

// CauseCounts says how many causes of each severity the group has.
func (g *group) CauseCounts() string {
	return cmp.Or(view.CauseCounts(g.hg.Report.Causes), "0")
}

// Count is the number of hosts in the group.
func (g *group) Count() int { return len(g.Hosts) }

// txt cleans text that came from a host or the report.
func txt(s string) string { return redact.Clean(s) }

func txts(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = txt(s)
	}
	return out
}

// build turns a report and its snapshots into the view.
func build(r *compare.Report, snaps []*fleet.Snapshot, opt Options) (*content, error) {
	if r == nil {
		return nil, errors.New("ticket: nil report")
	}
	v := &content{
		Title:     txt(opt.title()),
		Tool:      txt(opt.version()),
		Command:   txt(opt.Command),
		Redacted:  opt.Redacted,
		Generated: r.GeneratedAt.UTC().Format("2006-01-02 15:04:05 UTC"),
		Baseline:  txt(baselineText(r.Baseline)),
		Exit:      r.Exit,
		ExitText:  exitText(r.Exit),
		Ref:       "the baseline",
		RefCol:    "Baseline",
		Counts:    counts(r.Summary),
	}
	if r.Baseline.Kind == compare.BaselineDrift {
		v.Ref, v.RefCol = "their earlier snapshot", "Before"
	}
	v.Headline = headline(r.Summary, v.Ref)
	v.NoCauses = "Nothing to explain: every host matches " + v.Ref
	if n := r.Summary.MailScannerAbsent; n > 0 {
		v.NoCauses += fmt.Sprintf(" in the facts compared (see the note above: MailScanner is not installed on %d host(s))", n)
	}
	v.NoCauses += "."
	v.Notice = txt(r.Notice)
	if r.GeneratedAt.IsZero() {
		v.Generated = "unknown time"
	}
	hgs := view.GroupHosts(hostReports(r), txt)
	for i, hg := range hgs {
		g := hostGroup(hg)
		g.ID, g.ref = fmt.Sprintf("g%d", i+1), v.Ref
		v.Groups = append(v.Groups, g)
	}
	for _, g := range v.Groups {
		if len(g.Causes) > 0 || g.Differs || !g.Assessed {
			v.Ranked = append(v.Ranked, g)
		}
	}
	slices.SortStableFunc(v.Ranked, func(a, b *group) int {
		return cmp.Or(cmp.Compare(a.hg.Rank(), b.hg.Rank()), cmp.Compare(a.hg.First, b.hg.First))
	})
	v.Pivot = buildPivot(view.BuildPivot(hgs, r.Baseline.Kind == compare.BaselineDrift), v.Groups)
	byHost := snapshotsByHost(snaps)
	v.Facts = keyFacts(r, byHost)
	v.Modules = moduleViews(r, byHost)
	v.Issues, v.Commands = commands(r, byHost)
	v.Waivers = waiverNotes(r)
	return v, nil
}

func baselineText(b compare.BaselineInfo) string {
	if b.Note != "" {
		return b.Note
	}
	if b.Host != "" {
		return b.Kind + " " + b.Host
	}
	return b.Kind
}

func exitText(code int) string {
	switch code {
	case compare.ExitOK:
		return "nothing differs"
	case compare.ExitDifferences:
		return "differences found"
	case 2:
		return "usage or inventory error"
	case compare.ExitNotAssessed:
		return "one or more hosts could not be assessed"
	case 4:
		return "interrupted"
	}
	return "unknown"
}

func headline(s compare.Summary, ref string) string {
	var h string
	switch {
	case s.Hosts == 0:
		return "no hosts"
	case s.Assessed > 0 && s.MailScannerAbsent == s.Assessed:
		h = "MailScanner is not installed: nothing to audit"
	case s.MailScannerAbsent > 0 && s.Differing == 0:
		h = fmt.Sprintf("MailScanner is not installed on %d of %d assessed host(s); the others match %s", s.MailScannerAbsent, s.Assessed, ref)
	case s.Differing == 0:
		h = fmt.Sprintf("all %d assessed host(s) match %s", s.Assessed, ref)
	default:
		h = fmt.Sprintf("%d of %d host(s) differ from %s", s.Differing, s.Hosts, ref)
		if s.MailScannerAbsent > 0 {
			h += fmt.Sprintf("; MailScanner is not installed on %d", s.MailScannerAbsent)
		}
	}
	if s.NotAssessed > 0 {
		h += fmt.Sprintf(", %d not assessed", s.NotAssessed)
	}
	return h
}

func counts(s compare.Summary) string {
	if s.Waived > 0 {
		return fmt.Sprintf("%s; %d waived cause(s), not counted", countsOf(s), s.Waived)
	}
	return countsOf(s)
}

func countsOf(s compare.Summary) string {
	return fmt.Sprintf("%d host(s): %d assessed, %d not assessed, %d differing; causes: %d critical, %d warning, %d info; %d finding(s), %d unexplained",
		s.Hosts, s.Assessed, s.NotAssessed, s.Differing, s.Critical, s.Warning, s.Info, s.Findings, s.Unexplained)
}

func hostReports(r *compare.Report) []*compare.HostReport {
	out := make([]*compare.HostReport, len(r.Hosts))
	for i := range r.Hosts {
		out[i] = &r.Hosts[i]
	}
	return out
}

// hostGroup is the texts of a group of hosts, cleaned.
func hostGroup(hg *view.HostGroup) *group {
	h := hg.Report
	g := &group{Hosts: hg.Hosts, Label: hg.Label(), Status: txt(view.StatusText(h.Status)), Baseline: h.Baseline,
		Assessed: h.Status.Assessed(), Differs: h.Differs(), Absent: h.MailScannerAbsent, Error: txt(h.Error), ShownFor: hg.ShownFor, hg: hg}
	explained := map[string]bool{}
	for _, c := range h.Causes {
		g.Causes = append(g.Causes, causeView{Rule: txt(c.Rule), Severity: txt(string(c.Severity)),
			Summary: txt(c.Summary), Evidence: txts(c.Evidence), Fix: txt(c.Fix), Findings: txts(c.Findings)})
		for _, f := range c.Findings {
			explained[f] = true
		}
	}
	for _, f := range h.Findings {
		c := cleanFinding(f)
		g.Findings = append(g.Findings, findingView{Fact: c.Fact, Kind: string(c.Kind),
			Baseline: c.Baseline, Value: c.Value, Noise: c.Noise, Explained: explained[f.Fact]})
	}
	g.Unexplained = txts(h.Unexplained)
	g.Waived = waivedViews(h)
	return g
}

// cleanFinding cleans a finding's texts.
func cleanFinding(f compare.Finding) compare.Finding {
	f.Fact, f.Baseline, f.Value = txt(f.Fact), txt(f.Baseline), txt(f.Value)
	return f
}

func snapshotsByHost(snaps []*fleet.Snapshot) map[string]*fleet.Snapshot {
	m := make(map[string]*fleet.Snapshot, len(snaps))
	for _, s := range snaps {
		if s != nil {
			if _, ok := m[s.Host]; !ok {
				m[s.Host] = s
			}
		}
	}
	return m
}

// capText shortens s to n runes, marking the cut.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
