package compare

import (
	"cmp"
	"slices"
	"strings"
)

// Severity ranks a cause.
type Severity string

// Severities, most severe first.
const (
	Critical Severity = "critical"
	Warning  Severity = "warning"
	Info     Severity = "info"
)

// Rank orders severities: critical 0, warning 1, info 2.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 0
	case Warning:
		return 1
	}
	return 2
}

// Cause is a likely reason for a host's differences, named by a rule.
type Cause struct {
	// Rule is the stable rule id, e.g. "tmp-noexec": the id of the rule
	// table entry that gave the cause.
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Summary is one line.
	Summary string `json:"summary"`
	// Evidence lines quote the facts behind the cause.
	Evidence []string `json:"evidence"`
	// Fix is the concrete next step.
	Fix string `json:"fix"`
	// Findings are the facts (Finding.Fact) of the findings the cause
	// covers, sorted; a host-level cause may cover none.
	Findings []string `json:"findings"`
}

// rankCauses sorts causes by severity, then by rule table order (the
// table lists symptoms and root causes before their consequences: a hang
// before the module causes, /tmp noexec before the modules it broke), then
// by the number of findings covered, then by summary.
func rankCauses(causes []Cause, order map[string]int) {
	slices.SortStableFunc(causes, func(a, b Cause) int {
		return cmp.Or(
			cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
			cmp.Compare(order[a.Rule], order[b.Rule]),
			cmp.Compare(len(b.Findings), len(a.Findings)),
			strings.Compare(a.Summary, b.Summary),
		)
	})
}
