package fleet

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const waiverInventory = `groups:
  mx: [mail1, mail2, mail3]
hosts: [mail1, mail2, mail3, mail4, mail6]
waivers:
  - hosts: [mail6, "mail[1-2]"]
    rule: config-drift
    fact: "mailscanner_config.maxchildren"
    reason: bigger box, runs 30 children
    owner: ops@example.com
    expires: 2027-03-31
  - {hosts: "mx,!mail2", fact: "mounts./tmp.*", reason: r, owner: o, expires: 2025-01-31}
`

func TestInventoryWaivers(t *testing.T) {
	inv, err := ParseInventory("inv.yaml", strings.NewReader(waiverInventory))
	if err != nil {
		t.Fatal(err)
	}
	want := []Waiver{
		{File: "inv.yaml", Line: 5, Hosts: []string{"mail6", "mail[1-2]"}, HostNames: []string{"mail1", "mail2", "mail6"},
			Rule: "config-drift", Fact: "mailscanner_config.maxchildren", Reason: "bigger box, runs 30 children",
			Owner: "ops@example.com", Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)},
		{File: "inv.yaml", Line: 11, Hosts: []string{"mx,!mail2"}, HostNames: []string{"mail1", "mail3"},
			Fact: "mounts./tmp.*", Reason: "r", Owner: "o", Expires: time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, inv.Waivers); diff != "" {
		t.Errorf("waivers (-want +got):\n%s", diff)
	}
	w := inv.Waivers[1]
	for _, c := range []struct {
		now     string
		expired bool
	}{{"2025-01-31T00:00:00Z", false}, {"2025-01-31T23:59:59Z", false}, {"2025-02-01T00:00:00Z", true}, {"2025-02-01T00:30:00+01:00", false}} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := w.Expired(now); got != c.expired {
			t.Errorf("Expired(%s) = %v, want %v", c.now, got, c.expired)
		}
	}
	if !w.MatchesFact("mounts./tmp.noexec") || w.MatchesFact("mounts./var/tmp.noexec") || w.Source() != "inv.yaml:11" {
		t.Errorf("fact glob or source wrong: %+v", w)
	}
	if !w.Covers("mail3") || w.Covers("mail2") {
		t.Errorf("hosts wrong: %v", w.HostNames)
	}
}

// TestWaiverErrors: every bad waiver is an inventory error at its line,
// all reported in one pass with the inventory's other errors.
func TestWaiverErrors(t *testing.T) {
	src := `hosts: [mail1, mail2]
hots: x
waivers:
  - hosts: [mail1]
    reason: no rule or fact
    owner: o
    expires: 2027-01-01
  - hosts: [mail9, "db*", "mail[3-1]"]
    rule: config-drift
    reason: r
    owner: o
    expires: 31/03/2027
  - {hosts: [mail1], rule: Config_Drift, reason: r, owner: o, expires: 2027-01-01, until: never}
  - {hosts: [], rule: x, reason: r, owner: o, expires: 2027-02-30}
  - {rule: config-drift}
  - just a string
`
	_, err := ParseInventory("inv.yaml", strings.NewReader(src))
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		`inv.yaml:2: unknown key "hots" (want ssh_config, known_hosts, baseline, defaults, groups, hosts, probes, perl_modules, waivers)`,
		`inv.yaml:4: waivers[0]: a waiver needs hosts, rule or fact, reason, owner and expires; missing rule or fact`,
		`inv.yaml:8: waivers[1]: hosts: no host or group named "mail9"`,
		`inv.yaml:8: waivers[1]: hosts: pattern "db*" matches no inventory host`,
		`inv.yaml:8: waivers[1]: hosts: bad host pattern "mail[3-1]": range item "3-1" runs backwards`,
		`inv.yaml:12: waivers[1]: expires "31/03/2027" is not a date such as 2027-03-31`,
		`inv.yaml:13: waivers[2]: rule "Config_Drift" is not a rule id (such as config-drift)`,
		`inv.yaml:13: waivers[2]: unknown key "until" (want hosts, rule, fact, reason, owner, expires)`,
		`inv.yaml:14: waivers[3]: expires "2027-02-30" is not a date such as 2027-03-31`,
		`inv.yaml:14: waivers[3]: hosts: the list is empty`,
		`inv.yaml:15: waivers[4]: a waiver needs hosts, rule or fact, reason, owner and expires; missing hosts, reason, owner and expires`,
		`inv.yaml:16: waivers[5]: want a mapping, got "just a string"`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestWaiversFile(t *testing.T) {
	inv, err := ParseInventory("inv.yaml", strings.NewReader(waiverInventory))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := ParseWaivers("w.yaml", strings.NewReader("# kept apart\nwaivers:\n  - {hosts: [mail4], rule: tmp-noexec, reason: r, owner: o, expires: 2030-01-01}\n"), inv)
	if err != nil || len(ws) != 1 || ws[0].Source() != "w.yaml:3" || ws[0].HostNames[0] != "mail4" {
		t.Fatalf("ParseWaivers = %+v, %v", ws, err)
	}
	for src, want := range map[string]string{
		"hosts: [a]\n": `w.yaml:1: unknown key "hosts" (a waivers file holds only waivers:)`,
		"{}\n":         `w.yaml:1: no waivers: list`,
		"- a\n":        `w.yaml: want a mapping with a waivers: list`,
		"waivers: [\n": `w.yaml:1: syntax error: did not find expected node content`,
		"waivers:\n  - {hosts: [nope], rule: tmp-noexec, reason: r, owner: o, expires: 2030-01-01}\n": `w.yaml:2: waivers[0]: hosts: no host or group named "nope"`,
	} {
		if _, err := ParseWaivers("w.yaml", strings.NewReader(src), inv); err == nil || err.Error() != want {
			t.Errorf("ParseWaivers(%q) = %v, want %s", src, err, want)
		}
	}
	err = CheckWaiverRules(append(ws, Waiver{File: "x.yaml", Line: 7, Rule: "config-drfit"}), []string{"tmp-noexec", "config-drift"})
	if err == nil || err.Error() != `x.yaml:7: waiver: unknown rule "config-drfit" (the rule ids are listed in the README under Causes)` {
		t.Errorf("CheckWaiverRules = %v", err)
	}
}
