package redact

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func testSnaps() []*fleet.Snapshot {
	return []*fleet.Snapshot{
		{Host: "mail1", Address: "192.0.2.11:22", User: "auditor", Status: fleet.HostOK,
			Facts: fleet.Facts{OS: &fleet.OS{Hostname: "mail1.example.com"},
				Custom: map[string]*fleet.Custom{"who": {Command: "who", Lines: []string{"alice pts/0 from 2001:db8::1"}}}}},
		{Host: "mail2", Address: "[2001:db8::2]:22", Status: fleet.HostOK,
			Facts: fleet.Facts{OS: &fleet.OS{Hostname: "mail2.example.com"},
				Config: &fleet.MailScannerConfig{Path: "/home/auditor/MailScanner.conf",
					Values: map[string]fleet.ConfigValue{"x": {Key: "X", Value: "AcmeCorp relay via smtp.partner.de"}}}}},
	}
}

// redactor returns a Redactor that has seen testSnaps.
func redactor(words ...string) *Redactor {
	r := New(words)
	r.Snapshots(testSnaps())
	return r
}

func TestText(t *testing.T) {
	r := redactor("AcmeCorp")
	tests := []struct{ in, want string }{
		{"ssh -v mail1", "ssh -v host-1"},
		{"mail1.example.com and mail2.example.com", "host-1.domain-1 and host-2.domain-1"},
		{"example.com, smtp.example.com.", "domain-1, smtp.domain-1."},
		{"mail10 is unknown, mail1-old and mail1.conf are not mail1", "mail10 is unknown, mail1-old and mail1.conf are not host-1"},
		{"192.0.2.11 and 2001:db8::1 and [2001:db8::2]:22", "ip-1 and ip-2 and [ip-3]:22"},
		{"/home/auditor/.cpan and auditor@192.0.2.99", "/home/user-1/.cpan and user-1@ip-4"},
		{"AcmeCorp-mail and ACMECORP", "word-1-mail and word-2"},
		{"Mail::SpamAssassin 3.4.6 at /usr/share/perl5/Mail/SpamAssassin.pm", "Mail::SpamAssassin 3.4.6 at /usr/share/perl5/Mail/SpamAssassin.pm"},
		{"version 1.2.3.4.5 and 18:05:01 and Net::DNS::RR::A6", "version 1.2.3.4.5 and 18:05:01 and Net::DNS::RR::A6"},
		{"127.0.0.1 ::1", "ip-5 ip-6"},
		{"relay smtp.partner.de", "relay smtp.partner.de"},
		{"SpamAssassin.cache.db and eicar.com", "SpamAssassin.cache.db and eicar.com"},
		{"password=x mail1", "password=[masked] host-1"},
		{"offered host key: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "offered host key: hostkey-1"},
		{"http://mail2.example.com/x and /srv/mail1/y", "http://host-2.domain-1/x and /srv/mail1/y"},
		{"Permission denied for bob@10.1.2.3; bob retried", "Permission denied for user-2@ip-7; user-2 retried"},
	}
	for _, tt := range tests {
		if got := r.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestWordsOfTheReportStay: a host may be called like a rule, a program or
// a file; those words are not the host (the findings).
func TestWordsOfTheReportStay(t *testing.T) {
	r := New(nil)
	r.Snapshots([]*fleet.Snapshot{{Host: "hang"}, {Host: "rpm"}, {Host: "mailscanner"}})
	for in, want := range map[string]string{
		"mailscanner-hang":                 "mailscanner-hang",
		"mailscanner_lint.errors":          "mailscanner_lint.errors",
		"/var/lib/rpm and rpm.conf":        "/var/lib/rpm and rpm.conf",
		"ssh -v rpm; host hang is down":    "ssh -v host-3; host host-1 is down",
		"Mail::mailscanner and rpm::Query": "Mail::mailscanner and rpm::Query",
	} {
		if got := r.Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOneTokenPerInventoryHost: cloned hosts reporting one hostname keep
// their own tokens, and the shared hostname gets a token of its own.
func TestOneTokenPerInventoryHost(t *testing.T) {
	snaps := []*fleet.Snapshot{
		{Host: "mail01", Facts: fleet.Facts{OS: &fleet.OS{Hostname: "clone"}}},
		{Host: "mail02", Facts: fleet.Facts{OS: &fleet.OS{Hostname: "clone"}}},
		{Host: "mail03", Facts: fleet.Facts{OS: &fleet.OS{Hostname: "localhost.localdomain"}}},
	}
	out := New(nil).Snapshots(snaps)[0]
	seen := map[string]bool{}
	for i, s := range out {
		if seen[s.Host] || !strings.HasPrefix(s.Host, "host-") {
			t.Errorf("host %d redacted to %q: want a token of its own", i, s.Host)
		}
		seen[s.Host] = true
	}
	if h := out[0].Facts.OS.Hostname; h != out[1].Facts.OS.Hostname || seen[h] {
		t.Errorf("shared hostname redacted to %q and %q: want one token, no host's", h, out[1].Facts.OS.Hostname)
	}
	if h := out[2].Facts.OS.Hostname; h != "localhost.localdomain" {
		t.Errorf("localhost.localdomain redacted to %q: it names nothing", h)
	}
}

// TestTokensSortLikeNames: inventory hosts are numbered in name order,
// zero-padded, so a majority baseline breaks ties the same way.
func TestTokensSortLikeNames(t *testing.T) {
	var snaps []*fleet.Snapshot
	for _, n := range []string{"zeta", "mail9", "mail10", "alpha", "b", "c", "d", "e", "f", "g", "h"} {
		snaps = append(snaps, &fleet.Snapshot{Host: n})
	}
	out := New(nil).Snapshots(snaps)[0]
	for i := range snaps {
		for j := range snaps {
			if (snaps[i].Host < snaps[j].Host) != (out[i].Host < out[j].Host) {
				t.Errorf("%s < %s is %v, but %s < %s is not", snaps[i].Host, snaps[j].Host, snaps[i].Host < snaps[j].Host, out[i].Host, out[j].Host)
			}
		}
	}
}

// TestFieldsByClass: identity fields become tokens, names the report is
// about stay, and free text is searched.
func TestFieldsByClass(t *testing.T) {
	s := &fleet.Snapshot{Host: "rpm", Address: "10.1.2.3:22", User: "auditor", Error: "dial tcp 10.1.2.3:22: connection refused for auditor@10.1.2.3",
		Security: fleet.Security{HostKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"},
		Probes:   map[string]fleet.ProbeResult{"packages": {Status: fleet.ProbeOK, Command: "rpm -qa", Error: "rpm: lost"}},
		Facts: fleet.Facts{Packages: &fleet.Packages{Manager: "rpm", Packages: []fleet.Package{{Name: "rpm", Version: "10.1.2.3"}}},
			Custom: map[string]*fleet.Custom{"ping": {Command: "ping -c1 10.9.9.9", Lines: []string{"rpm answers"}}}}}
	got := New(nil).Snapshots([]*fleet.Snapshot{s})[0][0]
	want := &fleet.Snapshot{Host: "host-1", Address: "ip-1:22", User: "user-1", Error: "dial tcp ip-1:22: connection refused for user-1@ip-1",
		Security: fleet.Security{HostKeyFingerprint: "hostkey-1"},
		Probes:   map[string]fleet.ProbeResult{"packages": {Status: fleet.ProbeOK, Command: "rpm -qa", Error: "host-1: lost"}},
		Facts: fleet.Facts{Packages: &fleet.Packages{Manager: "rpm", Packages: []fleet.Package{{Name: "rpm", Version: "10.1.2.3"}}},
			Custom: map[string]*fleet.Custom{"ping": {Command: "ping -c1 ip-2", Lines: []string{"host-1 answers"}}}}}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.MarshalIndent(got, "", " ")
		b, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("redacted snapshot:\n%s\nwant:\n%s", a, b)
	}
	if s.Host != "rpm" || s.Probes[fleet.ProbePackages].Error != "rpm: lost" {
		t.Error("Snapshots changed its input")
	}
}

// TestEveryFieldClassified keeps the class table honest: every field it
// names exists, so a renamed field cannot silently become free text.
func TestEveryFieldClassified(t *testing.T) {
	for ref := range fieldClasses {
		name := strings.TrimSuffix(ref.field, "[key]")
		f, ok := ref.t.FieldByName(name)
		if !ok {
			t.Errorf("%s has no field %s", ref.t, name)
			continue
		}
		if name != ref.field && f.Type.Kind() != reflect.Map {
			t.Errorf("%s.%s is not a map but its keys are classified", ref.t, name)
		}
	}
}

func TestMappingFile(t *testing.T) {
	r := redactor("AcmeCorp")
	out := r.Snapshots(testSnaps())[0]
	r.Text("AcmeCorp")
	path := filepath.Join(t.TempDir(), "map.json")
	if err := r.WriteMapping(path); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mapping file: %v, %v; want mode 0600", fi, err)
	}
	b, _ := os.ReadFile(path)
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	for _, e := range m.Tokens {
		if _, dup := values[e.Token]; dup {
			t.Errorf("token %s listed twice", e.Token)
		}
		values[e.Token] = e.Value
	}
	for tok, want := range map[string]string{out[0].Host: "mail1", "word-1": "AcmeCorp", "user-1": "auditor"} {
		if values[tok] != want {
			t.Errorf("mapping %s = %q, want %q", tok, values[tok], want)
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

func TestSnapshotsKeepTimesAndEnums(t *testing.T) {
	now := time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)
	in := []*fleet.Snapshot{{Host: "mail1", StartedAt: now, Status: fleet.HostPartial, User: "alice",
		Facts: fleet.Facts{Mounts: &fleet.Mounts{Paths: []fleet.PathMount{{Path: "/home/alice", NoExec: true}}}}}}
	out := New(nil).Snapshots(in)[0][0]
	if !out.StartedAt.Equal(now) || out.Status != fleet.HostPartial || !out.Facts.Mounts.Paths[0].NoExec {
		t.Errorf("Snapshots changed times, enumerations or booleans: %+v", out)
	}
	if got := out.Facts.Mounts.Paths[0].Path; got != "/home/user-1" {
		t.Errorf("home directory of a login user = %q, want /home/user-1", got)
	}
}
