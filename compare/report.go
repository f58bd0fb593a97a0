package compare

import (
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Exit codes of fleetcheck compare, as documented in DESIGN.md.
const (
	ExitOK          = 0 // nothing differs
	ExitDifferences = 1 // differences found
	ExitNotAssessed = 3 // one or more hosts could not be assessed
)

// Report is the result of a comparison and the contract of --format json.
type Report struct {
	Baseline    BaselineInfo `json:"baseline"`
	GeneratedAt time.Time    `json:"generated_at"`
	Summary     Summary      `json:"summary"`
	// Exit is ExitCode() at the time the report was built, for scripts
	// reading the JSON.
	Exit  int          `json:"exit_code"`
	Hosts []HostReport `json:"hosts"`
	// Waivers says what became of each waiver given (Waive): applied,
	// expired or stale.
	Waivers []WaiverNote `json:"waivers,omitempty"`
}

// Summary counts what the report holds.
type Summary struct {
	Hosts       int `json:"hosts"`
	Assessed    int `json:"assessed"`
	NotAssessed int `json:"not_assessed"`
	// Differing is the number of assessed hosts with a difference.
	Differing   int `json:"differing"`
	Critical    int `json:"critical"`
	Warning     int `json:"warning"`
	Info        int `json:"info"`
	Findings    int `json:"findings"`
	Unexplained int `json:"unexplained"`
	// Waived counts the causes waivers accept; they are in no other count.
	Waived int `json:"waived,omitempty"`
	// EarlierOnly counts, in a drift report, the hosts of the earlier run
	// only; they are neither assessed nor not assessed.
	EarlierOnly int `json:"earlier_only,omitempty"`
}

// HostReport is one host's part of the report.
type HostReport struct {
	Host   string           `json:"host"`
	Status fleet.HostStatus `json:"status"`
	// Error is why the host could not be assessed.
	Error string `json:"error,omitempty"`
	// Baseline marks the baseline host (or, for a majority baseline, the
	// representative host).
	Baseline bool `json:"baseline,omitempty"`
	// Causes are ranked: most severe first, then in rule table order
	// (Rules), then by how many findings they cover.
	Causes []Cause `json:"causes"`
	// Findings are sorted by fact.
	Findings []Finding `json:"findings"`
	// Unexplained lists the facts of findings no cause covers and no
	// waiver accepts.
	Unexplained []string `json:"unexplained"`
	// Waived are the causes waivers accept, in rank order, each with its
	// waiver: listed, never counted.
	Waived []WaivedCause `json:"waived,omitempty"`
	// EarlierOnly marks, in a drift report, a host of the earlier run
	// only: listed, never counted.
	EarlierOnly bool `json:"earlier_only,omitempty"`
}

// Differs reports whether the host differs from the baseline: a finding
// that is neither noise nor waived, or a cause more severe than info.
func (h *HostReport) Differs() bool {
	for _, f := range h.Findings {
		if !f.Noise && f.Waiver == nil {
			return true
		}
	}
	for _, c := range h.Causes {
		if c.Severity != Info {
			return true
		}
	}
	return false
}

// Top returns the highest-ranked cause, if any.
func (h *HostReport) Top() (Cause, bool) {
	if len(h.Causes) == 0 {
		return Cause{}, false
	}
	return h.Causes[0], true
}

// Finding returns the host's finding for a fact.
func (h *HostReport) Finding(fact string) (Finding, bool) {
	for _, f := range h.Findings {
		if f.Fact == fact {
			return f, true
		}
	}
	return Finding{}, false
}

// ExitCode returns 3 when any host was not assessed, else 1 when any host
// differs from the baseline, else 0. Hosts of a drift's earlier run only
// do not count.
func (r *Report) ExitCode() int {
	code := ExitOK
	for i := range r.Hosts {
		h := &r.Hosts[i]
		if h.EarlierOnly {
			continue
		}
		if !h.Status.Assessed() {
			return ExitNotAssessed
		}
		if h.Differs() {
			code = ExitDifferences
		}
	}
	return code
}

// Summarise fills Summary and Exit from the hosts. Compare and Drift call
// it; a package that builds a Report of its own (preflight) calls it last.
func (r *Report) Summarise() {
	s := Summary{Hosts: len(r.Hosts)}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		switch {
		case h.EarlierOnly:
			s.EarlierOnly++
		case h.Status.Assessed():
			s.Assessed++
		default:
			s.NotAssessed++
		}
		if h.Status.Assessed() && h.Differs() {
			s.Differing++
		}
		for _, c := range h.Causes {
			switch c.Severity {
			case Critical:
				s.Critical++
			case Warning:
				s.Warning++
			default:
				s.Info++
			}
		}
		for _, f := range h.Findings {
			if f.Waiver == nil {
				s.Findings++
			}
		}
		s.Unexplained += len(h.Unexplained)
		s.Waived += len(h.Waived)
	}
	r.Summary = s
	r.Exit = r.ExitCode()
}
