package view

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// HostGroup is hosts with the same result: the same status, error,
// baseline mark, causes, findings and unexplained facts, apart from each
// host's own name where it stands alone inside those texts (a fix's
// "ssh-keygen -R mail07").
type HostGroup struct {
	// Hosts are the hosts' names in report order.
	Hosts []string
	// Report is the first host's report; its texts are the ones shown.
	Report *compare.HostReport
	// ShownFor names the host whose texts are shown when the group's hosts
	// differ in their own names inside them; "" when every host's texts
	// read the same.
	ShownFor string
	// First is the index of the group's first host among the hosts
	// grouped.
	First int
}

// Label names the group's hosts as node ranges (Fold).
func (g *HostGroup) Label() string { return Fold(g.Hosts) }

// Rank is the rank of the group's most severe cause
// (compare.Severity.Rank), NoCause when it has none.
func (g *HostGroup) Rank() int {
	if c, ok := g.Report.Top(); ok {
		return c.Severity.Rank()
	}
	return NoCause
}

// NoCause is the rank of a group without causes: below every severity.
const NoCause = 3

// GroupHosts folds hosts with the same result into groups, in the order of
// their first host. clean, when not nil, is applied to every text first,
// the names included, so hosts whose texts read the same once cleaned share
// a group and the groups' Hosts hold cleaned names.
func GroupHosts(hosts []*compare.HostReport, clean func(string) string) []*HostGroup {
	if clean == nil {
		clean = func(s string) string { return s }
	}
	var g Grouper[*HostGroup]
	for i, h := range hosts {
		name := clean(h.Host)
		texts := resultTexts(h, clean)
		grp := g.Add(resultKey(h, texts, name, clean), &HostGroup{Report: h, First: i}, name)
		hg := grp.Value
		if hg.Report != h && hg.ShownFor == "" && Key(texts) != Key(resultTexts(hg.Report, clean)) {
			hg.ShownFor = grp.Hosts[0]
		}
	}
	out := make([]*HostGroup, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		grp.Value.Hosts = grp.Hosts
		out = append(out, grp.Value)
	}
	return out
}

// resultTexts are the texts of a result that may name the host itself:
// the error, then each cause's summary, fix and evidence.
func resultTexts(h *compare.HostReport, clean func(string) string) [][]string {
	out := [][]string{{clean(h.Error)}}
	for _, c := range h.Causes {
		out = append(out, append([]string{clean(c.Summary), clean(c.Fix)}, cleanAll(c.Evidence, clean)...))
	}
	return out
}

// resultKey is the grouping key of a host's result, with the host's own
// name in its texts replaced by a mark.
func resultKey(h *compare.HostReport, texts [][]string, name string, clean func(string) string) string {
	type cause struct {
		Rule, Severity string
		Findings       []string
	}
	type finding struct {
		Fact, Kind, Baseline, Value string
		Noise                       bool
	}
	k := struct {
		Status   string
		Baseline bool
		Texts    [][]string
		Causes   []cause
		Findings []finding
		U        []string
	}{Status: clean(string(h.Status)), Baseline: h.Baseline}
	for _, ts := range texts {
		hl := make([]string, len(ts))
		for i, t := range ts {
			hl[i] = hostless(t, name)
		}
		k.Texts = append(k.Texts, hl)
	}
	for _, c := range h.Causes {
		k.Causes = append(k.Causes, cause{clean(c.Rule), clean(string(c.Severity)), cleanAll(c.Findings, clean)})
	}
	for _, f := range h.Findings {
		k.Findings = append(k.Findings, finding{clean(f.Fact), string(f.Kind), clean(f.Baseline), clean(f.Value), f.Noise})
	}
	k.U = cleanAll(h.Unexplained, clean)
	return Key(k)
}

func cleanAll(in []string, clean func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = clean(s)
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

// wordByte reports whether c is an ASCII letter or digit.
func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// CauseCounts says how many causes of each severity there are, most
// severe first ("1 critical, 2 warning"); "" when there are none.
func CauseCounts(causes []compare.Cause) string {
	n := map[compare.Severity]int{}
	for _, c := range causes {
		n[c.Severity]++
	}
	var parts []string
	for _, s := range []compare.Severity{compare.Critical, compare.Warning, compare.Info} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
