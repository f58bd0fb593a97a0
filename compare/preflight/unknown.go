package preflight

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// unknownConditions are the host conditions the verdict needs and no fact
// says: the mount of /tmp when the installer builds (or may build), the
// Perl version when the release needs one.
func unknownConditions(in input) []compare.Finding {
	var out []compare.Finding
	if buildsAnything(in) || (in.r.Kind != KindRequirements && len(unknownModules(in)) > 0) {
		if _, ok := in.h.tmp(); !ok {
			out = append(out, compare.Finding{Fact: factTmp, Kind: compare.Unknown, Baseline: "exec (the installer builds in /tmp)", Value: "not collected", Probe: fleet.ProbeMounts})
		}
	}
	if in.r.Perl != "" {
		if _, _, ok := in.h.perlVersion(); !ok {
			out = append(out, compare.Finding{Fact: factPerl, Kind: compare.Unknown, Baseline: ">= " + in.r.Perl, Value: "not collected", Probe: fleet.ProbePerl})
		}
	}
	return out
}

// unknownModules are the bundled modules no fact says anything about.
func unknownModules(in input) []module {
	var out []module
	for _, m := range in.mods {
		if m.verdict == unknown {
			out = append(out, m)
		}
	}
	return out
}

// unknownFacts (warning): facts the verdict depends on were not collected
// or their probe did not run cleanly, so the host cannot be called ready.
// Unknown is never read as absent.
func unknownFacts(in input) []compare.Cause {
	h := in.h
	var what, ev, facts []string
	probes := map[string]bool{}
	if unk := unknownModules(in); len(unk) > 0 {
		what = append(what, fmt.Sprintf("%d bundled module(s)", len(unk)))
		ev = append(ev, "not inspected: "+capString(moduleNames(unk), 600))
		probes["perl_modules"] = true
		facts = append(facts, moduleFacts(unk)...)
	}
	for _, f := range unknownConditions(in) {
		facts = append(facts, f.Fact)
		probes[f.Probe] = true
		switch f.Fact {
		case factTmp:
			what = append(what, "the mount of /tmp")
		case factPerl:
			what = append(what, "the Perl version")
		}
	}
	if len(facts) == 0 {
		return nil
	}
	var names []string
	for _, p := range []string{"perl_modules", "mounts", "perl"} {
		if !probes[p] {
			continue
		}
		names = append(names, p)
		pr, ok := h.s.Probes[p]
		switch {
		case !ok:
			ev = append(ev, fmt.Sprintf("probe %s: not run", p))
		case !pr.Status.Known():
			line := fmt.Sprintf("probe %s: %s", p, pr.Status)
			if e := firstLine(pr.Error); e != "" {
				line += ": " + e
			}
			ev = append(ev, line)
		default:
			ev = append(ev, fmt.Sprintf("probe %s: %s, but it did not report these (a snapshot from an older fleetcheck?)", p, pr.Status))
		}
	}
	return []compare.Cause{{Severity: compare.Warning,
		Summary:  "cannot tell whether the upgrade will work: " + strings.Join(what, ", ") + " unknown",
		Evidence: ev,
		Fix:      fmt.Sprintf("collect the host again with these probes (fleetcheck collect -i INVENTORY --probes %s %s) and fix what stops them", strings.Join(names, ","), h.s.Host),
		Findings: facts}}
}
