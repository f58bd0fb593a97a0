package compare

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func TestMailScannerAbsent(t *testing.T) {
	none := fleettest.NoMailScannerBox
	failed := none("failed", 3)
	failed.Probes[fleet.ProbeMailScannerVersion] = fleet.ProbeResult{Status: fleet.ProbeFailed}
	for _, tc := range []struct {
		s    *fleet.Snapshot
		want bool
	}{{none("a", 1), true}, {goodHost("b", 2), false}, {failed, false}, {unreachableBox("c"), false}} {
		if got := MailScannerAbsent(tc.s); got != tc.want {
			t.Errorf("MailScannerAbsent(%s) = %v, want %v", tc.s.Host, got, tc.want)
		}
	}
}

// TestNothingToAudit: a fleet without MailScanner says so first, in the
// report and its JSON, instead of reporting hosts as the baseline's equal.
func TestNothingToAudit(t *testing.T) {
	none := fleettest.NoMailScannerBox
	r, err := Compare([]*fleet.Snapshot{none("a", 1), none("b", 2)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Notice, "not installed on any assessed host") || r.Summary.MailScannerAbsent != 2 || !r.Hosts[1].MailScannerAbsent {
		t.Errorf("notice %q, summary %+v", r.Notice, r.Summary)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Notice string `json:"notice"`
		Hosts  []struct {
			Absent bool `json:"mailscanner_absent"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Notice != r.Notice || !doc.Hosts[0].Absent {
		t.Errorf("JSON notice %q, hosts %+v: %v", doc.Notice, doc.Hosts, err)
	}

	// one host of three: named, the others not
	r, err = Compare([]*fleet.Snapshot{goodHost("a", 1), none("b", 2), goodHost("c", 3)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Notice, "not installed on 1 host(s): b;") || r.Hosts[0].MailScannerAbsent || r.Hosts[2].MailScannerAbsent {
		t.Errorf("notice %q", r.Notice)
	}
	r, err = Compare([]*fleet.Snapshot{goodHost("a", 1), goodHost("c", 3)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil || r.Notice != "" {
		t.Errorf("notice %q with MailScanner everywhere (%v)", r.Notice, err)
	}
}

// TestNothingToAuditComparesSystemFacts: against a baseline with
// MailScanner, a host without it reports neither its missing MailScanner
// facts nor its Perl modules as differences (no finding): one cause says
// MailScanner is not installed, and its system facts are still compared.
// The same module differences on a host with MailScanner are causes.
func TestNothingToAuditComparesSystemFacts(t *testing.T) {
	// seed's Perl modules (Mail::ClamAV missing, Mail::SpamAssassin
	// broken), without MailScanner: bare has nothing else, noexec a noexec
	// /tmp as well.
	plain := func(name string, n int, noexec bool) *fleet.Snapshot {
		s := fleettest.NoMailScannerBox(name, n)
		s.Facts.PerlModules = fleettest.SeedBox(name, n).Facts.PerlModules
		if noexec {
			s.Facts.Mounts = fleettest.SeedBox(name, n).Facts.Mounts
		}
		return s
	}
	withMS := fleettest.GoodHost("withms", 4)
	withMS.Facts.PerlModules = fleettest.SeedBox("withms", 4).Facts.PerlModules
	r, err := Compare([]*fleet.Snapshot{goodHost("a", 1), plain("bare", 2, false), plain("noexec", 3, true), withMS},
		Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	rules := func(h HostReport) []string {
		var out []string
		for _, c := range h.Causes {
			out = append(out, c.Rule)
		}
		return out
	}
	bare, noexec, ms := r.Hosts[1], r.Hosts[2], r.Hosts[3]
	if !bare.MailScannerAbsent || !slices.Equal(rules(bare), []string{RuleMailScannerAbsent}) || len(bare.Findings)+len(bare.Unexplained) != 0 {
		t.Errorf("bare: absent %v, causes %v, findings %+v, unexplained %v", bare.MailScannerAbsent, rules(bare), bare.Findings, bare.Unexplained)
	}
	if c := bare.Causes[0]; c.Severity != Warning || !strings.Contains(c.Summary, "the baseline runs MailScanner 4.66.5") ||
		!slices.Contains(c.Evidence, "mailscanner_version: not_applicable") || !strings.Contains(c.Fix, "waive mailscanner-absent") {
		t.Errorf("bare: cause %+v", c)
	}
	for _, f := range noexec.Findings {
		if slices.Contains(mailScannerProbes, f.Probe) {
			t.Errorf("noexec: finding of %s: %+v", f.Probe, f)
		}
	}
	if got := rules(noexec); !slices.Equal(got, []string{RuleMailScannerAbsent, "tmp-noexec"}) {
		t.Errorf("noexec: causes %v, want mailscanner-absent and tmp-noexec", got)
	}
	if got := rules(ms); !slices.Contains(got, "perl-module-missing") {
		t.Errorf("with MailScanner: causes %v, want perl-module-missing", got)
	}
	if r.Summary.Differing != 3 || r.Summary.MailScannerAbsent != 2 {
		t.Errorf("summary %+v, want 3 differing (bare, noexec, withms), 2 without MailScanner", r.Summary)
	}

	// Against a baseline without MailScanner, a host without it has nothing
	// of MailScanner to differ in.
	r, err = Compare([]*fleet.Snapshot{plain("a", 1, false), plain("bare", 2, false)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(r.Hosts[1]); len(got) != 0 {
		t.Errorf("bare against a baseline without MailScanner: causes %v", got)
	}
}
