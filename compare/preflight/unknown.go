package preflight

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// unknownFacts (warning): facts the verdict depends on were not collected
// or their probe did not run cleanly, so the host cannot be called ready.
// Unknown is never read as absent.
func unknownFacts(r *Release, h *host, mods []module) result {
	var out result
	var what, ev, facts []string
	probes := map[string]bool{}
	var unk []module
	for _, m := range mods {
		if m.verdict == unknown {
			unk = append(unk, m)
		}
	}
	if len(unk) > 0 {
		what = append(what, fmt.Sprintf("%d bundled module(s)", len(unk)))
		ev = append(ev, "not inspected: "+capString(moduleNames(unk), 600))
		probes[fleet.ProbePerlModules] = true
		facts = append(facts, moduleFacts(unk)...)
	}
	if buildsAnything(r, mods) || (r.Kind != KindRequirements && len(unk) > 0) {
		if _, ok := h.tmp(); !ok {
			f := compare.Finding{Fact: "preflight./tmp", Kind: compare.Unknown, Baseline: "exec (the installer builds in /tmp)", Value: "not collected", Probe: fleet.ProbeMounts}
			out.findings = append(out.findings, f)
			facts = append(facts, f.Fact)
			what = append(what, "the mount of /tmp")
			probes[fleet.ProbeMounts] = true
		}
	}
	if r.Perl != "" {
		if _, _, ok := h.perlVersion(); !ok {
			f := compare.Finding{Fact: "preflight.perl", Kind: compare.Unknown, Baseline: ">= " + r.Perl, Value: "not collected", Probe: fleet.ProbePerl}
			out.findings = append(out.findings, f)
			facts = append(facts, f.Fact)
			what = append(what, "the Perl version")
			probes[fleet.ProbePerl] = true
		}
	}
	if len(facts) == 0 {
		return out
	}
	var names []string
	for _, p := range []string{fleet.ProbePerlModules, fleet.ProbeMounts, fleet.ProbePerl} {
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
	out.causes = append(out.causes, compare.Cause{Rule: RuleUnknown, Severity: compare.Warning,
		Summary:  "cannot tell whether the upgrade will work: " + strings.Join(what, ", ") + " unknown",
		Evidence: ev,
		Fix:      fmt.Sprintf("collect the host again with these probes (fleetcheck collect -i INVENTORY --probes %s %s) and fix what stops them", strings.Join(names, ","), h.s.Host),
		Findings: facts})
	return out
}
