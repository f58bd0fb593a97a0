package compare

import (
	"fmt"
	"slices"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Options tune a comparison.
type Options struct {
	// All reports noise too: uptime, load, PIDs, device names, free space
	// within 20 %. Noise findings never change the exit code.
	All bool
	// Now is the report's generated_at; zero means time.Now().UTC().
	Now time.Time
	// Rules replaces the built-in rule table when non-nil.
	Rules []Rule
}

// Compare diffs every snapshot against the baseline and explains the
// differences. Hosts keep their input order. It fails with a *BaselineError
// when the baseline host is missing or was not assessed.
func Compare(snaps []*fleet.Snapshot, base Baseline, opt Options) (*Report, error) {
	for i, s := range snaps {
		if s == nil {
			return nil, fmt.Errorf("snapshot %d is nil", i)
		}
	}
	sides := make([]*side, len(snaps))
	for i, s := range snaps {
		if s.Status.Assessed() {
			sides[i] = newSide(s)
		}
	}
	res, err := resolve(base, snaps, sides)
	if err != nil {
		return nil, err
	}
	rules := opt.Rules
	if rules == nil {
		rules = Rules()
	}
	order := make(map[string]int, len(rules))
	for i, r := range rules {
		if _, ok := order[r.ID]; !ok {
			order[r.ID] = i
		}
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	mark := res.host
	if mark == "" {
		mark = res.info.Representative
	}
	r := &Report{Baseline: res.info, GeneratedAt: now, Hosts: make([]HostReport, 0, len(snaps))}
	for i, s := range snaps {
		h := HostReport{Host: s.Host, Status: s.Status, Error: s.Error, Baseline: s.Host == mark && mark != "",
			Causes: []Cause{}, Findings: []Finding{}, Unexplained: []string{}}
		if sides[i] != nil {
			h.Findings = diff(res.side, sides[i], opt.All)
			if h.Findings == nil {
				h.Findings = []Finding{}
			}
		}
		in := Input{Host: s, Base: res.snap, Findings: h.Findings}
		for _, rule := range rules {
			h.Causes = append(h.Causes, rule.Explain(in)...)
		}
		for k := range h.Causes {
			c := &h.Causes[k]
			if c.Evidence == nil {
				c.Evidence = []string{}
			}
			c.Findings = slices.Compact(slices.Sorted(slices.Values(c.Findings)))
			if c.Findings == nil {
				c.Findings = []string{}
			}
		}
		rankCauses(h.Causes, order)
		covered := map[string]bool{}
		for _, c := range h.Causes {
			for _, f := range c.Findings {
				covered[f] = true
			}
		}
		for _, f := range h.Findings {
			if !covered[f.Fact] {
				h.Unexplained = append(h.Unexplained, f.Fact)
			}
		}
		r.Hosts = append(r.Hosts, h)
	}
	r.summarise()
	return r, nil
}
