package ticket

import (
	"cmp"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// waivedView is one difference a waiver accepts: a cause, or a fact no
// cause covers.
type waivedView struct {
	Severity, Rule, Summary string
	// Fact and Change describe a waived fact ("6.1.0-10 -> 6.1.0-99").
	Fact, Change string
	// Waiver is the waiver in one line (compare.WaiverRef.Text).
	Waiver string
}

// What is the waived difference in one line.
func (w waivedView) What() string {
	if w.Rule != "" {
		return w.Severity + " " + w.Rule + ": " + w.Summary
	}
	return w.Fact + ": " + w.Change
}

// waivedViews lists what waivers accept on a host.
func waivedViews(h *compare.HostReport) []waivedView {
	var out []waivedView
	for _, c := range h.Waived {
		out = append(out, waivedView{Severity: txt(string(c.Severity)), Rule: txt(c.Rule), Summary: txt(c.Summary),
			Waiver: txt(c.Waiver.Text())})
	}
	for _, f := range h.WaivedFacts() {
		out = append(out, waivedView{Fact: txt(f.Fact), Change: txt(cmp.Or(f.Baseline, "(none)") + " -> " + cmp.Or(f.Value, "(none)")),
			Waiver: txt(f.Waiver.Text())})
	}
	return out
}

// waiverNotes says what became of each waiver.
func waiverNotes(r *compare.Report) []string {
	out := make([]string, len(r.Waivers))
	for i, n := range r.Waivers {
		out[i] = txt(n.Text())
	}
	return out
}

// HasWaived reports whether the report has waived differences or waivers.
func (v *content) HasWaived() bool {
	if len(v.Waivers) > 0 {
		return true
	}
	for _, g := range v.Groups {
		if len(g.Waived) > 0 {
			return true
		}
	}
	return false
}

// waived writes the accepted differences and what became of each waiver.
func (m *mdWriter) waived(v *content) {
	if !v.HasWaived() {
		return
	}
	m.para("## Waived: accepted differences, listed and not counted")
	for _, g := range v.Groups {
		if len(g.Waived) == 0 {
			continue
		}
		m.para("### " + mdText(g.Label))
		for _, w := range g.Waived {
			m.line("- " + mdRich(w.What()))
			m.line("  - **Waived:** " + mdText(w.Waiver))
		}
		m.line("")
	}
	if len(v.Waivers) > 0 {
		m.para("**Waivers:**")
		for _, n := range v.Waivers {
			m.line("- " + mdText(strings.TrimSpace(n)))
		}
		m.line("")
	}
}
