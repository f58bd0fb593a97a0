package preflight

import (
	"fmt"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// after is a module's state once the installer has run.
type after struct {
	version string
	present bool
	// how says where the version comes from, for the evidence.
	how string
}

// afterInstall predicts a module's version after the installer: the
// bundled version when it builds the module, else what is installed. ok is
// false when no fact says.
func afterInstall(r *Release, h *host, mods []module, name string) (after, bool) {
	for _, m := range mods {
		if m.name != name {
			continue
		}
		switch {
		case m.verdict == unknown:
			return after{}, false
		case m.verdict.willBuild() && !m.exactRPM:
			return after{version: m.dist.Version, present: true, how: fmt.Sprintf("the installer installs %s", m.dist.Version)}, true
		}
		return after{version: m.version, present: m.present, how: "installed: " + m.installed()}, true
	}
	not := "; the release does not ship it"
	if r.Kind == KindRequirements {
		not = ""
	}
	if pm, ok := h.perlModule(name); ok {
		c, has := loadedCopy(pm)
		return after{version: c.Version, present: has, how: "installed " + orNone(c.Version) + not}, true
	}
	if mv, ok := h.msModule(name); ok {
		return after{version: mv.Version, present: !mv.Missing, how: "MailScanner -v: " + mv.Version + not}, true
	}
	return after{}, false
}

// belowMinimum (critical): after the installer, a module is still below
// a minimum MailScanner enforces at start-up, so MailScanner will refuse to
// run.
func belowMinimum(r *Release, h *host, mods []module) result {
	var out result
	for _, mn := range minimums {
		a, ok := afterInstall(r, h, mods, mn.Module)
		if !ok || !a.present {
			continue
		}
		why := ""
		if mn.IfModule != "" {
			c, ok := afterInstall(r, h, mods, mn.IfModule)
			if !ok || !c.present || perlCompare(c.version, mn.IfAbove) <= 0 {
				continue
			}
			why = fmt.Sprintf("applies because %s will be %s, above %s", mn.IfModule, c.version, mn.IfAbove)
		}
		if perlCompare(a.version, mn.Min) >= 0 {
			continue
		}
		f := compare.Finding{Fact: "preflight." + mn.Module, Kind: compare.Changed, Baseline: ">= " + mn.Min, Value: orNone(a.version), Probe: fleet.ProbePerlModules}
		ev := []string{fmt.Sprintf("%s after the upgrade: %s (%s)", mn.Module, orNone(a.version), a.how),
			fmt.Sprintf("MailScanner refuses to start below %s %s: %q", mn.Module, mn.Min, mn.Message)}
		if why != "" {
			ev = append(ev, why)
		}
		out.findings = append(out.findings, f)
		out.causes = append(out.causes, compare.Cause{Rule: RuleBelowMinimum, Severity: compare.Critical,
			Summary:  fmt.Sprintf("%s will be %s after the upgrade, below MailScanner's minimum %s", mn.Module, orNone(a.version), mn.Min),
			Evidence: ev,
			Fix:      fmt.Sprintf("install %s %s or later before starting MailScanner (from the distribution, the MailScanner RPM installer or CPAN)", mn.Module, mn.Min),
			Findings: []string{f.Fact}})
	}
	return out
}
