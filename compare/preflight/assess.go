package preflight

import (
	"fmt"
	"path"
	"strings"

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
	unknown   verdict = "unknown"   // no fact says
	met       verdict = "met"       // requirements: satisfied
	unmet     verdict = "unmet"     // requirements: older or missing
)

// willBuild reports whether the installer builds the module.
func (v verdict) willBuild() bool { return v == upgrade || v == install || v == reinstall }

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
}

// assess finds the module of d on the host and decides the verdict.
func assess(h *host, kind string, d Dist) module {
	m := module{dist: d, name: d.Module(), verdict: unknown}
	if pm, ok := h.perlModule(m.name); ok {
		m.from = "perl_modules"
		m.loads = pm.Loads
		m.loadErr = pm.LoadError
		if c, ok := loadedCopy(pm); ok {
			m.present, m.hasCopy, m.copy, m.version = true, true, c, c.Version
		}
	} else if mv, ok := h.msModule(m.name); ok {
		m.from = "mailscanner_version"
		m.present = !mv.Missing
		m.loads = !mv.Missing
		if m.present {
			m.version = mv.Version
		}
	} else {
		return m
	}
	m.verdict = decide(kind, m)
	if kind == KindRPM && m.verdict.willBuild() && h.hasPackage("perl-"+d.Name, d.Version, d.Build) {
		m.exactRPM = true
	}
	return m
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

// ownerText describes who owns a copy.
func ownerText(o fleet.Owner) string {
	switch {
	case o.Unowned():
		return "no package: CPAN or hand install"
	case o.Manager == "rpm":
		s := "rpm " + o.Package
		if o.Version != "" {
			s += "-" + o.Version
		}
		switch {
		case mailScannerBuild(o):
			s += ", MailScanner's build"
		case o.Vendor != "":
			s += ", " + o.Vendor
		case o.Packager != "":
			s += ", " + o.Packager
		}
		return s
	}
	s := o.Manager + " " + o.Package
	if o.Version != "" {
		s += " " + o.Version
	}
	return s
}

// mailScannerBuild reports whether an RPM is one MailScanner's installer
// built: install.sh itself tests the packager with fgrep -qi mailscanner.
func mailScannerBuild(o fleet.Owner) bool {
	return strings.Contains(strings.ToLower(o.Packager), "mailscanner")
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
		v += ", " + ownerText(m.copy.Owner)
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
		f.Kind, f.Probe = compare.Unknown, "perl_modules"
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
