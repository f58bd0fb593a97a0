package compare

import (
	"fmt"
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
	// Rules replaces the built-in rule table when non-nil; every rule
	// needs an id of its own and an Explain function.
	Rules []Rule
}

// engine diffs and explains hosts with one rule table.
type engine struct {
	table *Table[Input]
	all   bool
}

// newEngine checks Options.Rules, when given, as a rule table.
func newEngine(opt Options) (*engine, error) {
	e := &engine{table: builtin, all: opt.All}
	if opt.Rules != nil {
		t, err := NewTable(opt.Rules)
		if err != nil {
			return nil, fmt.Errorf("options: %w", err)
		}
		e.table = t
	}
	return e, nil
}

func newReport(info BaselineInfo, opt Options, n int) *Report {
	now := opt.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	return &Report{Baseline: info, GeneratedAt: now, Hosts: make([]HostReport, 0, n)}
}

// explain diffs one host against the baseline side (nil when there is none
// to compare with) and runs the rules. sd is nil for hosts not assessed.
func (e *engine) explain(base *side, baseSnap, s *fleet.Snapshot, sd *side) HostReport {
	h := HostReport{Host: s.Host, Status: s.Status, Error: s.Error, Findings: []Finding{}}
	if sd != nil && base != nil {
		if fs := diff(base, sd, e.all); fs != nil {
			h.Findings = fs
		}
	}
	h.Causes, h.Unexplained = e.table.Explain(NewInput(s, baseSnap, h.Findings), h.Findings)
	return h
}

func checkSnapshots(snaps []*fleet.Snapshot) error {
	for i, s := range snaps {
		if s == nil {
			return fmt.Errorf("snapshot %d is nil", i)
		}
	}
	return nil
}

// sidesOf returns a function giving the side of snaps[i] (nil for a host
// not assessed). Against a majority every side is needed at once and they
// are made up front; otherwise each is made when asked for and not kept,
// so that a large fleet's flattened facts are never all in memory.
func sidesOf(snaps []*fleet.Snapshot, all bool) func(i int) *side {
	fc := &flatCache{}
	one := func(i int) *side {
		if snaps[i].Status.Assessed() {
			return newSide(snaps[i], fc)
		}
		return nil
	}
	if !all {
		return one
	}
	sides := make([]*side, len(snaps))
	for i := range snaps {
		sides[i] = one(i)
	}
	return func(i int) *side { return sides[i] }
}

// Compare diffs every snapshot against the baseline and explains the
// differences. Hosts keep their input order. It fails with a *BaselineError
// when the baseline host is missing or was not assessed.
func Compare(snaps []*fleet.Snapshot, base Baseline, opt Options) (*Report, error) {
	if err := checkSnapshots(snaps); err != nil {
		return nil, err
	}
	sides := sidesOf(snaps, base.kind() == BaselineMajority)
	res, err := resolve(base, snaps, sides)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(opt)
	if err != nil {
		return nil, err
	}
	mark := res.host
	if mark == "" {
		mark = res.info.Representative
	}
	r := newReport(res.info, opt, len(snaps))
	for i, s := range snaps {
		h := e.explain(res.side, res.snap, s, sides(i))
		h.Baseline = mark != "" && s.Host == mark
		r.Hosts = append(r.Hosts, h)
	}
	r.Summarise()
	return r, nil
}

// Drift compares each host of a later run with its own snapshot from an
// earlier run (fleetcheck drift), with the same findings and rules. Hosts
// keep the order of after; a host without an assessed earlier snapshot has
// no findings and says so in Error; hosts only in before are listed last
// as not collected.
func Drift(before, after []*fleet.Snapshot, opt Options) (*Report, error) {
	if err := checkSnapshots(before); err != nil {
		return nil, fmt.Errorf("before: %w", err)
	}
	if err := checkSnapshots(after); err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	earlier := make(map[string]*fleet.Snapshot, len(before))
	for _, s := range before {
		if _, ok := earlier[s.Host]; !ok {
			earlier[s.Host] = s
		}
	}
	e, err := newEngine(opt)
	if err != nil {
		return nil, err
	}
	r := newReport(BaselineInfo{Kind: BaselineDrift, Note: "each host compared with its own earlier snapshot"}, opt, len(after))
	seen := map[string]bool{}
	for _, s := range after {
		seen[s.Host] = true
		var sd *side
		if s.Status.Assessed() {
			sd = newSide(s, nil)
		}
		b, ok := earlier[s.Host]
		if !ok || !b.Status.Assessed() {
			h := e.explain(nil, nil, s, sd)
			if s.Status.Assessed() {
				h.Error = "no assessed earlier snapshot of this host to compare with"
			}
			r.Hosts = append(r.Hosts, h)
			continue
		}
		r.Hosts = append(r.Hosts, e.explain(newSide(b, nil), b, s, sd))
	}
	for _, b := range before {
		if seen[b.Host] {
			continue
		}
		seen[b.Host] = true
		gone := &fleet.Snapshot{Host: b.Host, Status: fleet.HostNotCollected, Error: "in the earlier run only"}
		r.Hosts = append(r.Hosts, e.explain(nil, nil, gone, nil))
	}
	r.Summarise()
	return r, nil
}
