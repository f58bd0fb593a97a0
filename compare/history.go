package compare

import (
	"slices"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// HistoryRun is one stored run's snapshot of a host, for History.
type HistoryRun struct {
	// Run names the run (its directory's name, the UTC start time).
	Run  string
	Time time.Time
	// Snapshot is the host's snapshot, nil when the run did not include it.
	Snapshot *fleet.Snapshot
}

// FactChange is one change of one fact of a host, from one run to a
// later one.
type FactChange struct {
	// Run and Time are the run that saw the new value.
	Run  string    `json:"run"`
	Time time.Time `json:"time"`
	// Since is the earlier run that saw the old value: the host's last
	// run in which the fact's probe ran cleanly.
	Since string `json:"since"`
	// Fact is the fact key, as in compare's findings.
	Fact string `json:"fact"`
	// Kind is extra (the fact appeared), missing (it went) or changed.
	Kind   Kind   `json:"kind"`
	Before string `json:"before"`
	After  string `json:"after"`
	Probe  string `json:"probe"`
}

// known values of the facts of one host, for History.
type lastSeen struct {
	fact fact
	run  string
}

// History lists when each fact of a host whose key matches glob (as
// fleet.GlobMatch reads it; "" matches all) changed over runs, oldest run
// first. Facts are keyed and compared as Compare keys and compares them:
// values that compare equal (Perl versions 1.30 and 1.3) are no change,
// and noise (uptime, load, free space within 20 %) is left out unless all
// is set. A run in which the host was not assessed, or in which a fact's
// probe did not run cleanly, says nothing about the fact: its value is
// unknown there, never absent, and the next clean run is compared with
// the last one that saw it. A fact's first clean sighting is no change.
func History(runs []HistoryRun, glob string, all bool) []FactChange {
	var out []FactChange
	last := map[string]lastSeen{}
	observed := map[string]string{} // probe -> last run in which it ran cleanly
	for _, r := range runs {
		s := r.Snapshot
		if s == nil || !s.Status.Assessed() {
			continue
		}
		sd := newSide(s, nil)
		cur := map[string]fact{}
		for _, f := range sd.facts {
			if glob == "" || fleet.GlobMatch(glob, f.key) {
				cur[f.key] = f
			}
		}
		add := func(f fact, kind Kind, before, after, since string, noise bool) {
			if noise && !all {
				return
			}
			out = append(out, FactChange{Run: r.Run, Time: r.Time, Since: since, Fact: f.key, Kind: kind,
				Before: before, After: after, Probe: f.probe})
		}
		keys := make([]string, 0, len(cur)+len(last))
		for k := range cur {
			keys = append(keys, k)
		}
		for k := range last {
			if _, ok := cur[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			old, had := last[k]
			f, has := cur[k]
			probe := f.probe
			if had {
				probe = old.fact.probe
			}
			if !known(sd.probes[probe]) {
				continue // unknown in this run: keep what was seen
			}
			since, seen := observed[probe]
			switch {
			case had && has:
				if !equalValues(f.cmp, old.fact.value, f.value) {
					add(f, Changed, old.fact.value, f.value, old.run, noiseDiff(f.cmp, old.fact.value, f.value))
				}
			case had && !old.fact.onlyBoth:
				add(old.fact, Missing, old.fact.value, "", old.run, old.fact.cmp == cmpNoise)
			case has && seen && !f.onlyBoth:
				add(f, Extra, "", f.value, since, f.cmp == cmpNoise)
			}
			if has {
				last[k] = lastSeen{fact: f, run: r.Run}
			} else {
				delete(last, k)
			}
		}
		for p, st := range sd.probes {
			if known(st) {
				observed[p] = r.Run
			}
		}
	}
	return out
}
