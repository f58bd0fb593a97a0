package preflight

import (
	"fmt"
	"path"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// verdict is what the installer will do with one bundled module on one
// host (or, for a requirements file, whether the host meets the line).
type verdict string

const (
	skip      verdict = "skip"      // installed copy is as new or newer: left alone
	upgrade   verdict = "upgrade"   // installed copy is older: rebuilt and installed
	install   verdict = "build"     // not installed: built and installed
	reinstall verdict = "reinstall" // installed but fails to load: rebuilt
	rebuild   verdict = "rebuild"   // the RPM installer removes its own old build and rebuilds it
	unknown   verdict = "unknown"   // no fact says
	met       verdict = "met"       // requirements: satisfied
	unmet     verdict = "unmet"     // requirements: older or missing
)

// willBuild reports whether the installer builds the module.
func (v verdict) willBuild() bool {
	return v == upgrade || v == install || v == reinstall || v == rebuild
}

// module is one bundled module as one host has it.
type module struct {
	dist Dist
	name string
	// from is the probe the facts come from: perl_modules, or
	// mailscanner_version (MailScanner -v) when perl_modules did not
	// inspect the module; empty when unknown.
	from string
	// present: a copy is installed; version is the loaded copy's.
	present bool
	version string
	copy    fleet.ModuleCopy
	hasCopy bool
	loads   bool
	loadErr string
	verdict verdict
	// exactRPM: the very package the RPM installer would build is
	// installed already, so install.sh skips the module whatever it is.
	exactRPM bool
	// note says why the RPM installer rebuilds a module it would
	// otherwise leave.
	note string
}

// assess finds the module of d on the host and decides the verdict.
func assess(h *host, r *Release, d Dist) module {
	kind := r.Kind
	m := module{dist: d, name: d.Module(), verdict: unknown}
	if pm, ok := h.perlModule(m.name); ok {
		m.from = fleet.ProbePerlModules
		m.loads = pm.Loads
		m.loadErr = pm.LoadError
		if c, ok := loadedCopy(pm); ok {
			m.present, m.hasCopy, m.copy, m.version = true, true, c, c.Version
		}
	} else if mv, ok := h.msModule(m.name); ok {
		m.from = fleet.ProbeMailScannerVersion
		m.present = !mv.Missing
		m.loads = !mv.Missing
		if m.present {
			m.version = mv.Version
		}
	} else {
		return m
	}
	m.verdict = decide(kind, m)
	if kind == KindRPM {
		m.verdict, m.exactRPM, m.note = rpmInstaller(h, r, d, m)
	}
	return m
}

// removesOwnBuilds is the first release whose RPM installer removes the
// module RPMs it built before when it upgrades a MailScanner older than
// 4.76.11 (install.sh: WASOLD, REINSTALL).
const removesOwnBuilds = "4.76.11"

// rpmInstaller applies the RPM installer's own rules (4.84.3 install.sh)
// on top of CheckModuleVersion: an upgrade from MailScanner before 4.76.11
// first removes every module RPM the installer built (rpm -e --nodeps) and
// rebuilds them; ExtUtils-MakeMaker is always rebuilt; and a module whose
// exact perl-<Dist>-<version>-<build> RPM is installed is never rebuilt.
func rpmInstaller(h *host, r *Release, d Dist, m module) (verdict, bool, string) {
	v := m.verdict
	pkg := "perl-" + d.Name
	if r.Version != "" && compare.RPMVersionCompare(r.Version, removesOwnBuilds) >= 0 {
		if why, ok := h.removesOwnBuilds(); ok {
			if nvr, ok := ownBuild(h, pkg, m); ok {
				if !v.willBuild() {
					v = rebuild // otherwise the verdict (upgrade, reinstall) says more
				}
				return v, false, fmt.Sprintf("install.sh removes %s, which it built, then rebuilds it: %s", nvr, why)
			}
		}
	}
	if h.hasPackage(pkg, d.Version, d.Build) {
		if v.willBuild() {
			return v, true, ""
		}
		return v, false, ""
	}
	if d.Name == "ExtUtils-MakeMaker" && v == skip {
		return rebuild, false, "install.sh always rebuilds ExtUtils-MakeMaker unless its exact RPM is installed"
	}
	return v, false, ""
}

// decide is the installer's CheckModuleVersion: require the module and
// compare its $VERSION with the bundled one.
func decide(kind string, m module) verdict {
	if kind == KindRequirements {
		if !m.present || !m.loads {
			return unmet
		}
		if m.dist.Min != "" && compare.PerlVersionCompare(m.version, m.dist.Min) < 0 {
			return unmet
		}
		return met
	}
	switch {
	case !m.present:
		return install
	case !m.loads:
		return reinstall
	case compare.PerlVersionCompare(m.version, m.dist.Version) < 0:
		return upgrade
	}
	return skip
}

// loadedCopy returns the copy perl loads: the one require loaded, else
// the first in @INC order.
func loadedCopy(pm fleet.PerlModule) (fleet.ModuleCopy, bool) {
	if pm.LoadedPath != "" {
		for _, c := range pm.Copies {
			if c.Path == pm.LoadedPath {
				return c, true
			}
		}
	}
	return pm.Loaded()
}

// installed describes the host's copy in one line.
func (m module) installed() string {
	switch {
	case m.from == "":
		return "not inspected"
	case !m.present:
		return "not installed"
	}
	v := m.version
	if v == "" {
		v = "no $VERSION"
	}
	if m.hasCopy {
		v += ", " + m.copy.Owner.String()
	} else {
		v += " (MailScanner -v; owner unknown)"
	}
	if !m.loads {
		v += ", fails to load"
	}
	return v
}

// bundled describes the release's copy in one line.
func (m module) bundled(kind string) string {
	if kind == KindRequirements {
		if m.dist.Min == "" {
			return "any version"
		}
		return ">= " + m.dist.Min
	}
	return fmt.Sprintf("%s (%s)", m.dist.Version, path.Base(m.dist.File))
}

// fact is the module's fact key in the report.
func (m module) fact() string { return "preflight." + m.name }

// finding is the module's finding; ok is false when there is nothing to
// report (the installer leaves it alone, or the requirement is met).
func (m module) finding(kind string) (compare.Finding, bool) {
	f := compare.Finding{Fact: m.fact(), Baseline: m.bundled(kind), Value: m.installed(), Probe: m.from}
	switch m.verdict {
	case skip, met:
		return f, false
	case unknown:
		f.Kind, f.Probe = compare.Unknown, fleet.ProbePerlModules
	case install:
		f.Kind, f.Value = compare.Missing, ""
	case unmet:
		f.Kind = compare.Changed
		if !m.present {
			f.Kind, f.Value = compare.Missing, ""
		}
	default:
		f.Kind = compare.Changed
	}
	return f, true
}

// ownBuild returns the name-version-release of the installed RPM pkg when
// MailScanner's installer built it, from the package list or else from
// the owner of the module's loaded copy.
func ownBuild(h *host, pkg string, m module) (string, bool) {
	if p, ok := h.pkg(pkg); ok {
		if !(fleet.Owner{Packager: p.Packager}).MailScannerBuild() {
			return "", false
		}
		return p.Name + "-" + p.Version + "-" + p.Release, true
	}
	if o := m.copy.Owner; m.hasCopy && o.Manager == "rpm" && o.Package == pkg && o.MailScannerBuild() {
		return o.Package + "-" + o.Version, true
	}
	return "", false
}
