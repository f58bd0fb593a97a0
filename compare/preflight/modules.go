package preflight

import (
	"fmt"
	"path"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The causes about bundled modules, one function per rule.

// rpmName is the package the RPM installer builds for a distribution.
func rpmName(d Dist) string {
	s := "perl-" + d.Name + "-" + d.Version
	if d.Build != "" {
		s += "-" + d.Build
	}
	return s
}

// moduleConflict (warning, RPM installer): the installer will rpm -Uvh its
// own build over a module the distribution's RPM owns.
func moduleConflict(in input) []compare.Cause {
	r, h := in.r, in.h
	if r.Kind != KindRPM {
		return nil
	}
	var ev, facts, pkgs []string
	for _, m := range building(in.mods) {
		if m.verdict == rebuild {
			// Its own build, or a current module: rpm -Uvh replaces
			// MailScanner's package or refuses a downgrade, harmlessly.
			continue
		}
		var owner string
		switch {
		case m.hasCopy && m.copy.Owner.Manager == "rpm" && !m.copy.Owner.MailScannerBuild():
			o := m.copy.Owner
			owner = o.String()
			ev = append(ev, fmt.Sprintf("%s %s in %s is owned by %s; install.sh will rpm -Uvh %s over it",
				m.name, orNone(m.version), m.copy.Path, owner, rpmName(m.dist)))
			pkgs = append(pkgs, o.Package)
		default:
			p, ok := h.pkg("perl-" + m.dist.Name)
			if !ok || (fleet.Owner{Packager: p.Packager}).MailScannerBuild() {
				continue
			}
			owner = p.Name + "-" + p.Version
			if p.Release != "" {
				owner += "-" + p.Release
			}
			ev = append(ev, fmt.Sprintf("%s: the distribution's %s is installed; install.sh will rpm -Uvh %s over it", m.name, owner, rpmName(m.dist)))
			pkgs = append(pkgs, p.Name)
		}
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Warning,
		Summary:  fmt.Sprintf("rpm -Uvh of MailScanner's module RPMs collides with %d distribution package(s)", len(facts)),
		Evidence: ev,
		Fix: fmt.Sprintf("either update the distribution's packages to at least the bundled versions (yum update %s) so install.sh skips them, or remove them first (rpm -e --nodeps %s) and let install.sh install its builds; never --force over them",
			strings.Join(pkgs, " "), strings.Join(pkgs, " ")),
		Findings: facts}}
}

// moduleShadowed (warning): an unowned (CPAN or hand-installed) copy in an
// @INC directory before site_perl, where the installer installs, will
// still be the one perl loads after the upgrade.
func moduleShadowed(in input) []compare.Cause {
	r, h := in.r, in.h
	if r.Kind == KindRequirements {
		return nil
	}
	var ev, facts []string
	for _, m := range building(in.mods) {
		if !m.hasCopy || !m.copy.Owner.Unowned() {
			continue
		}
		pos := h.installPos(xsDists[m.dist.Name])
		i, ok := h.inc[m.copy.IncDir]
		if pos < 0 || !ok || i >= pos {
			continue
		}
		site := h.s.Facts.Perl.INC[pos]
		ev = append(ev, fmt.Sprintf("%s %s in %s (no package, @INC #%d) comes before %s (@INC #%d), where the installer puts %s",
			m.name, orNone(m.version), m.copy.Path, i+1, site, pos+1, m.dist.Version))
		if l, ok := cpanLog(h, m.name); ok {
			ev = append(ev, fmt.Sprintf("perllocal.pod: %s %s installed %s in %s", l.Module, l.Version, l.Date, l.Dir))
		}
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Warning,
		Summary:  fmt.Sprintf("%d old CPAN cop(ies) earlier in @INC will shadow what the installer installs", len(facts)),
		Evidence: ev,
		Fix:      "move the stale copies aside (the .pm files above, and their auto/ directories for compiled modules), or drop their directory from PERL5LIB/@INC, so perl loads the installer's copies",
		Findings: facts}}
}

func cpanLog(h *host, name string) (fleet.CPANInstall, bool) {
	pm := h.s.Facts.PerlModules
	if pm == nil {
		return fleet.CPANInstall{}, false
	}
	var last fleet.CPANInstall
	found := false
	for _, l := range pm.CPANLog {
		if l.Module == name {
			last, found = l, true
		}
	}
	return last, found
}

// moduleBroken (warning): the module is installed but fails to load today.
func moduleBroken(in input) []compare.Cause {
	r := in.r
	var ev, facts []string
	for _, m := range in.mods {
		if m.verdict != reinstall && !(r.Kind == KindRequirements && m.present && !m.loads) {
			continue
		}
		line := fmt.Sprintf("%s %s (%s) fails to load", m.name, orNone(m.version), ownerOrV(m))
		if e := firstLine(m.loadErr); e != "" {
			line += ": " + e
		}
		ev = append(ev, line)
		switch {
		case r.Kind == KindRequirements:
		case m.exactRPM:
			ev = append(ev, fmt.Sprintf("install.sh skips %s: %s is already installed, so the upgrade leaves it broken", m.name, rpmName(m.dist)))
		case m.note != "":
			ev = append(ev, m.note)
		default:
			ev = append(ev, fmt.Sprintf("the installer's CheckModuleVersion fails on %s, so it rebuilds %s", m.name, path.Base(m.dist.File)))
		}
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Warning,
		Summary:  fmt.Sprintf("%d module(s) fail to load today", len(facts)),
		Evidence: ev,
		Fix:      "read the load error: \"object version X does not match bootstrap parameter Y\" means the .pm and the compiled .so come from different installs (a build that stopped half-way); remove the stale copy and rebuild the module with an exec /tmp",
		Findings: facts}}
}

// requirementUnmet (warning): a requirements file line the host does not
// meet; nothing will install it.
func requirementUnmet(in input) []compare.Cause {
	r := in.r
	if r.Kind != KindRequirements {
		return nil
	}
	var ev, facts []string
	for _, m := range in.mods {
		if m.verdict != unmet {
			continue
		}
		ev = append(ev, fmt.Sprintf("%s: %s, required %s", m.name, m.installed(), m.bundled(r.Kind)))
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Warning,
		Summary:  fmt.Sprintf("%d requirement(s) not met: %s", len(facts), moduleNamesOf(in.mods, unmet)),
		Evidence: ev,
		Fix:      "install or upgrade them before the upgrade, from the distribution (yum install perl-Dist / apt-get install libdist-perl) or CPAN",
		Findings: facts}}
}

func moduleNamesOf(mods []module, v verdict) string {
	var sel []module
	for _, m := range mods {
		if m.verdict == v {
			sel = append(sel, m)
		}
	}
	return moduleNames(sel)
}

// moduleUpgrade and moduleBuild (info): what the installer will do,
// module by module.
func moduleUpgrade(in input) []compare.Cause {
	var ev, facts []string
	for _, m := range in.mods {
		if m.verdict != upgrade {
			continue
		}
		line := fmt.Sprintf("%s %s -> %s (%s; %s)", m.name, orNone(m.version), m.dist.Version, ownerOrV(m), path.Base(m.dist.File))
		if m.exactRPM {
			line += fmt.Sprintf("; install.sh skips it: %s is installed, yet perl loads another copy", rpmName(m.dist))
		}
		if m.note != "" {
			line += "; " + m.note
		}
		ev = append(ev, line)
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Info,
		Summary:  fmt.Sprintf("the installer will upgrade %d module(s)", len(facts)),
		Evidence: ev,
		Fix:      "nothing before the upgrade; afterwards MailScanner -v should show the new versions",
		Findings: facts}}
}

// moduleRebuild (info): modules the RPM installer removes and rebuilds
// although they are as new as the bundled ones.
func moduleRebuild(in input) []compare.Cause {
	var ev, facts []string
	for _, m := range in.mods {
		if m.verdict != rebuild {
			continue
		}
		ev = append(ev, fmt.Sprintf("%s %s (%s): %s", m.name, orNone(m.version), ownerOrV(m), m.note))
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Info,
		Summary:  fmt.Sprintf("the RPM installer removes and rebuilds %d module(s) it built before", len(facts)),
		Evidence: ev,
		Fix:      "make sure the builds can succeed (rpm-build, gcc, make, patch installed): install.sh removes these with rpm -e --nodeps before rebuilding, so a failed build leaves them missing",
		Findings: facts}}
}

func moduleBuild(in input) []compare.Cause {
	var ev, facts []string
	for _, m := range in.mods {
		if m.verdict != install {
			continue
		}
		ev = append(ev, fmt.Sprintf("%s not installed -> %s (%s)", m.name, m.dist.Version, path.Base(m.dist.File)))
		facts = append(facts, m.fact())
	}
	if len(facts) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Info,
		Summary:  fmt.Sprintf("the installer will build %d module(s) that are not installed", len(facts)),
		Evidence: ev,
		Fix:      "nothing before the upgrade; afterwards MailScanner -v should list them instead of \"missing\"",
		Findings: facts}}
}

// moduleCurrent (info): modules the installer leaves alone, or
// requirements met; it covers no finding.
func moduleCurrent(in input) []compare.Cause {
	r := in.r
	var ev []string
	for _, m := range in.mods {
		if m.verdict != skip && m.verdict != met {
			continue
		}
		want := m.dist.Version
		if r.Kind == KindRequirements {
			want = m.dist.Min
		}
		if want == "" {
			ev = append(ev, fmt.Sprintf("%s %s (%s)", m.name, orNone(m.version), ownerOrV(m)))
			continue
		}
		ev = append(ev, fmt.Sprintf("%s %s >= %s (%s)", m.name, orNone(m.version), want, ownerOrV(m)))
	}
	if len(ev) == 0 {
		return nil
	}
	summary := fmt.Sprintf("%d bundled module(s) already as new: the installer leaves them", len(ev))
	if r.Kind == KindRequirements {
		summary = fmt.Sprintf("%d requirement(s) met", len(ev))
	}
	return []compare.Cause{{Severity: compare.Info,
		Summary: summary, Evidence: ev, Fix: "nothing to do"}}
}

func ownerOrV(m module) string {
	if m.hasCopy {
		return m.copy.Owner.String()
	}
	return "MailScanner -v, owner unknown"
}

func orNone(v string) string {
	if v == "" {
		return "(no $VERSION)"
	}
	return v
}

// firstLine returns the first non-empty line of s, capped.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return capString(l, 200)
		}
	}
	return ""
}
