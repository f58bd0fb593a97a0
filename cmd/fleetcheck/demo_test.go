package main

import (
	"strings"
	"testing"
)

// TestDemoExplainsTheSeed runs the demo over real (in-process) SSH and
// checks that its explanation still names the seed's causes.
func TestDemoExplainsTheSeed(t *testing.T) {
	code, out, stderr := runCLI(t, map[string]string{}, "demo", "--format", "json", "--hosts", "8")
	if code != exitOK {
		t.Fatalf("demo exit %d\n%s", code, stderr)
	}
	rep := parseReport(t, out)
	if len(rep.Hosts) != 8 || rep.Baseline.Host != "mail01" {
		t.Fatalf("demo report: %d hosts, baseline %q", len(rep.Hosts), rep.Baseline.Host)
	}
	rules := map[string]map[string]string{}
	for _, h := range rep.Hosts {
		rules[h.Host] = map[string]string{}
		for _, c := range h.Causes {
			rules[h.Host][c.Rule] += c.Summary + "\n" + strings.Join(c.Evidence, "\n")
		}
	}
	for host, want := range map[string][]string{
		"mail02": {"tmp-noexec", "perl-module-missing"},
		"mail03": {"perl-module-shadowed"},
		"mail04": {"mailscanner-hang"},
		"mail05": {"perl-module-source"},
		"mail06": {"mailscanner-lint-died", "perl-module-shadowed"},
		"mail07": {"dns-resolver"},
	} {
		for _, rule := range want {
			if _, ok := rules[host][rule]; !ok {
				t.Errorf("%s: causes %v lack %s", host, keys(rules[host]), rule)
			}
		}
	}
	if ev := rules["mail02"]["perl-module-missing"]; !strings.Contains(ev, "Mail::SpamAssassin") || !strings.Contains(ev, "Mail::ClamAV") {
		t.Errorf("mail02 perl-module-missing does not name Mail::SpamAssassin and Mail::ClamAV:\n%s", ev)
	}
	if ev := rules["mail06"]["mailscanner-lint-died"]; !strings.Contains(ev, "Archive::Zip::setErrorHandler") {
		t.Errorf("mail06 mailscanner-lint-died does not quote perl:\n%s", ev)
	}
	if ev := rules["mail06"]["perl-module-shadowed"]; !strings.Contains(ev, "MailScanner --lint dies in this module") {
		t.Errorf("mail06 perl-module-shadowed does not link the death:\n%s", ev)
	}
	if ev := rules["mail07"]["dns-resolver"]; !strings.Contains(ev, "the first nameserver") || !strings.Contains(ev, ": no answer after 30") {
		t.Errorf("mail07 dns-resolver does not say which nameserver is silent:\n%s", ev)
	}
	for _, host := range []string{"mail01", "mail08"} {
		if len(rules[host]) != 0 {
			t.Errorf("%s is a copy of the baseline but has causes %v", host, keys(rules[host]))
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
