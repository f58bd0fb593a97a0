package compare

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// buildDirSources are the config keys whose directories installers or
// SpamAssassin build or run things in.
var buildDirSources = []string{"incomingworkdir", "spamassassintemporarydir"}

// buildDir reports whether a mounted path is one where a noexec flag breaks
// installers: /tmp, /var/tmp, the Incoming Work Dir or SpamAssassin's temp dir.
func buildDir(s *fleet.Snapshot, path string) bool {
	if path == "/tmp" || path == "/var/tmp" {
		return true
	}
	if s == nil {
		return false
	}
	if s.Facts.Mounts != nil {
		for _, pm := range s.Facts.Mounts.Paths {
			if pm.Path == path && slices.Contains(buildDirSources, pm.Source) {
				return true
			}
		}
	}
	for _, k := range buildDirSources {
		if v := configValue(s, k); v != "" && strings.TrimRight(v, "/") == path {
			return true
		}
	}
	return false
}

func pathMount(s *fleet.Snapshot, path string) (fleet.PathMount, bool) {
	if s == nil || s.Facts.Mounts == nil {
		return fleet.PathMount{}, false
	}
	for _, pm := range s.Facts.Mounts.Paths {
		if pm.Path == path {
			return pm, true
		}
	}
	return fleet.PathMount{}, false
}

// moduleDamage returns the findings of modules that are missing, fail to
// load or are older than on the baseline: what a failed installer leaves.
func moduleDamage(in Input) []Finding {
	broken := brokenModules(in)
	return selectFindings(in.Findings, func(f Finding) bool {
		if !moduleFinding(f) {
			return false
		}
		if slices.Contains(broken, f.subject) {
			return true
		}
		return (f.attr == "version" || f.attr == "module") && f.Kind == Changed && PerlVersionCompare(f.Value, f.Baseline) < 0
	})
}

// tmpNoexec explains a build directory mounted noexec here but not on the
// baseline; critical when Perl modules are damaged too.
func tmpNoexec(in Input) []Cause {
	var paths, facts []string
	var ev []string
	for _, f := range in.Findings {
		if f.Probe != probeMounts || f.attr != "noexec" || f.Value != "true" || !buildDir(in.Host, f.subject) {
			continue
		}
		paths = append(paths, f.subject)
		facts = append(facts, f.Fact)
		pm, _ := pathMount(in.Host, f.subject)
		line := fmt.Sprintf("%s is on %s (%s %s) mounted %s", pm.Path, pm.MountPoint, pm.Type, pm.Device, strings.Join(pm.Options, ","))
		if bm, ok := pathMount(in.Base, f.subject); ok {
			line += fmt.Sprintf("; baseline: %s mounted %s", bm.MountPoint, orNone(strings.Join(bm.Options, ",")))
		}
		ev = append(ev, line)
	}
	if len(paths) == 0 {
		return nil
	}
	// The other flags of the same mount come with it.
	facts = append(facts, factsOf(in.Findings, func(f Finding) bool {
		return f.Probe == probeMounts && slices.Contains(paths, f.subject)
	})...)
	c := Cause{Rule: "tmp-noexec", Severity: Warning, Evidence: ev, Findings: facts}
	c.Summary = fmt.Sprintf("%s mounted noexec here but not on the baseline: installers build and test Perl XS modules and ClamAV there", strings.Join(paths, ", "))
	if dmg := moduleDamage(in); len(dmg) > 0 {
		c.Severity = Critical
		var names []string
		for _, f := range dmg {
			c.Findings = append(c.Findings, f.Fact)
			names = append(names, f.subject)
		}
		slices.Sort(names)
		names = slices.Compact(names)
		c.Summary = fmt.Sprintf("%s mounted noexec: the last install or upgrade could not build its Perl modules (%d missing, broken or old)", strings.Join(paths, ", "), len(names))
		c.Evidence = append(c.Evidence, "modules missing, failing or older than the baseline: "+strings.Join(names, ", "))
	}
	c.Evidence = append(c.Evidence, "MailScanner's install.sh and install-Clam-SA unpack into /tmp and run `make test` there; with noexec the XS builds fail and the run goes on")
	c.Fix = "`mount -o remount,exec /tmp`, re-run the MailScanner (and Clam-SA) installer, then `mount -o remount,noexec /tmp`; or run the installer with TMPDIR=/var/tmp/build on an exec filesystem"
	return []Cause{c}
}

// highLoad explains a busy host when the baseline is idle.
func highLoad(in Input) []Cause {
	o := in.Host.Facts.OS
	if o == nil || o.CPUs <= 0 {
		return nil
	}
	var ev []string
	if o.Load[0] > float64(o.CPUs) {
		line := fmt.Sprintf("load %.2f %.2f %.2f on %d CPU(s)", o.Load[0], o.Load[1], o.Load[2], o.CPUs)
		if in.Base != nil && in.Base.Facts.OS != nil {
			bo := in.Base.Facts.OS
			if bo.CPUs > 0 && bo.Load[0] > float64(bo.CPUs) {
				return nil // the baseline is just as busy
			}
			line += fmt.Sprintf("; baseline %.2f on %d CPU(s)", bo.Load[0], bo.CPUs)
		}
		ev = append(ev, line)
	}
	baseMax := int64(0)
	if in.Base != nil && in.Base.Facts.Processes != nil {
		for _, p := range in.Base.Facts.Processes.Children {
			baseMax = max(baseMax, p.CPUSec)
		}
	}
	if p := in.Host.Facts.Processes; p != nil {
		for _, ch := range p.Children {
			if ch.CPUSec >= 600 && ch.CPUSec > 10*baseMax {
				ev = append(ev, fmt.Sprintf("MailScanner child pid %d used %s CPU in %s (baseline children at most %s)", ch.PID, fmtSeconds(ch.CPUSec), fmtSeconds(ch.ElapsedSec), fmtSeconds(baseMax)))
			}
		}
	}
	if len(ev) == 0 {
		return nil
	}
	return []Cause{{Rule: "high-load", Severity: Warning,
		Summary:  "the host is busy while the baseline is idle",
		Evidence: ev,
		Fix:      "see what burns CPU: `ps -eo pid,etime,time,args --sort=-time | head`; MailScanner children spinning at start-up point to the module causes above",
		Findings: factsOf(in.Findings, func(f Finding) bool {
			return f.Fact == "os.load" || f.Fact == "processes.max_child_cpu_sec"
		})}}
}

// packageVersion lists installed packages and tools that differ.
func packageVersion(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool { return f.Probe == probePackages && f.Kind != Unknown })
	if len(fs) == 0 {
		return nil
	}
	manager := ""
	if p := in.Host.Facts.Packages; p != nil {
		manager = p.Manager
	}
	c := Cause{Rule: "package-version", Severity: Info}
	var install []string
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fact)
		var line string
		switch f.Kind {
		case Missing:
			line = fmt.Sprintf("%s not installed (baseline %s)", f.subject, f.Baseline)
		case Extra:
			line = fmt.Sprintf("%s %s installed here only", f.subject, f.Value)
		default:
			dir := "newer"
			if packageCompare(f.cmp, f.Value, f.Baseline) < 0 {
				dir = "older"
			}
			line = fmt.Sprintf("%s %s (baseline %s): %s", f.subject, f.Value, f.Baseline, dir)
		}
		if f.attr == "tool" {
			line = "tool " + line
		}
		if f.Kind != Extra && relevantPackage(f.subject) {
			c.Severity = Warning
		}
		if f.attr == "version" && f.Kind != Extra && !strings.Contains(f.Baseline, ",") {
			install = append(install, installSpec(manager, f.subject, f.Baseline))
		}
		c.Evidence = append(c.Evidence, line)
	}
	c.Summary = fmt.Sprintf("%d package(s) or tool(s) differ from the baseline", len(fs))
	c.Fix = "install the baseline's versions"
	if len(install) > 0 {
		shown := install[:min(6, len(install))]
		switch manager {
		case "dpkg":
			c.Fix += ": `apt-get install " + strings.Join(shown, " ") + "`"
		default:
			c.Fix += ": `yum install " + strings.Join(shown, " ") + "`"
		}
	}
	return []Cause{c}
}

func packageCompare(cmp cmpKind, a, b string) int {
	if cmp == cmpDpkg {
		return DpkgVersionCompare(a, b)
	}
	return RPMVersionCompare(a, b)
}

func installSpec(manager, name, version string) string {
	if manager == "dpkg" {
		return name + "=" + version
	}
	if i := strings.IndexByte(version, ':'); i >= 0 {
		version = version[i+1:]
	}
	return name + "-" + version
}

// relevantPackage reports whether a package is part of the mail stack.
func relevantPackage(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"mailscanner", "spamassassin", "clam", "perl", "sendmail", "postfix", "exim", "tnef"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// customProbe summarises a custom command probe's output line by line.
func customProbe(in Input) []Cause {
	byProbe := map[string][]Finding{}
	for _, f := range in.Findings {
		if strings.HasPrefix(f.Fact, "custom.") && f.Kind != Unknown {
			byProbe[f.subject] = append(byProbe[f.subject], f)
		}
	}
	var out []Cause
	for _, name := range slices.Sorted(maps.Keys(byProbe)) {
		c := Cause{Rule: "custom-probe", Severity: Warning}
		var removed, added []string
		for _, f := range byProbe[name] {
			c.Findings = append(c.Findings, f.Fact)
			if f.attr == "exit_code" {
				c.Evidence = append(c.Evidence, fmt.Sprintf("exit code %s (baseline %s)", orNone(f.Value), orNone(f.Baseline)))
				continue
			}
			removed, added = lineDiff(splitLines(f.Baseline), splitLines(f.Value))
		}
		for i, l := range removed {
			if i == 10 {
				c.Evidence = append(c.Evidence, fmt.Sprintf("- … %d more", len(removed)-10))
				break
			}
			c.Evidence = append(c.Evidence, "- "+capText(l, 200))
		}
		for i, l := range added {
			if i == 10 {
				c.Evidence = append(c.Evidence, fmt.Sprintf("+ … %d more", len(added)-10))
				break
			}
			c.Evidence = append(c.Evidence, "+ "+capText(l, 200))
		}
		c.Summary = fmt.Sprintf("custom probe %s differs: %d line(s) only on the baseline, %d only here", name, len(removed), len(added))
		c.Fix = fmt.Sprintf("compare the output of the %s command on both hosts and align what it checks", name)
		out = append(out, c)
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lineDiff returns the lines only in a and only in b, as multisets, in order.
func lineDiff(a, b []string) (onlyA, onlyB []string) {
	count := map[string]int{}
	for _, l := range b {
		count[l]++
	}
	for _, l := range a {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyA = append(onlyA, l)
		}
	}
	count = map[string]int{}
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyB = append(onlyB, l)
		}
	}
	return onlyA, onlyB
}
