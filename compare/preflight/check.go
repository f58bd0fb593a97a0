package preflight

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// BaselineRelease is the baseline kind of a preflight report: every host
// is compared with what a release installs.
const BaselineRelease = "release"

// Check tells, for every snapshot, what the release's installer will do to
// each bundled module and what on the host will make it fail. Hosts keep
// their input order; nil snapshots are skipped; r must not be nil. A host
// needs attention (HostReport.Differs, exit code 1) when it has a cause of
// severity warning or critical: findings such a cause covers are real
// findings, the others (modules the installer will simply upgrade or
// build) are marked noise so they never change the exit code. now is the
// report's time; zero means time.Now().
func Check(r *Release, snaps []*fleet.Snapshot, now time.Time) *compare.Report {
	if now.IsZero() {
		now = time.Now()
	}
	rep := &compare.Report{
		Baseline:    compare.BaselineInfo{Kind: BaselineRelease, Source: r.Path, Note: r.Describe()},
		GeneratedAt: now.UTC(),
		Hosts:       make([]compare.HostReport, 0, len(snaps)),
	}
	for _, s := range snaps {
		if s == nil {
			continue
		}
		if !s.Status.Assessed() {
			rep.Hosts = append(rep.Hosts, notAssessed(s))
			continue
		}
		rep.Hosts = append(rep.Hosts, checkHost(r, s))
	}
	rep.Summarise()
	return rep
}

// notAssessed explains a host that could not be reached, with compare's
// own host rules.
func notAssessed(s *fleet.Snapshot) compare.HostReport {
	hr := compare.HostReport{Host: s.Host, Status: s.Status, Error: s.Error, Findings: []compare.Finding{}}
	hr.Causes, hr.Unexplained = hostTable.Explain(compare.NewInput(s, nil, nil), nil)
	return hr
}

// checkHost runs every check on one assessed host.
func checkHost(r *Release, s *fleet.Snapshot) compare.HostReport {
	h := newHost(s)
	mods := make([]module, 0, len(r.Dists))
	for _, d := range r.Dists {
		mods = append(mods, assess(h, r, d))
	}
	var res result
	for _, m := range mods {
		if f, ok := m.finding(r.Kind); ok {
			res.findings = append(res.findings, f)
		}
	}
	res.add(wrongInstaller(r, h))
	res.add(tmpNoexec(r, h, mods))
	res.add(buildToolsCheck(r, h, mods))
	res.add(perlTooOld(r, h))
	res.add(belowMinimum(r, h, mods))
	res.add(moduleConflict(r, h, mods))
	res.add(moduleShadowed(r, h, mods))
	res.add(moduleBroken(r, mods))
	res.add(requirementUnmet(r, mods))
	res.add(unknownFacts(r, h, mods))
	res.add(mailScannerVersion(r, h))
	res.add(moduleUpgrade(r, mods))
	res.add(moduleRebuild(mods))
	res.add(moduleBuild(r, mods))
	res.add(moduleCurrent(r, mods))
	return hostReport(s, res)
}

// hostReport assembles one host's report: findings unique and sorted by
// fact, causes ranked, noise and unexplained findings marked.
func hostReport(s *fleet.Snapshot, res result) compare.HostReport {
	hr := compare.HostReport{Host: s.Host, Status: s.Status, Error: s.Error,
		Causes: res.causes, Findings: []compare.Finding{}, Unexplained: []string{}}
	seen := map[string]bool{}
	for _, f := range res.findings {
		if !seen[f.Fact] {
			seen[f.Fact] = true
			hr.Findings = append(hr.Findings, f)
		}
	}
	slices.SortFunc(hr.Findings, func(a, b compare.Finding) int { return strings.Compare(a.Fact, b.Fact) })
	if hr.Causes == nil {
		hr.Causes = []compare.Cause{}
	}
	serious, covered := map[string]bool{}, map[string]bool{}
	for i := range hr.Causes {
		c := &hr.Causes[i]
		normalise(c)
		for _, f := range c.Findings {
			covered[f] = true
			if c.Severity != compare.Info {
				serious[f] = true
			}
		}
	}
	for i := range hr.Findings {
		f := &hr.Findings[i]
		f.Noise = covered[f.Fact] && !serious[f.Fact]
		if !covered[f.Fact] {
			hr.Unexplained = append(hr.Unexplained, f.Fact)
		}
	}
	rank(hr.Causes)
	return hr
}

// normalise gives a cause non-nil lists and sorted, unique findings.
func normalise(c *compare.Cause) {
	if c.Evidence == nil {
		c.Evidence = []string{}
	}
	c.Findings = slices.Compact(slices.Sorted(slices.Values(c.Findings)))
	if c.Findings == nil {
		c.Findings = []string{}
	}
}

// rank orders causes as compare does: severity, then findings covered,
// then rule order, then summary.
func rank(causes []compare.Cause) {
	order := map[string]int{}
	for i, id := range Rules() {
		order[id] = i
	}
	slices.SortStableFunc(causes, func(a, b compare.Cause) int {
		return cmp.Or(
			cmp.Compare(a.Severity.Rank(), b.Severity.Rank()),
			cmp.Compare(len(b.Findings), len(a.Findings)),
			cmp.Compare(order[a.Rule], order[b.Rule]),
			strings.Compare(a.Summary, b.Summary),
		)
	})
}

// Hosts sorts a preflight report's hosts into ready (assessed, nothing of
// severity warning or above), needing attention, and not assessed, in
// report order.
func Hosts(r *compare.Report) (ready, attention, notAssessed []string) {
	for i := range r.Hosts {
		h := &r.Hosts[i]
		switch {
		case !h.Status.Assessed():
			notAssessed = append(notAssessed, h.Host)
		case h.Differs():
			attention = append(attention, h.Host)
		default:
			ready = append(ready, h.Host)
		}
	}
	return ready, attention, notAssessed
}
