package compare

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// MailScannerAbsent reports whether MailScanner is not installed on an
// assessed host: the mailscanner_version probe found no MailScanner
// program and mailscanner_config no MailScanner.conf (not applicable, or
// not run). A probe that failed or was skipped leaves it unknown: false.
func MailScannerAbsent(s *fleet.Snapshot) bool {
	if s == nil || !s.Status.Assessed() || s.Facts.MailScanner != nil || s.Facts.Config != nil {
		return false
	}
	v, ok := s.Probes[fleet.ProbeMailScannerVersion]
	if !ok || v.Status != fleet.ProbeNotApplicable {
		return false
	}
	c, ok := s.Probes[fleet.ProbeMailScannerConfig]
	return !ok || c.Status == fleet.ProbeNotApplicable || c.Status == fleet.ProbeSkipped
}

// mailScannerProbes are the probes whose facts describe MailScanner: its
// program, its configuration, its lint, its processes and the Perl modules
// it loads (the modules perl_modules inspects are MailScanner's lists). On
// a host without MailScanner they say nothing about what is there, so they
// are not compared.
var mailScannerProbes = []string{fleet.ProbeMailScannerVersion, fleet.ProbeMailScannerConfig,
	fleet.ProbeMailScannerLint, fleet.ProbeProcesses, fleet.ProbePerlModules}

// systemFindings drops the findings of mailScannerProbes: what is left of
// a host without MailScanner to compare.
func systemFindings(fs []Finding) []Finding {
	return slices.DeleteFunc(fs, func(f Finding) bool { return slices.Contains(mailScannerProbes, f.Probe) })
}

// mailScannerAbsent explains a host without MailScanner when the
// baseline runs it: in a fleet of mail gateways, mail this host takes is
// not scanned, or the host was never meant to scan it, and a waiver of
// this rule for it says so. When the baseline has no MailScanner either,
// there is nothing to compare and the report's notice says why.
func mailScannerAbsent(in Input) []Cause {
	if !MailScannerAbsent(in.Host) || in.Base == nil || MailScannerAbsent(in.Base) || in.Base.Facts.MailScanner == nil {
		return nil
	}
	bm := in.Base.Facts.MailScanner
	product := cmp.Or(bm.Product, "MailScanner")
	c := Cause{
		Severity: Warning,
		Summary:  fmt.Sprintf("%s is not installed here; the baseline runs %s %s", product, product, bm.Version),
	}
	for _, name := range []string{fleet.ProbeMailScannerVersion, fleet.ProbeMailScannerConfig} {
		if r, ok := in.Host.Probes[name]; ok {
			c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s", name, r.Status))
		}
	}
	c.Evidence = append(c.Evidence, fmt.Sprintf("baseline: %s %s (%s)", product, bm.Version, bm.Path))
	c.Fix = fmt.Sprintf("install %s %s with the baseline's installer and configuration; if this host is not meant to scan mail, take it out of the inventory or waive %s for it", product, bm.Version, RuleMailScannerAbsent)
	return []Cause{c}
}

// maxNoticeHosts bounds the hosts a notice names.
const maxNoticeHosts = 10

// notice is what a report says first when MailScanner is not installed on
// some or all of its assessed hosts; "" when it is installed everywhere.
func notice(r *Report) string {
	var absent []string
	for _, h := range r.Hosts {
		if h.MailScannerAbsent {
			absent = append(absent, h.Host)
		}
	}
	switch {
	case len(absent) == 0:
		return ""
	case len(absent) == r.Summary.Assessed:
		return "MailScanner is not installed on any assessed host (no MailScanner program, no MailScanner.conf): there is nothing of MailScanner to audit; only the system facts were compared"
	}
	names := strings.Join(absent[:min(len(absent), maxNoticeHosts)], ", ")
	if len(absent) > maxNoticeHosts {
		names += fmt.Sprintf(" and %d more", len(absent)-maxNoticeHosts)
	}
	return fmt.Sprintf("MailScanner is not installed on %d host(s): %s; nothing of MailScanner was audited there, only the system facts were compared", len(absent), names)
}
