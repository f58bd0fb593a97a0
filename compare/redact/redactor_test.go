package redact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func testSnaps() []*fleet.Snapshot {
	return []*fleet.Snapshot{
		{Host: "mail1", Address: "192.0.2.11:22", Status: fleet.HostOK,
			Facts: fleet.Facts{OS: &fleet.OS{Hostname: "mail1.example.com"},
				Custom: map[string]*fleet.Custom{"who": {Command: "who", Lines: []string{"alice pts/0 from 2001:db8::1"}}}}},
		{Host: "mail2", Address: "[2001:db8::2]:22", Status: fleet.HostOK,
			Facts: fleet.Facts{OS: &fleet.OS{Hostname: "mail2.example.com"},
				Config: &fleet.MailScannerConfig{Path: "/home/alice/MailScanner.conf",
					Values: map[string]fleet.ConfigValue{"x": {Key: "X", Value: "AcmeCorp relay via smtp.partner.de"}}}}},
	}
}

func TestText(t *testing.T) {
	r := New([]string{"AcmeCorp"})
	r.Report(nil, testSnaps())
	tests := []struct{ in, want string }{
		{"ssh -v mail1", "ssh -v host-1"},
		{"mail1.example.com and MAIL2.Example.COM", "host-1.domain-1 and host-2.domain-1"},
		{"example.com", "domain-1"},
		{"mail10 is unknown, mail1-old is not", "mail10 is unknown, host-1-old is not"},
		{"192.0.2.11 and 2001:DB8:0::1 and [2001:db8::2]:22", "ip-1 and ip-3 and [ip-2]:22"},
		{"/home/alice/.cpan", "/home/user-1/.cpan"},
		{"acmecorp-mail", "word-1-mail"},
		{"Mail::SpamAssassin 3.4.6 at /usr/share/perl5/Mail/SpamAssassin.pm", "Mail::SpamAssassin 3.4.6 at /usr/share/perl5/Mail/SpamAssassin.pm"},
		{"version 1.2.3.4.5 and 18:05:01 and Net::DNS::RR::A6", "version 1.2.3.4.5 and 18:05:01 and Net::DNS::RR::A6"},
		{"127.0.0.1 ::1", "127.0.0.1 ::1"},
		{"relay smtp.partner.de", "relay host-3.domain-2"},
		{"password=x mail1", "password=[masked] host-1"},
		{"offered host key: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "offered host key: hostkey-1"},
	}
	for _, tt := range tests {
		if got := r.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSameLabelOtherDomain(t *testing.T) {
	r := New(nil)
	r.Report(nil, []*fleet.Snapshot{{Host: "mail1.a.example"}, {Host: "mail1.b.example"}, {Host: "mx", Facts: fleet.Facts{OS: &fleet.OS{Hostname: "mail1.a.example"}}}})
	if got, want := r.Text("mail1.a.example mail1.b.example mx"), "host-1.domain-1 host-2.domain-2 host-1"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
}

func TestReportDeepCopy(t *testing.T) {
	snaps := testSnaps()
	rep := &compare.Report{Baseline: compare.BaselineInfo{Kind: "host", Host: "mail1", Note: "compared with host mail1"},
		Hosts: []compare.HostReport{{Host: "mail2", Status: fleet.HostOK,
			Causes:   []compare.Cause{{Rule: "config-drift", Severity: compare.Warning, Summary: "X differs on mail2", Evidence: []string{"X = AcmeCorp (baseline none) at /home/alice/MailScanner.conf:3"}}},
			Findings: []compare.Finding{{Fact: "mailscanner_config.x", Kind: compare.Changed, Value: "AcmeCorp"}}}}}
	before, _ := json.Marshal(struct {
		R *compare.Report
		S []*fleet.Snapshot
	}{rep, snaps})
	r := New([]string{"AcmeCorp"})
	out, outSnaps := r.Report(rep, snaps)
	after, _ := json.Marshal(struct {
		R *compare.Report
		S []*fleet.Snapshot
	}{rep, snaps})
	if string(before) != string(after) {
		t.Fatal("Report changed its input")
	}
	b, _ := json.Marshal(struct {
		R *compare.Report
		S []*fleet.Snapshot
	}{out, outSnaps})
	for _, orig := range []string{"mail1", "mail2", "example.com", "192.0.2.11", "2001:db8::", "alice", "AcmeCorp", "partner.de"} {
		if strings.Contains(strings.ToLower(string(b)), strings.ToLower(orig)) {
			t.Errorf("redacted JSON still holds %q:\n%s", orig, b)
		}
	}
	if out.Hosts[0].Causes[0].Severity != compare.Warning || out.Hosts[0].Host != "host-2" {
		t.Errorf("redacted host = %q severity %q, want host-2 warning", out.Hosts[0].Host, out.Hosts[0].Causes[0].Severity)
	}

	path := filepath.Join(t.TempDir(), "map.json")
	if err := r.WriteMapping(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mapping mode = %v, want 0600", fi.Mode().Perm())
	}
	m, _ := os.ReadFile(path)
	for _, orig := range []string{"mail1.example.com", "192.0.2.11", "alice", "AcmeCorp"} {
		if !strings.Contains(string(m), orig) {
			t.Errorf("mapping lacks %q:\n%s", orig, m)
		}
	}
}

func TestSanitize(t *testing.T) {
	rep := &compare.Report{Hosts: []compare.HostReport{{Host: "mail1", Causes: []compare.Cause{{Evidence: []string{"lint: \x1b[1mpassword = hunter2\x1b[0m"}}}}}}
	out, _ := Sanitize(rep, nil)
	if got := out.Hosts[0].Causes[0].Evidence[0]; got != "lint: password = [masked]" {
		t.Errorf("Sanitize evidence = %q", got)
	}
	if out.Hosts[0].Host != "mail1" {
		t.Errorf("Sanitize changed the host name to %q", out.Hosts[0].Host)
	}
}

func TestReportKeepsTimesAndEnums(t *testing.T) {
	now := time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)
	rep := &compare.Report{GeneratedAt: now, Hosts: []compare.HostReport{{Host: "mail1", Status: fleet.HostPartial,
		Findings: []compare.Finding{{Fact: "mounts./home/alice.noexec", Kind: compare.Changed, Value: "true"}}}}}
	out, _ := New(nil).Report(rep, []*fleet.Snapshot{{Host: "mail1", StartedAt: now}})
	if !out.GeneratedAt.Equal(now) || out.Hosts[0].Status != fleet.HostPartial || out.Hosts[0].Findings[0].Kind != compare.Changed {
		t.Errorf("Report changed times or enumerations: %+v", out)
	}
	if got := out.Hosts[0].Findings[0].Fact; got != "mounts./home/user-1.noexec" {
		t.Errorf("redacted fact = %q, want mounts./home/user-1.noexec", got)
	}
}
