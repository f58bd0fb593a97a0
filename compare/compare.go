package compare

import (
	"fmt"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"

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
	// Waivers are applied once the causes are ranked (Report.Waive).
	Waivers []fleet.Waiver
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
// to compare with) and runs the rules. sd is nil for hosts not assessed. On
// a host without MailScanner only the system facts are compared.
func (e *engine) explain(base *side, baseSnap, s *fleet.Snapshot, sd *side) HostReport {
	fs := e.findings(base, sd)
	if MailScannerAbsent(s) {
		fs = systemFindings(fs)
	}
	return e.explainFindings(baseSnap, s, fs)
}

// findings diffs a host's side against the baseline's; none when either
// is missing.
func (e *engine) findings(base, sd *side) []Finding {
	if sd == nil || base == nil {
		return []Finding{}
	}
	if fs := diff(base, sd, e.all); fs != nil {
		return fs
	}
	return []Finding{}
}

// explainFindings runs the rules over one host and its findings.
func (e *engine) explainFindings(baseSnap, s *fleet.Snapshot, fs []Finding) HostReport {
	h := HostReport{Host: s.Host, Status: s.Status, Error: s.Error, Findings: fs, MailScannerAbsent: MailScannerAbsent(s)}
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
	// Hosts are explained independently, on every CPU; the report keeps
	// their input order.
	hosts := make([]HostReport, len(snaps))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for i, s := range snaps {
		g.Go(func() error {
			hosts[i] = e.explain(res.side, res.snap, s, sides(i))
			return nil
		})
	}
	_ = g.Wait() // the tasks return no error
	for i, h := range hosts {
		h.Baseline = mark != "" && snaps[i].Host == mark
		r.Hosts = append(r.Hosts, h)
	}
	r.Summarise()
	r.Waive(opt.Waivers)
	return r, nil
}

// Drift compares each host of a later run with its own snapshot from an
// earlier run (fleetcheck drift), with the same findings and rules, and
// reports change only: a probe that did not run cleanly in both runs
// alike is no finding, and a cause that covers no finding is dropped when
// the earlier snapshot, explained on its own, has the same cause (a host
// unreachable in both runs, sudo refused in both). Hosts keep the order of
// after. A host without an assessed earlier snapshot has nothing to
// compare with: no findings, no causes but those that say why it was not
// assessed, and Error says so. Hosts of before only are listed last,
// marked EarlierOnly; they change no count and no exit code.
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
		if seen[s.Host] {
			continue
		}
		seen[s.Host] = true
		r.Hosts = append(r.Hosts, e.driftHost(earlier[s.Host], s))
	}
	for _, b := range before {
		if seen[b.Host] {
			continue
		}
		seen[b.Host] = true
		r.Hosts = append(r.Hosts, HostReport{Host: b.Host, Status: fleet.HostNotCollected, Error: "in the earlier run only",
			EarlierOnly: true, Causes: []Cause{}, Findings: []Finding{}, Unexplained: []string{}})
	}
	r.Summarise()
	r.Waive(opt.Waivers)
	return r, nil
}

// driftHost explains what changed on one host between b (nil when the
// earlier run lacks it) and s.
func (e *engine) driftHost(b, s *fleet.Snapshot) HostReport {
	var sd *side
	if s.Status.Assessed() {
		sd = newSide(s, nil)
	}
	if b == nil || !b.Status.Assessed() {
		h := e.explain(nil, nil, s, sd)
		switch {
		case b != nil && !s.Status.Assessed():
			h.Causes = changedCauses(h.Causes, e.ownCauses(b))
			if len(h.Causes) == 0 {
				h.Error = fmt.Sprintf("not assessed in either run (before: %s, after: %s)", b.Status, s.Status)
				if s.Error != "" {
					h.Error += ": " + s.Error
				}
			}
		case !s.Status.Assessed():
		case b == nil:
			h.Causes, h.Error = []Cause{}, "not in the earlier run: nothing to compare with"
		default:
			h.Causes, h.Error = []Cause{}, fmt.Sprintf("not assessed in the earlier run (%s): nothing to compare with", b.Status)
		}
		return h
	}
	fs := slices.DeleteFunc(e.findings(newSide(b, nil), sd), func(f Finding) bool {
		return f.Kind == Unknown && f.Baseline == f.Value // the same status in both runs
	})
	h := e.explainFindings(b, s, fs)
	h.Causes = changedCauses(h.Causes, e.ownCauses(b))
	return h
}

// ownCauses are the causes of a snapshot explained against itself: what
// is true of the host alone, with nothing changed.
func (e *engine) ownCauses(s *fleet.Snapshot) []Cause {
	causes, _ := e.table.Explain(NewInput(s, s, nil), nil)
	return causes
}

// changedCauses drops the causes that cover no finding and that the
// earlier snapshot has as well, by rule and summary.
func changedCauses(causes, earlier []Cause) []Cause {
	return slices.DeleteFunc(causes, func(c Cause) bool {
		return len(c.Findings) == 0 && slices.ContainsFunc(earlier, func(o Cause) bool {
			return o.Rule == c.Rule && o.Summary == c.Summary
		})
	})
}
