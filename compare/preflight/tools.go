package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The programs an installer builds with: whether the host has them, the
// findings of those it lacks, and the rules that explain them.

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

// toolState is what a host says about the programs the installer needs.
type toolState struct {
	// absent are the needs none of whose programs is installed, and
	// absentTools their programs; unknown the needs not known to be met.
	absent, unknown []buildNeed
	absentTools     []string
	// found lists the needed programs found, with their paths.
	found []string
	// manager is the host's package manager (rpm, dpkg or unknown).
	manager string
	// why says why the unknown ones are unknown.
	why string
}

// toolsOf says which of the programs the installer needs are there;
// ok is false when the installer builds nothing on the host.
func toolsOf(in input) (ts toolState, ok bool) {
	if !buildsAnything(in) {
		return toolState{}, false
	}
	h := in.h
	need := buildNeeds(in.r)
	if p, ok := h.packages(); ok {
		ts.manager = p.Manager
		if p.BuildTools != nil {
			for _, q := range need {
				for _, t := range q {
					if path, ok := p.BuildTools.Found[t]; ok {
						ts.found = append(ts.found, t+" "+path)
					}
				}
			}
		}
	}
	ts.why = "the packages probe did not look for them: a snapshot from an older fleetcheck"
	if pr, ok := h.s.Probes[fleet.ProbePackages]; !ok {
		ts.why = "probe packages: not run"
	} else if !pr.Status.Known() {
		ts.why = fmt.Sprintf("probe packages: %s", pr.Status)
		if e := firstLine(pr.Error); e != "" {
			ts.why += ": " + e
		}
	}
	for _, q := range need {
		all, some := true, false
		for _, t := range q {
			switch h.buildTool(t) {
			case toolPresent:
				some = true
			case toolUnknown:
				all = false
			}
		}
		switch {
		case some:
		case all:
			ts.absent = append(ts.absent, q)
			ts.absentTools = append(ts.absentTools, q...)
		default:
			ts.unknown = append(ts.unknown, q)
		}
	}
	return ts, true
}

// toolFindings: a program the installer needs is known to be absent.
func toolFindings(in input) []compare.Finding {
	ts, _ := toolsOf(in)
	var out []compare.Finding
	for _, t := range ts.absentTools {
		out = append(out, compare.Finding{Fact: "preflight.tool." + t, Kind: compare.Missing, Baseline: "installed", Value: "not found", Probe: fleet.ProbePackages})
	}
	return out
}

// noCompiler (critical): a program the installer builds with is known to
// be absent.
func noCompiler(in input) []compare.Cause {
	ts, _ := toolsOf(in)
	if len(ts.absent) == 0 {
		return nil
	}
	var facts []string
	for _, f := range toolFindings(in) {
		facts = append(facts, f.Fact)
	}
	ev := []string{"not found on the host (command -v, /usr/bin, /usr/local/bin, /bin, /usr/sbin, /usr/local/sbin, /sbin): " + strings.Join(ts.absentTools, ", ")}
	if len(ts.found) > 0 {
		ev = append(ev, "found: "+strings.Join(ts.found, ", "))
	}
	ev = append(ev, "the installer compiles the bundled modules it builds with make and a C compiler and stops, or leaves them uninstalled, without them")
	return []compare.Cause{{Severity: compare.Critical,
		Summary:  fmt.Sprintf("%s not installed: the installer cannot build the modules", needNames(ts.absent)),
		Evidence: ev,
		Fix:      "install them before the upgrade: " + installCommand(ts.absentTools, ts.manager),
		Findings: facts}}
}

// buildToolsUnknown (info): whether the programs the installer needs are
// installed is not collected.
func buildToolsUnknown(in input) []compare.Cause {
	ts, _ := toolsOf(in)
	if len(ts.unknown) == 0 {
		return nil
	}
	var names []string
	for _, q := range ts.unknown {
		names = append(names, q...)
	}
	return []compare.Cause{{Severity: compare.Info,
		Summary:  fmt.Sprintf("unknown whether %s are installed: not collected", needNames(ts.unknown)),
		Evidence: []string{"the installer compiles modules with " + needNames(ts.unknown), ts.why},
		Fix: fmt.Sprintf("collect the host again (fleetcheck collect -i INVENTORY --probes packages %s), or check on the host: command -v %s; install what is missing before the upgrade",
			in.h.s.Host, strings.Join(names, " "))}}
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
func toolPackages(names []string) []string {
	var out []string
	for _, t := range names {
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
