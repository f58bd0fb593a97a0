package compare

import (
	"errors"
	"fmt"
	"slices"
)

// RuleFor is one rule of a table whose rules read In about one host:
// Input for compare's own rules, what a release needs for preflight's.
type RuleFor[In any] struct {
	// ID is the stable rule id of DESIGN.md. The table stamps it on every
	// cause Explain returns: a rule never names itself.
	ID string
	// Explain returns zero or more causes; each lists the facts of the
	// findings it covers.
	Explain func(in In) []Cause
}

// Table is a checked rule table: rules in the order ties are ranked, each
// with an id of its own. Every report of fleetcheck assembles and ranks its
// causes with one.
type Table[In any] struct {
	rules []RuleFor[In]
	order map[string]int
}

// NewTable checks a rule table: every rule has an id, no other rule has
// the same id, and every rule has an Explain function.
func NewTable[In any](rules []RuleFor[In]) (*Table[In], error) {
	t := &Table[In]{rules: slices.Clone(rules), order: make(map[string]int, len(rules))}
	for i, r := range rules {
		switch _, dup := t.order[r.ID]; {
		case r.ID == "":
			return nil, fmt.Errorf("rule %d has no id", i+1)
		case dup:
			return nil, fmt.Errorf("rule %d: id %s is also rule %d's", i+1, r.ID, t.order[r.ID]+1)
		case r.Explain == nil:
			return nil, fmt.Errorf("rule %s has no Explain function", r.ID)
		}
		t.order[r.ID] = i
	}
	if len(rules) == 0 {
		return nil, errors.New("empty rule table")
	}
	return t, nil
}

// MustTable is NewTable for the built-in tables, which are fixed at
// compile time: it panics when the table is invalid.
func MustTable[In any](rules []RuleFor[In]) *Table[In] {
	t, err := NewTable(rules)
	if err != nil {
		panic("compare: built-in rule table: " + err.Error())
	}
	return t
}

// IDs returns the rule ids in table order.
func (t *Table[In]) IDs() []string {
	ids := make([]string, len(t.rules))
	for i, r := range t.rules {
		ids[i] = r.ID
	}
	return ids
}

// Explain runs every rule over one host's in and assembles the causes:
// each is stamped with its rule's id, gets non-nil evidence and findings
// lists, its findings sorted and unique, and perl's @INC lists shortened
// in what it says; then the causes are ranked (rankCauses: severity, then
// table order, then findings covered). unexplained lists, in the order of
// findings, the facts that no cause covers.
func (t *Table[In]) Explain(in In, findings []Finding) (causes []Cause, unexplained []string) {
	causes = []Cause{}
	for _, r := range t.rules {
		n := len(causes)
		causes = append(causes, r.Explain(in)...)
		for k := n; k < len(causes); k++ {
			causes[k].Rule = r.ID
		}
	}
	covered := map[string]bool{}
	for k := range causes {
		c := &causes[k]
		if c.Evidence == nil {
			c.Evidence = []string{}
		}
		tidyCause(c)
		c.Findings = slices.Compact(slices.Sorted(slices.Values(c.Findings)))
		if c.Findings == nil {
			c.Findings = []string{}
		}
		for _, f := range c.Findings {
			covered[f] = true
		}
	}
	rankCauses(causes, t.order)
	unexplained = []string{}
	for _, f := range findings {
		if !covered[f.Fact] {
			unexplained = append(unexplained, f.Fact)
		}
	}
	return causes, unexplained
}
