package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Baseline kinds.
const (
	// BaselineHost compares against one host of the run (--baseline HOST or
	// the inventory's baseline:).
	BaselineHost = "host"
	// BaselineFile compares against a saved snapshot of a golden host.
	BaselineFile = "file"
	// BaselineMajority compares each fact against the value most assessed
	// hosts hold, ties broken by the lowest host name.
	BaselineMajority = "majority"
	// BaselineDrift is the report kind of Drift: each host against its own
	// earlier snapshot. It is not a Baseline.Kind for Compare.
	BaselineDrift = "drift"
)

// Baseline says what every host is compared against. An empty Kind is
// inferred: a Snapshot means file, a Host means host, neither means majority.
type Baseline struct {
	Kind string
	// Host names the baseline host for BaselineHost.
	Host string
	// Snapshot is the saved snapshot for BaselineFile.
	Snapshot *fleet.Snapshot
	// Source describes where Snapshot came from (a file path), for the report.
	Source string
}

// BaselineError reports a baseline that cannot be compared against: the
// host is not in the run, or was not assessed. The CLI exits with code 3.
type BaselineError struct {
	Host   string
	Status fleet.HostStatus
	Err    string
}

// Error implements error.
func (e *BaselineError) Error() string {
	switch {
	case e.Status == "":
		return fmt.Sprintf("baseline host %q is not among the compared hosts", e.Host)
	case e.Err != "":
		return fmt.Sprintf("baseline host %q was not assessed (%s): %s", e.Host, e.Status, e.Err)
	}
	return fmt.Sprintf("baseline host %q was not assessed (%s)", e.Host, e.Status)
}

// BaselineInfo describes the baseline in the report.
type BaselineInfo struct {
	// Kind is host, file or majority.
	Kind string `json:"kind"`
	// Host is the baseline host (host and file kinds).
	Host string `json:"host,omitempty"`
	// Source is the snapshot file of a file baseline.
	Source string `json:"source,omitempty"`
	// Representative is, for a majority baseline, the assessed host closest
	// to the majority; rules read its details (module copies, processes).
	Representative string `json:"representative,omitempty"`
	// Hosts is how many assessed hosts voted for a majority baseline.
	Hosts int `json:"hosts,omitempty"`
	// Note says in words how the baseline was chosen.
	Note string `json:"note"`
}

func (b Baseline) kind() string {
	switch {
	case b.Kind != "":
		return b.Kind
	case b.Snapshot != nil:
		return BaselineFile
	case b.Host != "":
		return BaselineHost
	}
	return BaselineMajority
}

// resolved is a baseline ready for diffing.
type resolved struct {
	side *side
	snap *fleet.Snapshot // the baseline snapshot rules read; nil only with no assessed host
	info BaselineInfo
	host string // the host of the run that is the baseline, if any
}

func resolve(b Baseline, snaps []*fleet.Snapshot, sides func(int) *side) (*resolved, error) {
	switch b.kind() {
	case BaselineHost:
		for i, s := range snaps {
			if s.Host != b.Host {
				continue
			}
			if !s.Status.Assessed() {
				return nil, &BaselineError{Host: s.Host, Status: s.Status, Err: s.Error}
			}
			return &resolved{side: sides(i), snap: s, host: s.Host,
				info: BaselineInfo{Kind: BaselineHost, Host: s.Host, Note: "compared with host " + s.Host}}, nil
		}
		return nil, &BaselineError{Host: b.Host}
	case BaselineFile:
		s := b.Snapshot
		if s == nil {
			return nil, fmt.Errorf("file baseline %q has no snapshot", b.Source)
		}
		if !s.Status.Assessed() {
			return nil, &BaselineError{Host: s.Host, Status: s.Status, Err: s.Error}
		}
		note := "compared with the saved snapshot of " + s.Host
		if b.Source != "" {
			note += " (" + b.Source + ")"
		}
		return &resolved{side: newSide(s, nil), snap: s,
			info: BaselineInfo{Kind: BaselineFile, Host: s.Host, Source: b.Source, Note: note}}, nil
	case BaselineMajority:
		return majority(snaps, sides), nil
	}
	return nil, fmt.Errorf("unknown baseline kind %q", b.Kind)
}

// majority builds the per-fact majority baseline over the assessed hosts.
// Each probe's status and each fact's value (or its absence) is the one most
// hosts hold; a tie goes to the value held by the lowest host name.
func majority(snaps []*fleet.Snapshot, sides func(int) *side) *resolved {
	var voters []*side
	for i, s := range snaps {
		if s.Status.Assessed() {
			voters = append(voters, sides(i))
		}
	}
	slices.SortStableFunc(voters, func(a, b *side) int { return strings.Compare(a.host, b.host) })
	voters = slices.CompactFunc(voters, func(a, b *side) bool { return a.host == b.host })
	m := &side{host: "", probes: map[string]fleet.ProbeStatus{}}
	r := &resolved{side: m, info: BaselineInfo{Kind: BaselineMajority, Hosts: len(voters)}}
	if len(voters) == 0 {
		r.info.Note = "majority of assessed hosts (none were assessed)"
		return r
	}

	// Probe statuses.
	probeSet := map[string]bool{}
	for _, v := range voters {
		for p := range v.probes {
			probeSet[p] = true
		}
	}
	knownBy := map[string][]int{} // probe -> indices of voters that know it
	for p := range probeSet {
		var counts []voteGroup
		for i, v := range voters {
			st := string(v.probes[p])
			counts = vote(counts, i, st, func(a, b string) bool { return a == b })
			if known(v.probes[p]) {
				knownBy[p] = append(knownBy[p], i)
			}
		}
		if w := winner(counts); w.value != "" {
			m.probes[p] = fleet.ProbeStatus(w.value)
		}
	}

	// Fact values: gather every voter's value per key in voter order.
	type held struct {
		voter int
		value string
	}
	type entry struct {
		f    fact
		held []held
	}
	entries := map[string]*entry{}
	var keys []string
	for i, v := range voters {
		for _, f := range v.facts {
			if !known(v.probes[f.probe]) {
				continue
			}
			e := entries[f.key]
			if e == nil {
				e = &entry{f: f}
				entries[f.key] = e
				keys = append(keys, f.key)
			}
			e.held = append(e.held, held{i, f.value})
		}
	}
	slices.Sort(keys)
	m.facts = make([]fact, 0, len(keys))
	for _, k := range keys {
		e := entries[k]
		if !known(m.probes[e.f.probe]) {
			continue
		}
		var groups []voteGroup
		for _, h := range e.held {
			groups = vote(groups, h.voter, h.value, func(a, b string) bool {
				// Values within noise of each other vote together.
				return equalValues(e.f.cmp, a, b) || noiseDiff(e.f.cmp, a, b)
			})
		}
		// The hosts that know the probe but lack the fact vote "absent".
		ids := knownBy[e.f.probe]
		if absent := len(ids) - len(e.held); absent > 0 {
			first, hi := -1, 0
			for _, id := range ids {
				if hi < len(e.held) && e.held[hi].voter == id {
					hi++
					continue
				}
				first = id
				break
			}
			groups = append(groups, voteGroup{absent: true, count: absent, first: first})
		}
		w := winner(groups)
		if w.absent {
			continue
		}
		f := e.f
		f.value = w.value
		m.facts = append(m.facts, f)
	}

	// The representative: the host with the fewest differences from the
	// majority, ties to the lowest name.
	best, bestN := -1, 0
	for i, v := range voters {
		n := 0
		for _, f := range diff(m, v, false) {
			if !f.Noise {
				n++
			}
		}
		if best < 0 || n < bestN {
			best, bestN = i, n
		}
	}
	rep := voters[best].host
	for _, s := range snaps {
		if s.Host == rep {
			r.snap = s
			break
		}
	}
	r.info.Representative = rep
	r.info.Note = fmt.Sprintf("no baseline given: each fact compared with the value most of the %d assessed hosts hold, ties broken by the lowest host name; closest host: %s", len(voters), rep)
	return r
}

// voteGroup is one value and the voters holding it.
type voteGroup struct {
	value  string
	absent bool
	count  int
	first  int // index of the lowest-named voter holding it
}

func vote(groups []voteGroup, voter int, value string, eq func(a, b string) bool) []voteGroup {
	for i := range groups {
		if eq(groups[i].value, value) {
			groups[i].count++
			return groups
		}
	}
	return append(groups, voteGroup{value: value, count: 1, first: voter})
}

func winner(groups []voteGroup) voteGroup {
	var w voteGroup
	for i, g := range groups {
		if i == 0 || g.count > w.count || (g.count == w.count && g.first < w.first) {
			w = g
		}
	}
	return w
}
