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

// shortfall is a minimum MailScanner enforces that a module will still
// be below after the installer.
type shortfall struct {
	min   minimum
	after after
	// why says why a conditional minimum applies.
	why     string
	finding compare.Finding
}

// shortfalls lists, in the order of minimums, the modules that will be
// below a minimum after the installer.
func shortfalls(in input) []shortfall {
	var out []shortfall
	for _, mn := range minimums {
		a, ok := afterInstall(in.r, in.h, in.mods, mn.Module)
		if !ok || !a.present {
			continue
		}
		why := ""
		if mn.IfModule != "" {
			c, ok := afterInstall(in.r, in.h, in.mods, mn.IfModule)
			if !ok || !c.present || perlCompare(c.version, mn.IfAbove) <= 0 {
				continue
			}
			why = fmt.Sprintf("applies because %s will be %s, above %s", mn.IfModule, c.version, mn.IfAbove)
		}
		if perlCompare(a.version, mn.Min) >= 0 {
			continue
		}
		f := compare.Finding{Fact: "preflight." + mn.Module, Kind: compare.Changed, Baseline: ">= " + mn.Min, Value: orNone(a.version), Probe: fleet.ProbePerlModules}
		out = append(out, shortfall{min: mn, after: a, why: why, finding: f})
	}
	return out
}

// belowMinimum (critical): after the installer, a module is still below
// a minimum MailScanner enforces at start-up, so MailScanner will refuse to
// run.
func belowMinimum(in input) []compare.Cause {
	var out []compare.Cause
	for _, s := range shortfalls(in) {
		mn, a := s.min, s.after
		ev := []string{fmt.Sprintf("%s after the upgrade: %s (%s)", mn.Module, orNone(a.version), a.how),
			fmt.Sprintf("MailScanner refuses to start below %s %s: %q", mn.Module, mn.Min, mn.Message)}
		if s.why != "" {
			ev = append(ev, s.why)
		}
		out = append(out, compare.Cause{Severity: compare.Critical,
			Summary:  fmt.Sprintf("%s will be %s after the upgrade, below MailScanner's minimum %s", mn.Module, orNone(a.version), mn.Min),
			Evidence: ev,
			Fix:      fmt.Sprintf("install %s %s or later before starting MailScanner (from the distribution, the MailScanner RPM installer or CPAN)", mn.Module, mn.Min),
			Findings: []string{s.finding.Fact}})
	}
	return out
}
