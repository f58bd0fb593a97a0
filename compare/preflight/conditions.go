package preflight

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The host conditions that make an installer fail, whatever the modules:
// for each, the finding when the host has it, and the rule that explains
// it.

// building returns the modules the installer will build on the host.
func building(mods []module) []module {
	var out []module
	for _, m := range mods {
		if m.verdict.willBuild() && !m.exactRPM {
			out = append(out, m)
		}
	}
	return out
}

// buildsAnything reports whether the installer compiles something here,
// even when every Perl module is current: install-Clam-SA always builds
// ClamAV, and the tarball installer builds tnef when the host is known to
// lack /usr/local/bin/tnef (buildsTnef).
func buildsAnything(in input) bool {
	return in.r.Kind != KindRequirements && (in.r.Kind == KindClamSA || len(building(in.mods)) > 0 || buildsTnef(in))
}

// buildsTnef reports whether the tarball installer will configure and make
// its tnef on the host: the release carries tnef and the packages probe
// found no fleet.TarballTnef. Unknown counts as no build.
func buildsTnef(in input) bool {
	if in.r.Kind != KindTarball {
		return false
	}
	if _, ok := program(in.r, "tnef"); !ok {
		return false
	}
	present, known := in.h.program(fleet.TarballTnef)
	return known && !present
}

func moduleFacts(mods []module) []string {
	out := make([]string, 0, len(mods))
	for _, m := range mods {
		out = append(out, m.fact())
	}
	return out
}

func moduleNames(mods []module) string {
	names := make([]string, 0, len(mods))
	for _, m := range mods {
		names = append(names, m.name)
	}
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return strings.Join(names, ", ")
}

func program(r *Release, name string) (Program, bool) {
	for _, p := range r.Programs {
		if p.Name == name {
			return p, true
		}
	}
	return Program{}, false
}

// factTmp is the fact of /tmp's mount.
const factTmp = "preflight./tmp"

// tmpFinding: /tmp is mounted noexec and the installer builds something.
func tmpFinding(in input) []compare.Finding {
	if !buildsAnything(in) {
		return nil
	}
	t, ok := in.h.tmp()
	if !ok || !t.NoExec {
		return nil
	}
	f := compare.Finding{Fact: factTmp, Kind: compare.Changed, Probe: fleet.ProbeMounts,
		Baseline: "exec (the installer builds in /tmp)", Value: "noexec (" + strings.Join(t.Options, ",") + ")"}
	if in.r.Kind == KindRPM {
		// install.sh runs rpmbuild --rebuild: the builds and their make
		// test run in the rpmbuild tree (~/rpmbuild, /usr/src/redhat), the
		// spec files' BuildRoot is %{_tmppath} (/var/tmp).
		f.Baseline = "exec or noexec (the RPM installer builds in its rpmbuild tree)"
	}
	return []compare.Finding{f}
}

// tmpNoexec (critical): /tmp is mounted noexec and the installer builds in
// /tmp: configure scripts cannot run and make test cannot load the shared
// objects of XS modules, which leaves modules half-installed (the seed).
// The RPM installer builds in its rpmbuild tree instead: info only.
func tmpNoexec(in input) []compare.Cause {
	if len(tmpFinding(in)) == 0 {
		return nil
	}
	r := in.r
	t, _ := in.h.tmp()
	opts := strings.Join(t.Options, ",")
	ev := []string{fmt.Sprintf("/tmp is on %s (%s %s) mounted %s", t.MountPoint, t.Type, t.Device, opts)}
	if r.Kind == KindRPM {
		ev = append(ev, "the RPM installer rebuilds each perl-*.src.rpm with rpmbuild in its rpmbuild tree (~/rpmbuild or /usr/src/redhat), not in /tmp",
			"the tarball and install-Clam-SA installers do build in /tmp: use this host's exec /tmp before running one of those")
		return []compare.Cause{{Severity: compare.Info,
			Summary:  "/tmp is mounted noexec: no obstacle for the RPM installer, which builds in its rpmbuild tree",
			Evidence: ev,
			Fix:      "nothing for this installer; remount /tmp exec (mount -o remount,exec /tmp) only while running a tarball or install-Clam-SA installer",
			Findings: []string{factTmp}}}
	}
	ev = append(ev, "the installer unpacks each module in /tmp (TMPBUILDDIR=/tmp) and runs perl Makefile.PL; make && make test && make install there: a failed make test skips make install")
	b := building(in.mods)
	var xs []module
	for _, m := range b {
		// install-Clam-SA builds Net-DNS without make test (TEST=no).
		if xsDists[m.dist.Name] && !(r.Kind == KindClamSA && m.dist.Name == "Net-DNS") {
			xs = append(xs, m)
		}
	}
	if len(b) > 0 {
		ev = append(ev, fmt.Sprintf("%d module(s) to build: %s", len(b), moduleNames(b)))
	}
	if len(xs) > 0 {
		ev = append(ev, fmt.Sprintf("with compiled code, whose make test cannot map its shared object from a noexec /tmp: %s", moduleNames(xs)))
	}
	if p, ok := program(r, "tnef"); ok && buildsTnef(in) {
		ev = append(ev, fmt.Sprintf("tnef %s is configured and built in /tmp (%s is not there): ./configure cannot run, and without tnef MailScanner needs TNEF Expander = internal", p.Version, fleet.TarballTnef))
	}
	if p, ok := program(r, "clamav"); ok {
		ev = append(ev, fmt.Sprintf("ClamAV %s is configured and built in /tmp: ./configure cannot run there", p.Version))
	}
	return []compare.Cause{{Severity: compare.Critical,
		Summary:  "/tmp is mounted noexec: the installer builds there and will leave modules half-installed",
		Evidence: ev,
		Fix:      "before installing: mount -o remount,exec /tmp; run the installer; then mount -o remount,noexec /tmp and check that MailScanner -v lists every module and MailScanner --lint is clean",
		Findings: append([]string{factTmp}, moduleFacts(b)...)}}
}

// factPerl is the fact of the host's Perl version.
const factPerl = "preflight.perl"

// perlFinding: the host's Perl is older than the release needs.
func perlFinding(in input) []compare.Finding {
	if in.r.Perl == "" {
		return nil
	}
	v, probe, ok := in.h.perlVersion()
	if !ok || perlCompare(v, in.r.Perl) >= 0 {
		return nil
	}
	return []compare.Finding{{Fact: factPerl, Kind: compare.Changed, Baseline: ">= " + in.r.Perl, Value: v, Probe: probe}}
}

// perlTooOld (critical): the host's Perl is older than the release needs.
func perlTooOld(in input) []compare.Cause {
	fs := perlFinding(in)
	if len(fs) == 0 {
		return nil
	}
	v, probe := fs[0].Value, fs[0].Probe
	ev := []string{fmt.Sprintf("perl %s (from %s)", v, probe)}
	if in.r.Kind != KindRequirements {
		ev = append(ev, "MailScanner's RPM requires perl >= 5.005 and its mailscanner-requires perl >= 5.6.1; the installers do not upgrade perl")
	}
	return []compare.Cause{{Severity: compare.Critical,
		Summary:  fmt.Sprintf("perl %s is older than %s, the oldest this release runs on", v, in.r.Perl),
		Evidence: ev,
		Fix:      "upgrade the operating system's perl (or the OS) first; the installer does not",
		Findings: []string{factPerl}}}
}

// factMailScanner is the fact of the MailScanner version.
const factMailScanner = "preflight.MailScanner"

// versionChange compares the installed MailScanner with the release's:
// the installed version and the probe that says it, and their order; ok
// is false when either is unknown or the release is a requirements file.
func versionChange(in input) (v, probe string, order int, ok bool) {
	if in.r.Version == "" || in.r.Kind == KindRequirements {
		return "", "", 0, false
	}
	v, probe, ok = in.h.mailScannerVersion()
	if !ok {
		return "", "", 0, false
	}
	return v, probe, compare.RPMVersionCompare(v, in.r.Version), true
}

// mailScannerFinding: the release changes the MailScanner version.
func mailScannerFinding(in input) []compare.Finding {
	v, probe, order, ok := versionChange(in)
	if !ok || order == 0 {
		return nil
	}
	return []compare.Finding{{Fact: factMailScanner, Kind: compare.Changed, Baseline: in.r.Version, Value: v, Probe: probe}}
}

// mailScannerVersion (info; warning for a downgrade): the MailScanner
// version change the release makes.
func mailScannerVersion(in input) []compare.Cause {
	v, probe, order, ok := versionChange(in)
	if !ok {
		return nil
	}
	r := in.r
	c := compare.Cause{Severity: compare.Info,
		Evidence: []string{fmt.Sprintf("installed MailScanner %s (from %s); release %s", v, probe, path.Base(r.Path))}}
	for _, f := range mailScannerFinding(in) {
		c.Findings = append(c.Findings, f.Fact)
	}
	switch {
	case order < 0:
		c.Summary = fmt.Sprintf("MailScanner %s will be upgraded to %s", v, r.Version)
		c.Fix = "after the upgrade, merge MailScanner.conf changes (upgrade_MailScanner_conf) and run MailScanner --lint"
	case order == 0:
		c.Summary = fmt.Sprintf("MailScanner %s is already installed: the installer reinstalls it", v)
		c.Fix = "nothing to do unless a reinstall is the intent"
	default:
		c.Severity = compare.Warning
		c.Summary = fmt.Sprintf("the release (MailScanner %s) is older than the installed %s: a downgrade", r.Version, v)
		c.Fix = "check this is the release you mean to install; a downgrade needs rpm -Uvh --oldpackage and an older MailScanner.conf"
	}
	return []compare.Cause{c}
}

// factInstaller is the fact of the installer's kind against the host's.
const factInstaller = "preflight.installer"

// installerMismatch says why the host cannot take the RPM installer: its
// package manager or its distribution; nil when it can, or the release is
// not the RPM installer.
func installerMismatch(in input) []string {
	if in.r.Kind != KindRPM {
		return nil
	}
	h := in.h
	var ev []string
	if p, ok := h.packages(); ok && p.Manager != "" && p.Manager != "rpm" {
		ev = append(ev, "package manager: "+p.Manager)
	}
	if o := h.s.Facts.OS; o != nil && h.s.ProbeKnown(fleet.ProbeOS) && o.Family == "debian" {
		ev = append(ev, "operating system: "+o.Distro)
	}
	return ev
}

// installerFinding: the RPM installer on a host without RPM.
func installerFinding(in input) []compare.Finding {
	ev := installerMismatch(in)
	if len(ev) == 0 {
		return nil
	}
	return []compare.Finding{{Fact: factInstaller, Kind: compare.Changed, Baseline: "an RPM-based system", Value: ev[0], Probe: fleet.ProbePackages}}
}

// wrongInstaller (critical): the RPM installer on a host without RPM
// (Debian, Ubuntu): install.sh stops at once.
func wrongInstaller(in input) []compare.Cause {
	ev := installerMismatch(in)
	if len(ev) == 0 {
		return nil
	}
	return []compare.Cause{{Severity: compare.Critical,
		Summary:  "the RPM installer on a host without RPM: it cannot install here",
		Evidence: append(ev, "install.sh needs rpm and rpmbuild and installs MailScanner's RPMs"),
		Fix:      "use the tarball installer (MailScanner-install-<version>.tar.gz) or the distribution's mailscanner package on this host",
		Findings: []string{factInstaller}}}
}
