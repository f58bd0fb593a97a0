package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestTableStripsTerminalEscapes(t *testing.T) {
	r := &compare.Report{
		Baseline: compare.BaselineInfo{Kind: compare.BaselineHost, Host: "a"},
		Hosts: []compare.HostReport{{Host: "b", Status: fleet.HostOK, Causes: []compare.Cause{{
			Rule: "custom-probe", Severity: compare.Warning, Summary: "x\x1b[2J",
			Evidence: []string{"+ \x1b]0;owned\x07line", "+ spoofed\n== a (ok) =="}, Fix: "f\x9b31m\u009b",
		}}, Findings: []compare.Finding{{Fact: "custom.x", Kind: compare.Changed, Baseline: "a", Value: "\x1b[31mred"}}}},
	}
	var out bytes.Buffer
	if err := Table(&out, r, TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "\x1b[2J") || strings.Contains(s, "\x1b]0") || strings.Contains(s, "\x9b") || strings.Contains(s, "\x1b[31mred") {
		t.Errorf("terminal escapes from host text reached the output: %q", s)
	}
	if !strings.Contains(s, "\x1b[33m[WARNING]") {
		t.Errorf("our own colour was stripped: %q", s)
	}
	for _, want := range []string{" custom-probe: x\n", "\n    + line\n", " fix: f\uFFFD31m\n", "\n    + spoofed?== a (ok) ==\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("the output lacks %q, the host text made safe and kept on its line: %q", want, s)
		}
	}
}

// pivotReport has a baseline, a host equal to it, a host with a CPAN
// Archive::Zip and its submodules, and n hosts that each differ in a long
// path of their own.
func pivotReport(n int) *compare.Report {
	r := &compare.Report{Baseline: compare.BaselineInfo{Kind: compare.BaselineHost, Host: "mail01"}}
	r.Hosts = append(r.Hosts,
		compare.HostReport{Host: "mail01", Status: fleet.HostOK, Baseline: true},
		compare.HostReport{Host: "mail02", Status: fleet.HostOK})
	zip := compare.HostReport{Host: "mail03", Status: fleet.HostOK, Causes: []compare.Cause{{Rule: "perl-module-shadowed", Severity: compare.Critical, Summary: "x"}}}
	zip.Findings = append(zip.Findings, compare.Finding{Fact: "perl_modules.Archive::Zip.path", Kind: compare.Changed,
		Baseline: "/usr/share/perl5/Archive/Zip.pm", Value: "/usr/local/share/perl/5.36.0/Archive/Zip.pm", Probe: fleet.ProbePerlModules})
	for _, p := range []string{"Archive", "Member", "Tree", "ZipFileMember"} {
		zip.Findings = append(zip.Findings, compare.Finding{Fact: "perl_modules.Archive::Zip::" + p + ".copies", Kind: compare.Extra, Value: "2", Probe: fleet.ProbePerlModules})
	}
	r.Hosts = append(r.Hosts, zip)
	for i := range n {
		h := compare.HostReport{Host: fmt.Sprintf("mail%02d", 10+i), Status: fleet.HostOK}
		h.Findings = []compare.Finding{{Fact: "perl_modules.Net::DNS.path", Kind: compare.Changed, Probe: fleet.ProbePerlModules,
			Baseline: "/usr/share/perl5/Net/DNS.pm", Value: fmt.Sprintf("/opt/site%02d/lib/perl5/5.36.0/x86_64-linux/Net/DNS.pm", i)}}
		r.Hosts = append(r.Hosts, h)
	}
	return r
}

func TestPivotFitsAndSaysWhatItLeavesOut(t *testing.T) {
	var out bytes.Buffer
	if err := Table(&out, pivotReport(12), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	header := ""
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "| fact ") {
			header = l
		}
		if strings.HasPrefix(l, "|") && header != "" && displayWidth(l) > DefaultWidth {
			t.Errorf("line of %d runes: %s", displayWidth(l), l)
		}
	}
	if strings.Contains(header, "mail02") || strings.Contains(header, "mail01 ") && !strings.Contains(header, "baseline mail01") {
		t.Errorf("hosts equal to the baseline have a column: %s", header)
	}
	if !strings.Contains(s, "same as the baseline in every row: mail[01-02] (2)") {
		t.Errorf("hosts equal to the baseline are not named:\n%s", s)
	}
	if !strings.Contains(header, "| mail03 ") || !strings.Contains(s, "perl_modules.Archive::Zip::*.copies ×4") {
		t.Errorf("the critical host's column or the folded submodule row is missing:\n%s", s)
	}
	if !strings.Contains(s, "more host group(s) not shown for width") || !strings.Contains(s, "`--format markdown`") || !strings.Contains(s, "`--host NAME`") {
		t.Errorf("no note on the host groups left out:\n%s", s)
	}
	if !strings.Contains(s, "/usr/local/…") {
		t.Errorf("paths lost the directory that tells CPAN from packages:\n%s", s)
	}
	// Wide enough, every group shows and nothing is left out.
	out.Reset()
	if err := Table(&out, pivotReport(12), TableOptions{Width: 1000}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "not shown") || !strings.Contains(s, "| mail21 ") {
		t.Errorf("wide table leaves out hosts:\n%s", s)
	}
}

func TestFocusedTableShowsTheHost(t *testing.T) {
	var out bytes.Buffer
	if err := Table(&out, pivotReport(12), TableOptions{Host: "mail15"}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	// One host leaves room: the values and the baseline's show in full.
	if !strings.Contains(s, "| mail15 ") || strings.Contains(s, "not shown") || strings.Contains(s, "mail03") ||
		!strings.Contains(s, "| /opt/site05/lib/perl5/5.36.0/x86_64-linux/Net/DNS.pm |") || !strings.Contains(s, "| /usr/share/perl5/Net/DNS.pm ") {
		t.Errorf("focused table:\n%s", s)
	}
}

// TestSectionsFoldHostsThatDifferInTheirNames checks that unreachable hosts
// whose causes differ only in their own names share one section, which
// says whose texts it shows, as the ticket formats do.
func TestSectionsFoldHostsThatDifferInTheirNames(t *testing.T) {
	r := &compare.Report{Baseline: compare.BaselineInfo{Kind: compare.BaselineHost, Host: "mail01"}}
	r.Hosts = append(r.Hosts, compare.HostReport{Host: "mail01", Status: fleet.HostOK, Baseline: true})
	for _, name := range []string{"mail02", "mail03", "mail04"} {
		r.Hosts = append(r.Hosts, compare.HostReport{Host: name, Status: fleet.HostUnreachable, Causes: []compare.Cause{{
			Rule: "host-unreachable", Severity: compare.Critical, Summary: "host unreachable",
			Evidence: []string{"status: unreachable"}, Fix: "check sshd answers: `ssh -v " + name + "`"}}})
	}
	var out bytes.Buffer
	if err := Table(&out, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if n := strings.Count(s, "\n== "); n != 1 || !strings.Contains(s, "\n== mail[02-04] (unreachable) ==\ntexts shown for mail02;") ||
		!strings.Contains(s, "`ssh -v mail02`") || strings.Contains(s, "ssh -v mail03") {
		t.Errorf("%d sections; want one for mail[02-04] showing mail02's texts:\n%s", n, s)
	}
}
