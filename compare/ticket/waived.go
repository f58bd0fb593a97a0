package ticket

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// waivedView is one difference a waiver accepts: a cause, or a fact no
// cause covers.
type waivedView struct {
	Severity, Rule, Summary string
	// Fact and Change describe a waived fact ("6.1.0-10 -> 6.1.0-99").
	Fact, Change                   string
	Reason, Owner, Expires, Source string
}

// What is the waived difference in one line.
func (w waivedView) What() string {
	if w.Rule != "" {
		return w.Severity + " " + w.Rule + ": " + w.Summary
	}
	return w.Fact + ": " + w.Change
}

// Waiver is the waiver in one line.
func (w waivedView) Waiver() string {
	return fmt.Sprintf("%s (owner %s, until %s, %s)", w.Reason, w.Owner, w.Expires, w.Source)
}

// waivedViews lists what waivers accept on a host.
func waivedViews(h *compare.HostReport) []waivedView {
	var out []waivedView
	for _, c := range h.Waived {
		out = append(out, waivedView{Severity: txt(string(c.Severity)), Rule: txt(c.Rule), Summary: txt(c.Summary),
			Reason: txt(c.Waiver.Reason), Owner: txt(c.Waiver.Owner), Expires: txt(c.Waiver.Expires), Source: txt(c.Waiver.Source)})
	}
	for _, f := range h.WaivedFacts() {
		out = append(out, waivedView{Fact: txt(f.Fact), Change: txt(orNone(f.Baseline) + " -> " + orNone(f.Value)),
			Reason: txt(f.Waiver.Reason), Owner: txt(f.Waiver.Owner), Expires: txt(f.Waiver.Expires), Source: txt(f.Waiver.Source)})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
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
func (v *view) HasWaived() bool {
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
func (m *mdWriter) waived(v *view) {
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
			m.line("  - **Waived:** " + mdText(w.Waiver()))
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
