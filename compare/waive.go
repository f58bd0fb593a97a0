package compare

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// WaiverRef is the waiver that accepts a cause or a finding, as the
// reports show it.
type WaiverRef struct {
	Reason string `json:"reason"`
	Owner  string `json:"owner"`
	// Expires is the last day the waiver applies, YYYY-MM-DD.
	Expires string `json:"expires"`
	// Source is where the waiver is written, FILE:LINE.
	Source string `json:"source"`
}

// Text is the waiver in one line: the reason, who owns it, until when and
// where it is written.
func (w WaiverRef) Text() string {
	return fmt.Sprintf("%s (owner %s, until %s, %s)", w.Reason, w.Owner, w.Expires, w.Source)
}

// WaivedCause is a cause that a waiver accepts: the cause as it would be
// in causes, plus the waiver. It is listed, never counted.
type WaivedCause struct {
	Cause
	Waiver WaiverRef `json:"waiver"`
}

// Waiver states on a report.
const (
	// WaiverApplied: the waiver accepted at least one cause or finding.
	WaiverApplied = "applied"
	// WaiverExpired: its day has passed; it no longer applies.
	WaiverExpired = "expired"
	// WaiverStale: in force, but it matched nothing in this report.
	WaiverStale = "stale"
)

// WaiverNote is what became of one waiver in a report.
type WaiverNote struct {
	Source  string   `json:"source"`
	Hosts   []string `json:"hosts"`
	Rule    string   `json:"rule,omitempty"`
	Fact    string   `json:"fact,omitempty"`
	Reason  string   `json:"reason"`
	Owner   string   `json:"owner"`
	Expires string   `json:"expires"`
	// State is applied, expired or stale.
	State string `json:"state"`
	// Matches counts the causes and unexplained findings the waiver
	// accepted, or, expired, would have accepted.
	Matches int `json:"matches"`
}

// Text says in one line what became of the waiver.
func (n WaiverNote) Text() string {
	what := n.Rule
	switch {
	case n.Rule != "" && n.Fact != "":
		what = n.Rule + " on " + n.Fact
	case n.Rule == "":
		what = n.Fact
	}
	head := fmt.Sprintf("waiver %s (%s for %s, owner %s)", n.Source, what, fold(n.Hosts), n.Owner)
	switch n.State {
	case WaiverExpired:
		s := fmt.Sprintf("%s expired on %s and no longer applies", head, n.Expires)
		if n.Matches > 0 {
			s += fmt.Sprintf(": %d difference(s) it accepted count again", n.Matches)
		}
		return s
	case WaiverStale:
		return fmt.Sprintf("%s matches nothing in this report: remove it if the difference is gone (expires %s)", head, n.Expires)
	}
	return fmt.Sprintf("%s accepts %d difference(s) until %s: %s", head, n.Matches, n.Expires, n.Reason)
}

// fold lists hosts compactly for a note.
func fold(hosts []string) string {
	if len(hosts) == 0 {
		return "no host"
	}
	if len(hosts) > 4 {
		return fmt.Sprintf("%s, %s and %d more", hosts[0], hosts[1], len(hosts)-2)
	}
	return strings.Join(hosts, ", ")
}

// WaivedFacts returns the host's findings that a fact waiver accepts
// directly: findings no cause covers.
func (h *HostReport) WaivedFacts() []Finding {
	inCause := map[string]bool{}
	for _, c := range h.Waived {
		for _, f := range c.Findings {
			inCause[f] = true
		}
	}
	var out []Finding
	for _, f := range h.Findings {
		if f.Waiver != nil && !inCause[f.Fact] {
			out = append(out, f)
		}
	}
	return out
}

// Waive applies waivers to the report, after its causes are ranked: a
// cause that an unexpired waiver matches on its host moves from Causes to
// Waived; a finding is waived when every cause covering it is, or, covered
// by none, when a fact waiver matches it. Waived causes and findings keep
// their place in the report and stop counting: the summary and the exit
// code are computed again. A waiver matches a cause when its rule is the
// cause's (or it names none) and its fact glob matches every finding the
// cause covers (or it names none). Report.Waivers says what became of each
// waiver: applied, expired (and what it would have matched), or stale. The
// report's GeneratedAt is the day waivers are checked against.
func (r *Report) Waive(ws []fleet.Waiver) {
	if len(ws) == 0 {
		return
	}
	now := r.GeneratedAt
	if now.IsZero() {
		now = time.Now()
	}
	notes := make([]WaiverNote, len(ws))
	refs := make([]WaiverRef, len(ws))
	for i, w := range ws {
		exp := w.Expires.Format(fleet.DateLayout)
		notes[i] = WaiverNote{Source: w.Source(), Hosts: w.HostNames, Rule: w.Rule, Fact: w.Fact,
			Reason: w.Reason, Owner: w.Owner, Expires: exp, State: WaiverApplied}
		if w.Expired(now) {
			notes[i].State = WaiverExpired
		}
		refs[i] = WaiverRef{Reason: w.Reason, Owner: w.Owner, Expires: exp, Source: w.Source()}
	}
	// match returns the first waiver in force that accepts, and counts an
	// expired one that would have.
	match := func(host string, ok func(w *fleet.Waiver) bool) int {
		found := -1
		for i := range ws {
			w := &ws[i]
			if !w.Covers(host) || !ok(w) {
				continue
			}
			if notes[i].State == WaiverExpired {
				notes[i].Matches++
				continue
			}
			if found < 0 {
				found = i
				notes[i].Matches++
			}
		}
		return found
	}
	for k := range r.Hosts {
		h := &r.Hosts[k]
		var kept []Cause
		for _, c := range h.Causes {
			i := match(h.Host, func(w *fleet.Waiver) bool { return waiverMatchesCause(w, c) })
			if i < 0 {
				kept = append(kept, c)
				continue
			}
			h.Waived = append(h.Waived, WaivedCause{Cause: c, Waiver: refs[i]})
		}
		if kept == nil {
			kept = []Cause{}
		}
		h.Causes = kept
		waiveFindings(h, refs, match)
	}
	for i := range notes {
		if notes[i].State == WaiverApplied && notes[i].Matches == 0 {
			notes[i].State = WaiverStale
		}
	}
	r.Waivers = notes
	r.Summarise()
}

// waiverMatchesCause: the rule is the cause's, or the waiver names none;
// the fact glob matches every finding the cause covers, or it names none.
func waiverMatchesCause(w *fleet.Waiver, c Cause) bool {
	if w.Rule != "" && w.Rule != c.Rule {
		return false
	}
	if w.Fact == "" {
		return true
	}
	return len(c.Findings) > 0 && !slices.ContainsFunc(c.Findings, func(f string) bool { return !w.MatchesFact(f) })
}

// waiveFindings marks the findings of a host that waivers accept: those
// whose every covering cause is waived, and unexplained ones a fact waiver
// (without a rule) matches; the latter leave Unexplained.
func waiveFindings(h *HostReport, refs []WaiverRef, match func(string, func(*fleet.Waiver) bool) int) {
	open, waived := map[string]bool{}, map[string]*WaiverRef{}
	for _, c := range h.Causes {
		for _, f := range c.Findings {
			open[f] = true
		}
	}
	for i := range h.Waived {
		for _, f := range h.Waived[i].Findings {
			if waived[f] == nil {
				waived[f] = &h.Waived[i].Waiver
			}
		}
	}
	unexplained := map[string]bool{}
	for _, f := range h.Unexplained {
		unexplained[f] = true
	}
	for k := range h.Findings {
		f := &h.Findings[k]
		switch {
		case open[f.Fact]:
		case waived[f.Fact] != nil:
			ref := *waived[f.Fact]
			f.Waiver = &ref
		case unexplained[f.Fact]:
			i := match(h.Host, func(w *fleet.Waiver) bool { return w.Rule == "" && w.MatchesFact(f.Fact) })
			if i >= 0 {
				ref := refs[i]
				f.Waiver = &ref
				delete(unexplained, f.Fact)
			}
		}
	}
	h.Unexplained = slices.DeleteFunc(h.Unexplained, func(f string) bool { return !unexplained[f] })
}
