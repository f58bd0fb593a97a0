package compare

import (
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// side is one snapshot flattened for comparison, or the synthetic
// majority baseline.
type side struct {
	host   string
	facts  []fact
	probes map[string]fleet.ProbeStatus
}

// statusAbsent is the status of a probe a snapshot has no record of.
const statusAbsent fleet.ProbeStatus = ""

// newSide flattens s; fc, when not nil, remembers the facts of each probe
// it flattened (see flatCache).
func newSide(s *fleet.Snapshot, fc *flatCache) *side {
	sd := &side{host: s.Host, facts: flatten(s, fc), probes: make(map[string]fleet.ProbeStatus, len(s.Probes))}
	for name, r := range s.Probes {
		sd.probes[name] = r.Status
	}
	// Snapshots built by hand or by older tools may carry facts without a
	// probe record: facts that are present were gathered.
	for _, name := range s.Facts.Names() {
		if _, ok := sd.probes[name]; !ok {
			sd.probes[name] = fleet.ProbeOK
		}
	}
	return sd
}

// known reports whether facts of a probe with this status can be compared.
func known(st fleet.ProbeStatus) bool { return st != statusAbsent && st.Known() }

func statusText(st fleet.ProbeStatus) string {
	if st == statusAbsent {
		return "not run"
	}
	return string(st)
}

// probeNames returns the union of the probes of both sides, sorted.
func probeNames(a, b *side) []string {
	names := make([]string, 0, len(a.probes)+len(b.probes))
	for n := range a.probes {
		names = append(names, n)
	}
	for n := range b.probes {
		if _, ok := a.probes[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// diff compares a host with the baseline. Facts of a probe that is not
// known on both sides produce one unknown finding for the probe, never
// missing or extra; a probe truncated on either side produces that unknown
// finding too, and its facts are compared only where both sides have them.
// Noise is dropped unless all is set.
func diff(base, host *side, all bool) []Finding {
	var out []Finding
	comparable := map[string]bool{}
	// truncated probes compare the facts both sides reported; a fact
	// missing from one side may have been cut, so it is not reported.
	truncated := map[string]bool{}
	for _, p := range probeNames(base, host) {
		sb, sh := base.probes[p], host.probes[p]
		switch {
		case sb == fleet.ProbeSkipped || sh == fleet.ProbeSkipped:
			// Not selected with --probes on one side: nothing to say.
		case sb == statusAbsent && sh == statusAbsent:
		case known(sb) && known(sh):
			comparable[p] = true
			if sb == fleet.ProbeTruncated || sh == fleet.ProbeTruncated {
				// What the cap dropped is unknown: say so, compare the rest.
				out = append(out, Finding{Fact: p, Kind: Unknown, Baseline: statusText(sb), Value: statusText(sh), Probe: p})
				truncated[p] = true
			}
		default:
			out = append(out, Finding{Fact: p, Kind: Unknown, Baseline: statusText(sb), Value: statusText(sh), Probe: p})
		}
	}
	add := func(f fact, kind Kind, bv, hv string, noise bool) {
		if noise && !all {
			return
		}
		out = append(out, Finding{Fact: f.key, Kind: kind, Baseline: bv, Value: hv, Probe: f.probe,
			Noise: noise, subject: f.subject, attr: f.attr, cmp: f.cmp})
	}
	bf, hf := base.facts, host.facts
	i, j := 0, 0
	for i < len(bf) || j < len(hf) {
		var c int
		switch {
		case i == len(bf):
			c = 1
		case j == len(hf):
			c = -1
		default:
			c = strings.Compare(bf[i].key, hf[j].key)
		}
		switch {
		case c < 0:
			if f := bf[i]; comparable[f.probe] && !truncated[f.probe] && !f.onlyBoth {
				add(f, Missing, f.value, "", f.cmp == cmpNoise)
			}
			i++
		case c > 0:
			if f := hf[j]; comparable[f.probe] && !truncated[f.probe] && !f.onlyBoth {
				add(f, Extra, "", f.value, f.cmp == cmpNoise)
			}
			j++
		default:
			b, h := bf[i], hf[j]
			if comparable[h.probe] && !equalValues(h.cmp, b.value, h.value) {
				add(h, Changed, b.value, h.value, noiseDiff(h.cmp, b.value, h.value))
			}
			i++
			j++
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return strings.Compare(a.Fact, b.Fact) })
	return out
}
