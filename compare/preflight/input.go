package preflight

import (
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// input is what a preflight rule reads about one assessed host: the
// release, the host's facts, and each bundled module as the host has it.
type input struct {
	r    *Release
	h    *host
	mods []module
}

// newInput assesses every bundled module of r on the host.
func newInput(r *Release, s *fleet.Snapshot) input {
	in := input{r: r, h: newHost(s), mods: make([]module, 0, len(r.Dists))}
	for _, d := range r.Dists {
		in.mods = append(in.mods, assess(in.h, r, d))
	}
	return in
}

// findings are the host's differences from what the release needs: each
// module the installer will change or cannot judge, then each host
// condition that stops it. They are the preflight report's findings,
// unique and sorted by fact; the rules explain them.
func (in input) findings() []compare.Finding {
	var all []compare.Finding
	for _, m := range in.mods {
		if f, ok := m.finding(in.r.Kind); ok {
			all = append(all, f)
		}
	}
	all = append(all, installerFinding(in)...)
	all = append(all, tmpFinding(in)...)
	all = append(all, toolFindings(in)...)
	all = append(all, perlFinding(in)...)
	for _, s := range shortfalls(in) {
		all = append(all, s.finding)
	}
	all = append(all, unknownConditions(in)...)
	all = append(all, mailScannerFinding(in)...)
	out := []compare.Finding{}
	seen := map[string]bool{}
	for _, f := range all {
		if !seen[f.Fact] {
			seen[f.Fact] = true
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b compare.Finding) int { return strings.Compare(a.Fact, b.Fact) })
	return out
}
