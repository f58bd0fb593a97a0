package compare

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

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
	return []Cause{{Severity: Warning,
		Summary:  "the host is busy while the baseline is idle",
		Evidence: ev,
		Fix:      "see what burns CPU: `ps -eo pid,etime,time,args --sort=-time | head`; MailScanner children spinning at start-up point to the module causes above",
		Findings: factsOf(in.Findings, func(f Finding) bool {
			return (f.Probe == fleet.ProbeOS && f.attr == "load") || (f.Probe == fleet.ProbeProcesses && f.attr == "max_child_cpu_sec")
		})}}
}

// packageVersion lists installed packages and tools that differ.
func packageVersion(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool { return f.Probe == fleet.ProbePackages && f.Kind != Unknown })
	if len(fs) == 0 {
		return nil
	}
	manager := ""
	if p := in.Host.Facts.Packages; p != nil {
		manager = p.Manager
	}
	c := Cause{Severity: Info}
	var install []string
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fact)
		var line string
		switch {
		case f.attr == "manager":
			line = fmt.Sprintf("package manager %s here, %s on the baseline", orNone(f.Value), orNone(f.Baseline))
		case f.Kind == Missing:
			line = fmt.Sprintf("%s not installed (baseline %s)", f.subject, f.Baseline)
		case f.Kind == Extra:
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
