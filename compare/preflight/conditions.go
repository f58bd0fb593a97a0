package preflight

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The host conditions that make an installer fail, whatever the modules.

// result is what one check adds to a host's report.
type result struct {
	causes   []compare.Cause
	findings []compare.Finding
}

func (r *result) add(o result) {
	r.causes = append(r.causes, o.causes...)
	r.findings = append(r.findings, o.findings...)
}

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

// buildsAnything reports whether the installer compiles something here;
// install-Clam-SA always builds ClamAV.
func buildsAnything(r *Release, mods []module) bool {
	return r.Kind != KindRequirements && (r.Kind == KindClamSA || len(building(mods)) > 0)
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

// tmpNoexec (critical): /tmp is mounted noexec and the installer builds in
// /tmp: configure scripts cannot run and make test cannot load the shared
// objects of XS modules, which leaves modules half-installed (the seed).
// The RPM installer builds in its rpmbuild tree instead: info only.
func tmpNoexec(r *Release, h *host, mods []module) result {
	if !buildsAnything(r, mods) {
		return result{}
	}
	t, ok := h.tmp()
	if !ok || !t.NoExec {
		return result{}
	}
	opts := strings.Join(t.Options, ",")
	f := compare.Finding{Fact: "preflight./tmp", Kind: compare.Changed, Probe: fleet.ProbeMounts,
		Baseline: "exec (the installer builds in /tmp)", Value: "noexec (" + opts + ")"}
	ev := []string{fmt.Sprintf("/tmp is on %s (%s %s) mounted %s", t.MountPoint, t.Type, t.Device, opts)}
	if r.Kind == KindRPM {
		// install.sh runs rpmbuild --rebuild: the builds and their make
		// test run in the rpmbuild tree (~/rpmbuild, /usr/src/redhat), the
		// spec files' BuildRoot is %{_tmppath} (/var/tmp).
		f.Baseline = "exec or noexec (the RPM installer builds in its rpmbuild tree)"
		ev = append(ev, "the RPM installer rebuilds each perl-*.src.rpm with rpmbuild in its rpmbuild tree (~/rpmbuild or /usr/src/redhat), not in /tmp",
			"the tarball and install-Clam-SA installers do build in /tmp: use this host's exec /tmp before running one of those")
		c := compare.Cause{Rule: RuleTmpNoexec, Severity: compare.Info,
			Summary:  "/tmp is mounted noexec: no obstacle for the RPM installer, which builds in its rpmbuild tree",
			Evidence: ev,
			Fix:      "nothing for this installer; remount /tmp exec (mount -o remount,exec /tmp) only while running a tarball or install-Clam-SA installer",
			Findings: []string{f.Fact}}
		return result{causes: []compare.Cause{c}, findings: []compare.Finding{f}}
	}
	ev = append(ev, "the installer unpacks each module in /tmp (TMPBUILDDIR=/tmp) and runs perl Makefile.PL; make && make test && make install there: a failed make test skips make install")
	b := building(mods)
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
	if p, ok := program(r, "tnef"); ok && r.Kind == KindTarball {
		ev = append(ev, fmt.Sprintf("tnef %s is configured and built in /tmp: without it MailScanner needs TNEF Expander = internal", p.Version))
	}
	if p, ok := program(r, "clamav"); ok {
		ev = append(ev, fmt.Sprintf("ClamAV %s is configured and built in /tmp: ./configure cannot run there", p.Version))
	}
	c := compare.Cause{Rule: RuleTmpNoexec, Severity: compare.Critical,
		Summary:  "/tmp is mounted noexec: the installer builds there and will leave modules half-installed",
		Evidence: ev,
		Fix:      "before installing: mount -o remount,exec /tmp; run the installer; then mount -o remount,noexec /tmp and check that MailScanner -v lists every module and MailScanner --lint is clean",
		Findings: append([]string{f.Fact}, moduleFacts(b)...)}
	return result{causes: []compare.Cause{c}, findings: []compare.Finding{f}}
}

// buildNeed is a program an installer needs; any one of tools will do.
type buildNeed []string

// String names the need as a report says it: "make", "gcc or cc".
func (q buildNeed) String() string { return strings.Join(q, " or ") }

// buildNeeds are the programs the installer r runs to build: make
// and a C compiler for all; the RPM installer also rpmbuild and patch
// (install.sh rebuilds each perl-*.src.rpm with rpmbuild, and the
// mailscanner RPM requires gcc, make and patch).
func buildNeeds(r *Release) []buildNeed {
	need := []buildNeed{{"make"}, {"gcc", "cc"}}
	if r.Kind == KindRPM {
		need = append(need, buildNeed{"patch"}, buildNeed{"rpmbuild"})
	}
	return need
}

// buildToolsCheck: preflight-no-compiler (critical) when a program the
// installer needs is known to be absent, preflight-build-tools-unknown
// (info) when the facts do not say.
func buildToolsCheck(r *Release, h *host, mods []module) result {
	if !buildsAnything(r, mods) {
		return result{}
	}
	need := buildNeeds(r)
	state := map[string]tool{}
	for _, q := range need {
		for _, t := range q {
			state[t] = h.buildTool(t)
		}
	}
	var found []string
	manager := ""
	if p, ok := h.packages(); ok {
		manager = p.Manager
		if p.BuildTools != nil {
			for _, q := range need {
				for _, t := range q {
					if path, ok := p.BuildTools.Found[t]; ok {
						found = append(found, t+" "+path)
					}
				}
			}
		}
	}
	why := "the packages probe did not look for them: a snapshot from an older fleetcheck"
	if pr, ok := h.s.Probes[fleet.ProbePackages]; !ok {
		why = "probe packages: not run"
	} else if !pr.Status.Known() {
		why = fmt.Sprintf("probe packages: %s", pr.Status)
		if e := firstLine(pr.Error); e != "" {
			why += ": " + e
		}
	}
	return buildToolsResult(h.s.Host, need, state, found, manager, why)
}

// buildToolsResult turns the state of each needed tool into causes. found
// lists the tools found with their paths, manager is the host's package
// manager (rpm, dpkg or unknown), and why says why a tool is unknown.
func buildToolsResult(hostName string, need []buildNeed, state map[string]tool, found []string, manager, why string) result {
	var absent, unknownTools []buildNeed
	var absentTools []string
	for _, q := range need {
		all, some := true, false
		for _, t := range q {
			switch state[t] {
			case toolPresent:
				some = true
			case toolUnknown:
				all = false
			}
		}
		switch {
		case some:
		case all:
			absent = append(absent, q)
			absentTools = append(absentTools, q...)
		default:
			unknownTools = append(unknownTools, q)
		}
	}
	var out result
	if len(absent) > 0 {
		var facts []string
		for _, t := range absentTools {
			f := compare.Finding{Fact: "preflight.tool." + t, Kind: compare.Missing, Baseline: "installed", Value: "not found", Probe: fleet.ProbePackages}
			out.findings = append(out.findings, f)
			facts = append(facts, f.Fact)
		}
		ev := []string{"not found on the host (command -v, /usr/bin, /usr/local/bin, /bin, /usr/sbin, /usr/local/sbin, /sbin): " + strings.Join(absentTools, ", ")}
		if len(found) > 0 {
			ev = append(ev, "found: "+strings.Join(found, ", "))
		}
		ev = append(ev, "the installer compiles the bundled modules it builds with make and a C compiler and stops, or leaves them uninstalled, without them")
		out.causes = append(out.causes, compare.Cause{Rule: RuleNoCompiler, Severity: compare.Critical,
			Summary:  fmt.Sprintf("%s not installed: the installer cannot build the modules", needNames(absent)),
			Evidence: ev,
			Fix:      "install them before the upgrade: " + installCommand(absentTools, manager),
			Findings: facts})
	}
	if len(unknownTools) > 0 {
		var tools []string
		for _, q := range unknownTools {
			tools = append(tools, q...)
		}
		out.causes = append(out.causes, compare.Cause{Rule: RuleBuildToolsUnknown, Severity: compare.Info,
			Summary:  fmt.Sprintf("unknown whether %s are installed: not collected", needNames(unknownTools)),
			Evidence: []string{"the installer compiles modules with " + needNames(unknownTools), why},
			Fix: fmt.Sprintf("collect the host again (fleetcheck collect -i INVENTORY --probes packages %s), or check on the host: command -v %s; install what is missing before the upgrade",
				hostName, strings.Join(tools, " "))})
	}
	return out
}

// needNames joins requirements for a summary: "make, gcc or cc".
func needNames(qs []buildNeed) string {
	names := make([]string, len(qs))
	for i, q := range qs {
		names[i] = q.String()
	}
	return strings.Join(names, ", ")
}

// installCommand is the command that installs the absent tools with the
// host's package manager, both commands when it is unknown.
func installCommand(absent []string, manager string) string {
	yum := "yum install " + strings.Join(toolPackages(absent), " ")
	apt := "apt-get install build-essential"
	if slices.Contains(absent, "rpmbuild") {
		apt += " rpm"
	}
	switch manager {
	case "rpm":
		return yum
	case "dpkg":
		return apt
	}
	return yum + " (RHEL, CentOS) or " + apt + " (Debian, Ubuntu)"
}

// toolPackages returns the RPMs that provide the tools, each once.
func toolPackages(tools []string) []string {
	var out []string
	for _, t := range tools {
		p := t
		switch t {
		case "rpmbuild":
			p = "rpm-build"
		case "cc":
			p = "gcc"
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// perlTooOld (critical): the host's Perl is older than the release needs.
func perlTooOld(r *Release, h *host) result {
	if r.Perl == "" {
		return result{}
	}
	v, probe, ok := h.perlVersion()
	if !ok || perlCompare(v, r.Perl) >= 0 {
		return result{}
	}
	f := compare.Finding{Fact: "preflight.perl", Kind: compare.Changed, Baseline: ">= " + r.Perl, Value: v, Probe: probe}
	ev := []string{fmt.Sprintf("perl %s (from %s)", v, probe)}
	if r.Kind != KindRequirements {
		ev = append(ev, "MailScanner's RPM requires perl >= 5.005 and its mailscanner-requires perl >= 5.6.1; the installers do not upgrade perl")
	}
	return result{findings: []compare.Finding{f}, causes: []compare.Cause{{Rule: RulePerlTooOld, Severity: compare.Critical,
		Summary:  fmt.Sprintf("perl %s is older than %s, the oldest this release runs on", v, r.Perl),
		Evidence: ev,
		Fix:      "upgrade the operating system's perl (or the OS) first; the installer does not",
		Findings: []string{f.Fact}}}}
}

// mailScannerVersion (info; warning for a downgrade): the MailScanner
// version change the release makes.
func mailScannerVersion(r *Release, h *host) result {
	if r.Version == "" || r.Kind == KindRequirements {
		return result{}
	}
	v, probe, ok := h.mailScannerVersion()
	if !ok {
		return result{}
	}
	f := compare.Finding{Fact: "preflight.MailScanner", Kind: compare.Changed, Baseline: r.Version, Value: v, Probe: probe}
	c := compare.Cause{Rule: RuleMailScannerVersion, Severity: compare.Info, Findings: []string{f.Fact},
		Evidence: []string{fmt.Sprintf("installed MailScanner %s (from %s); release %s", v, probe, path.Base(r.Path))}}
	switch cmp := compare.RPMVersionCompare(v, r.Version); {
	case cmp < 0:
		c.Summary = fmt.Sprintf("MailScanner %s will be upgraded to %s", v, r.Version)
		c.Fix = "after the upgrade, merge MailScanner.conf changes (upgrade_MailScanner_conf) and run MailScanner --lint"
	case cmp == 0:
		c.Summary = fmt.Sprintf("MailScanner %s is already installed: the installer reinstalls it", v)
		c.Fix = "nothing to do unless a reinstall is the intent"
		f.Kind = ""
	default:
		c.Severity = compare.Warning
		c.Summary = fmt.Sprintf("the release (MailScanner %s) is older than the installed %s: a downgrade", r.Version, v)
		c.Fix = "check this is the release you mean to install; a downgrade needs rpm -Uvh --oldpackage and an older MailScanner.conf"
	}
	if f.Kind == "" {
		return result{causes: []compare.Cause{{Rule: c.Rule, Severity: c.Severity, Summary: c.Summary, Evidence: c.Evidence, Fix: c.Fix}}}
	}
	return result{causes: []compare.Cause{c}, findings: []compare.Finding{f}}
}

// wrongInstaller (critical): the RPM installer on a host without RPM
// (Debian, Ubuntu): install.sh stops at once.
func wrongInstaller(r *Release, h *host) result {
	if r.Kind != KindRPM {
		return result{}
	}
	var ev []string
	if p, ok := h.packages(); ok && p.Manager != "" && p.Manager != "rpm" {
		ev = append(ev, "package manager: "+p.Manager)
	}
	if o := h.s.Facts.OS; o != nil && h.s.ProbeKnown(fleet.ProbeOS) && o.Family == "debian" {
		ev = append(ev, "operating system: "+o.Distro)
	}
	if len(ev) == 0 {
		return result{}
	}
	f := compare.Finding{Fact: "preflight.installer", Kind: compare.Changed, Baseline: "an RPM-based system", Value: ev[0], Probe: fleet.ProbePackages}
	return result{findings: []compare.Finding{f}, causes: []compare.Cause{{Rule: RuleWrongInstaller, Severity: compare.Critical,
		Summary:  "the RPM installer on a host without RPM: it cannot install here",
		Evidence: append(ev, "install.sh needs rpm and rpmbuild and installs MailScanner's RPMs"),
		Fix:      "use the tarball installer (MailScanner-install-<version>.tar.gz) or the distribution's mailscanner package on this host",
		Findings: []string{f.Fact}}}}
}
