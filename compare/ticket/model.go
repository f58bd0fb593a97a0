package ticket

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// view is what both formats render: the report regrouped for people, all
// text cleaned but not yet escaped.
type view struct {
	Title, Headline string
	Tool, Command   string
	Redacted        bool
	Generated       string
	Baseline        string
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
	ref      string // what the host is compared with, for Verdict
	first    int    // index of the first host in the report
	top      int    // rank of the most severe cause; 3 when none
	key      string // grouping key
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
	if len(g.Causes) == 0 {
		return "0"
	}
	n := map[string]int{}
	for _, c := range g.Causes {
		n[c.Severity]++
	}
	var parts []string
	for _, s := range []string{string(compare.Critical), string(compare.Warning), string(compare.Info)} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
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
func build(r *compare.Report, snaps []*fleet.Snapshot, opt Options) (*view, error) {
	if r == nil {
		return nil, errors.New("ticket: nil report")
	}
	v := &view{
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
	if r.GeneratedAt.IsZero() {
		v.Generated = "unknown time"
	}
	v.Groups = groupHosts(r)
	for _, g := range v.Groups {
		g.ref = v.Ref
	}
	for _, g := range v.Groups {
		if len(g.Causes) > 0 || g.Differs || !g.Assessed {
			v.Ranked = append(v.Ranked, g)
		}
	}
	slices.SortStableFunc(v.Ranked, func(a, b *group) int {
		if a.top != b.top {
			return a.top - b.top
		}
		return a.first - b.first
	})
	v.Pivot = buildPivot(v.Groups)
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
	case s.Differing == 0:
		h = fmt.Sprintf("all %d assessed host(s) match %s", s.Assessed, ref)
	default:
		h = fmt.Sprintf("%d of %d host(s) differ from %s", s.Differing, s.Hosts, ref)
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

// groupHosts folds hosts whose results are the same, apart from their own
// names inside texts such as a fix's "ssh -v HOST".
func groupHosts(r *compare.Report) []*group {
	var out []*group
	byKey := map[string]*group{}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		g := hostGroup(h)
		g.first = i
		if prev, ok := byKey[g.key]; ok {
			prev.Hosts = append(prev.Hosts, g.Hosts[0])
			if !sameTexts(prev, g) {
				prev.ShownFor = prev.Hosts[0]
			}
			continue
		}
		byKey[g.key] = g
		out = append(out, g)
	}
	for i, g := range out {
		g.ID = fmt.Sprintf("g%d", i+1)
		g.Label = Fold(g.Hosts)
	}
	return out
}

func hostGroup(h *compare.HostReport) *group {
	name := txt(h.Host)
	g := &group{Hosts: []string{name}, Status: txt(string(h.Status)), Baseline: h.Baseline,
		Assessed: h.Status.Assessed(), Differs: h.Differs(), Error: txt(h.Error), top: 3}
	explained := map[string]bool{}
	for _, c := range h.Causes {
		g.Causes = append(g.Causes, causeView{Rule: txt(c.Rule), Severity: txt(string(c.Severity)),
			Summary: txt(c.Summary), Evidence: txts(c.Evidence), Fix: txt(c.Fix), Findings: txts(c.Findings)})
		for _, f := range c.Findings {
			explained[f] = true
		}
	}
	if len(h.Causes) > 0 {
		g.top = h.Causes[0].Severity.Rank()
	}
	for _, f := range h.Findings {
		g.Findings = append(g.Findings, findingView{Fact: txt(f.Fact), Kind: string(f.Kind),
			Baseline: txt(f.Baseline), Value: txt(f.Value), Noise: f.Noise, Explained: explained[f.Fact]})
	}
	g.Unexplained = txts(h.Unexplained)
	g.Waived = waivedViews(h)
	k, _ := json.Marshal(struct {
		S, E string
		B    bool
		C    []causeView
		F    []findingView
		U    []string
		W    []waivedView
	}{g.Status, hostless(g.Error, name), g.Baseline, hostlessCauses(g.Causes, name), g.Findings, g.Unexplained, g.Waived})
	g.key = string(k)
	return g
}

// sameTexts reports whether two groups of the same key show the same texts.
func sameTexts(a, b *group) bool {
	ka, _ := json.Marshal([]any{a.Error, a.Causes})
	kb, _ := json.Marshal([]any{b.Error, b.Causes})
	return string(ka) == string(kb)
}

func hostlessCauses(cs []causeView, host string) []causeView {
	out := make([]causeView, len(cs))
	for i, c := range cs {
		c.Summary, c.Fix = hostless(c.Summary, host), hostless(c.Fix, host)
		ev := make([]string, len(c.Evidence))
		for j, e := range c.Evidence {
			ev[j] = hostless(e, host)
		}
		c.Evidence = ev
		out[i] = c
	}
	return out
}

// hostless replaces the host's own name, where it stands alone, by a mark.
func hostless(s, host string) string {
	if host == "" || !strings.Contains(s, host) {
		return s
	}
	var b strings.Builder
	for {
		k := strings.Index(s, host)
		if k < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := k + len(host)
		alone := (k == 0 || !wordByte(s[k-1])) && (end == len(s) || !wordByte(s[end]))
		b.WriteString(s[:k])
		if alone {
			b.WriteString("\x00HOST\x00")
		} else {
			b.WriteString(host)
		}
		s = s[end:]
	}
}

func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
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
