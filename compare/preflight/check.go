package preflight

import (
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
// build) are marked noise so they never change the exit code. The causes
// are assembled and ranked by compare's engine, as in compare's reports.
// now is the report's time; zero means time.Now().
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

// checkHost explains one assessed host with the preflight rules. A
// finding that only info causes cover is noise: what the installer will
// simply do.
func checkHost(r *Release, s *fleet.Snapshot) compare.HostReport {
	in := newInput(r, s)
	hr := compare.HostReport{Host: s.Host, Status: s.Status, Error: s.Error, Findings: in.findings(), MailScannerAbsent: compare.MailScannerAbsent(s)}
	hr.Causes, hr.Unexplained = table.Explain(in, hr.Findings)
	serious, covered := map[string]bool{}, map[string]bool{}
	for _, c := range hr.Causes {
		for _, f := range c.Findings {
			covered[f] = true
			serious[f] = serious[f] || c.Severity != compare.Info
		}
	}
	for i := range hr.Findings {
		f := &hr.Findings[i]
		f.Noise = covered[f.Fact] && !serious[f.Fact]
	}
	return hr
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
