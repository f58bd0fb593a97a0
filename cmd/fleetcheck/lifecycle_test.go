package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// Tests of what living with a fleet needs, without SSH: host patterns and
// --list-hosts, one inventory reading, waivers, drift of a run with itself,
// history. The lab's end-to-end tests (e2e_test.go) run the same over SSH.

// writeFile writes a test file and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// numberedInventory has mail01 … mail12 on unroutable addresses, in
// groups mx (01-03) and edge (10-12).
func numberedInventory(t *testing.T, extra string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("baseline: mail01\ngroups:\n  mx: [mail01, mail02, mail03]\n  edge: [mail10, mail11, mail12]\nhosts:\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  - {name: mail%02d, address: 192.0.2.%d}\n", i, i)
	}
	b.WriteString(extra)
	return writeFile(t, t.TempDir(), "inventory.yaml", b.String())
}

// storeRun writes snaps as one run of store, started at start.
func storeRun(t *testing.T, store string, start time.Time, snaps ...*fleet.Snapshot) string {
	t.Helper()
	hosts := make([]fleet.Host, len(snaps))
	for i, s := range snaps {
		hosts[i] = fleet.Host{Name: s.Host}
	}
	run, err := fleet.CreateRun(store, fleet.RunRecord{StartedAt: start}, hosts)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		if err := run.WriteSnapshot(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := run.Finish(snaps, start.Add(time.Minute), false); err != nil {
		t.Fatal(err)
	}
	return run.Path
}

// checkListHosts runs a command with --list-hosts and checks the hosts it
// prints, one a line.
func checkListHosts(t *testing.T, run func(args ...string) (int, string, string), args []string, want string) {
	t.Helper()
	code, out, stderr := run(args...)
	if code != exitOK || strings.Join(strings.Fields(out), " ") != want {
		t.Errorf("%v: exit %d, hosts %q, want %q\n%s", args, code, out, want, stderr)
	}
}

func TestListHostsEveryCommand(t *testing.T) {
	inv := numberedInventory(t, "")
	store := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "mail[01-12]", "!mx,!edge"}, "mail04 mail05 mail06 mail07 mail08 mail09"},
		{[]string{"check", "mail1*,mail0[1,3-4]"}, "mail01 mail03 mail04 mail10 mail11 mail12"},
		{[]string{"compare", "edge,!mail11"}, "mail10 mail12 mail01"}, // the baseline is collected too
		{[]string{"compare", "--baseline", "mail05", "mail0?", "!mail0[1-4]", "!mail0[6-9]"}, "mail05"},
		{[]string{"preflight", "!mail[02-12]"}, "mail01"},
		{[]string{"collect"}, "mail01 mail02 mail03 mail04 mail05 mail06 mail07 mail08 mail09 mail10 mail11 mail12"},
	} {
		args := append([]string{c.args[0], "-i", inv, "--store", store, "--list-hosts"}, c.args[1:]...)
		if c.args[0] == "check" {
			args = append([]string{"check", "-i", inv, "--list-hosts"}, c.args[1:]...)
		}
		start := time.Now()
		checkListHosts(t, func(args ...string) (int, string, string) { return runCLI(t, nil, args...) }, args, c.want)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%v took %s: it must not connect", args, d)
		}
	}
	if entries, _ := os.ReadDir(store); len(entries) != 0 {
		t.Errorf("--list-hosts wrote runs into the store: %v", entries)
	}
}

func TestUnknownTargetIsAUsageError(t *testing.T) {
	inv := numberedInventory(t, "")
	for target, args := range map[string][]string{
		"mail13":      {"collect", "-i", inv, "mail13"},
		"mial02":      {"check", "-i", inv, "mail01,mial02"},
		"db*":         {"compare", "-i", inv, "--list-hosts", "db*"},
		"mail[20-29]": {"preflight", "-i", inv, "--list-hosts", "mail[20-29]"},
		"mail[3-1]":   {"collect", "-i", inv, "mail[3-1]"},
		"mx,!mail0*":  {"collect", "-i", inv, "mx,!mail0*"},
	} {
		code, out, stderr := runCLI(t, nil, args...)
		if code != exitUsage || !strings.Contains(stderr, fmt.Sprintf("%q", target)) || out != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %q", args, code, stderr, target)
		}
	}
}

// TestOneInventoryReading: a stored run compared with an inventory checks
// that inventory exactly as check does, waivers included.
func TestOneInventoryReading(t *testing.T) {
	store := t.TempDir()
	run := storeRun(t, store, fleettest.Time, fleettest.GoodHost("mail01", 1), fleettest.BigBox("mail02", 2))
	dir := t.TempDir()
	for name, c := range map[string]struct {
		text, want string
	}{
		"unknown key": {"hosts: [mail01, mail02]\nhots: []\n", `:2: unknown key "hots"`},
		"bad waiver":  {"hosts: [mail01]\nwaivers:\n  - {hosts: [mail9], rule: config-drift, reason: r, owner: o, expires: 2027-13-01}\n", `:3: waivers[0]: expires "2027-13-01" is not a date`},
		"unknown rule": {"hosts: [mail01]\nwaivers:\n  - {hosts: [mail01], rule: config-drfit, reason: r, owner: o, expires: 2027-01-01}\n",
			`:3: waiver: unknown rule "config-drfit"`},
	} {
		inv := writeFile(t, dir, strings.ReplaceAll(name, " ", "-")+".yaml", c.text)
		for _, args := range [][]string{
			{"compare", "--from", run, "-i", inv},
			{"preflight", "--from", run, "-i", inv, "--release", "x"},
			{"drift", "--before", run, "--after", run, "-i", inv},
			{"check", "-i", inv},
			{"collect", "-i", inv, "--list-hosts"},
			{"probes", "-i", inv},
		} {
			code, _, stderr := runCLI(t, nil, args...)
			if code != exitUsage || !strings.Contains(stderr, inv+c.want) {
				t.Errorf("%s: %v: exit %d, stderr %q; want exit 2 and %q", name, args[0], code, stderr, inv+c.want)
			}
		}
	}
}

// waiverReport is the part of the JSON report the waiver tests read.
type waiverReport struct {
	Summary struct {
		Differing, Warning, Waived int
	} `json:"summary"`
	Exit  int `json:"exit_code"`
	Hosts []struct {
		Host   string
		Causes []struct{ Rule string }
		Waived []struct {
			Rule, Severity, Summary string
			Findings                []string
			Waiver                  struct{ Reason, Owner, Expires, Source string }
		}
	} `json:"hosts"`
	Waivers []struct {
		Source, State, Expires string
		Matches                int
	} `json:"waivers"`
}

func TestWaiversInReports(t *testing.T) {
	store := t.TempDir()
	run := storeRun(t, store, fleettest.Time, fleettest.GoodHost("mail01", 1), fleettest.BigBox("mail06", 6),
		fleettest.SeedBox("mail03", 3))
	dir := t.TempDir()
	inv := writeFile(t, dir, "inventory.yaml", `baseline: mail01
groups:
  big: [mail06]
hosts: [mail01, mail03, mail06]
waivers:
  - hosts: [big]
    fact: "mailscanner_config.max*"
    reason: bigger box, runs 30 children
    owner: ops@example.com
    expires: 2099-03-31
`)
	file := writeFile(t, dir, "waivers.yaml", `waivers:
  - {hosts: ["mail0[1-3]", "!mail01"], rule: tmp-noexec, reason: old, owner: ops@example.com, expires: 2020-01-31}
  - {hosts: [mail01], rule: perl-version, reason: never, owner: ops@example.com, expires: 2099-01-01}
`)
	code, out, stderr := runCLI(t, nil, "compare", "--from", run, "-i", inv, "--waivers", file, "--format", "json")
	if code != exitDiffers {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep waiverReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	h := rep.Hosts[1]
	if h.Host != "mail06" || len(h.Causes) != 0 || len(h.Waived) != 1 || h.Waived[0].Rule != "config-drift" ||
		h.Waived[0].Waiver.Reason != "bigger box, runs 30 children" || h.Waived[0].Waiver.Source != inv+":6" {
		t.Errorf("mail06: %+v", h)
	}
	states := []string{}
	for _, w := range rep.Waivers {
		states = append(states, fmt.Sprintf("%s %s %d", strings.TrimPrefix(w.Source, dir+"/"), w.State, w.Matches))
	}
	if got := strings.Join(states, "; "); got != "inventory.yaml:6 applied 1; waivers.yaml:2 expired 1; waivers.yaml:3 stale 0" {
		t.Errorf("waivers: %s", got)
	}
	if rep.Summary.Waived != 1 || rep.Summary.Differing != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
	// Without the seed box, nothing counts: exit 0, the waived cause still listed.
	code, out, _ = runCLI(t, nil, "compare", "--from", run, "-i", inv, "--format", "json", "mail0[1,6]")
	if json.Unmarshal([]byte(out), &rep); code != exitOK || rep.Exit != exitOK || len(rep.Hosts[1].Waived) != 1 {
		t.Errorf("waived host alone: exit %d, %+v", code, rep)
	}
	// Every text format lists it in its own section with the reason.
	for _, format := range []string{"table", "markdown", "html"} {
		_, out, _ := runCLI(t, nil, "compare", "--from", run, "-i", inv, "--waivers", file, "--format", format)
		for _, want := range []string{"bigger box, runs 30 children", "expired on 2020-01-31", "matches nothing in this report"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
	}
	// A bad waivers file is a usage error at its line.
	bad := writeFile(t, dir, "bad.yaml", "waivers:\n  - {hosts: [mail01], rule: tmp-noexec, owner: o, expires: 2099-01-01}\n")
	if code, _, stderr := runCLI(t, nil, "compare", "--from", run, "-i", inv, "--waivers", bad); code != exitUsage ||
		!strings.Contains(stderr, bad+":2: waivers[0]: a waiver needs hosts, rule or fact, reason, owner and expires; missing reason") {
		t.Errorf("bad waivers file: exit %d, %s", code, stderr)
	}
	// Without -i, waivers' hosts resolve over the stored run.
	code, out, _ = runCLI(t, nil, "compare", "--from", run, "--waivers", file, "--format", "json")
	if json.Unmarshal([]byte(out), &rep); code != exitDiffers || len(rep.Waivers) != 2 {
		t.Errorf("--waivers without -i: exit %d, %+v", code, rep.Waivers)
	}
}

func TestDriftOfARunWithItself(t *testing.T) {
	store := t.TempDir()
	assessed := []*fleet.Snapshot{fleettest.GoodHost("mail01", 1), fleettest.SeedBox("mail02", 2),
		fleettest.HangBox("mail03", 3), fleettest.FailedProbesBox("mail04", 4)}
	run := storeRun(t, store, fleettest.Time, assessed...)
	for _, format := range []string{"json", "table"} {
		code, out, stderr := runCLI(t, nil, "drift", "--before", run, "--after", run, "--format", format)
		if code != exitOK {
			t.Errorf("drift of a run with itself, %s: exit %d\n%s\n%s", format, code, out, stderr)
		}
		if format == "table" && !strings.Contains(out, "no fact changed") {
			t.Errorf("table:\n%s", out)
		}
		if format == "json" {
			var rep jsonReport
			json.Unmarshal([]byte(out), &rep)
			for _, h := range rep.Hosts {
				if len(h.Causes) > 0 {
					t.Errorf("%s: causes %+v", h.Host, h.Causes)
				}
			}
		}
	}
	// A host unreachable in both runs is not assessed, not a change.
	down := storeRun(t, store, fleettest.Time.Add(time.Hour), append(assessed, fleettest.UnreachableBox("mail05"))...)
	code, out, _ := runCLI(t, nil, "drift", "--before", down, "--after", down, "--format", "json")
	var rep struct {
		Summary struct {
			Differing   int `json:"differing"`
			NotAssessed int `json:"not_assessed"`
			Critical    int `json:"critical"`
		} `json:"summary"`
		Hosts []struct{ Host, Error string }
	}
	json.Unmarshal([]byte(out), &rep)
	if code != exitUnassessed || rep.Summary.Differing != 0 || rep.Summary.Critical != 0 || rep.Summary.NotAssessed != 1 ||
		!strings.HasPrefix(rep.Hosts[4].Error, "not assessed in either run") {
		t.Errorf("unreachable in both runs: exit %d, %s", code, out)
	}
	// Unreachable only before: nothing to compare, exit 0; HOST patterns select.
	code, out, _ = runCLI(t, nil, "drift", "--before", down, "--after", run, "--list-hosts", "mail0[4-5]")
	if code != exitOK || strings.Join(strings.Fields(out), " ") != "mail04 mail05" {
		t.Errorf("drift --list-hosts: exit %d, %q", code, out)
	}
	if code, _, _ := runCLI(t, nil, "drift", "--before", down, "--after", run, "mail05"); code != exitOK {
		t.Errorf("a host of the earlier run only: exit %d, want 0", code)
	}
}

func TestHistory(t *testing.T) {
	store := t.TempDir()
	changed := fleettest.GoodHost("mail01", 1)
	changed.Facts.Mounts.Paths[0] = fleettest.TmpNoexec()
	storeRun(t, store, fleettest.Time, fleettest.GoodHost("mail01", 1), fleettest.GoodHost("mail02", 2))
	storeRun(t, store, fleettest.Time.Add(24*time.Hour), fleettest.GoodHost("mail01", 1))
	storeRun(t, store, fleettest.Time.Add(48*time.Hour), changed)
	code, out, stderr := runCLI(t, nil, "history", "--store", store, "mail01", "mounts./tmp.no*")
	want := `history of mail01, facts matching "mounts./tmp.no*": 3 run(s) in ` + store + `, 2026-11-28T021000Z to 2026-11-30T021000Z

+--------------------+--------------------+--------+-------+
| run                | fact               | before | after |
+--------------------+--------------------+--------+-------+
| 2026-11-30T021000Z | mounts./tmp.nodev  | false  | true  |
| 2026-11-30T021000Z | mounts./tmp.noexec | false  | true  |
| 2026-11-30T021000Z | mounts./tmp.nosuid | false  | true  |
+--------------------+--------------------+--------+-------+
`
	if code != exitOK || out != want {
		t.Errorf("history: exit %d\n%s\nwant\n%s\n%s", code, out, want, stderr)
	}
	code, out, _ = runCLI(t, nil, "history", "--store", store, "--format", "json", "mail01", "mounts./tmp.noexec")
	var rep historyReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || len(rep.Runs) != 3 || len(rep.Changes) != 1 ||
		rep.Changes[0].Before != "false" || rep.Changes[0].After != "true" || rep.Changes[0].Since != "2026-11-29T021000Z" {
		t.Errorf("history json: exit %d, %v, %s", code, err, out)
	}
	if code, out, _ := runCLI(t, nil, "history", "--store", store, "mail02"); code != exitOK || !strings.Contains(out, "1 run(s)") || !strings.Contains(out, "no change") {
		t.Errorf("history of a host in one run: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{{"history", "--store", store, "mail09"}, {"history", "--store", store}, {"history", "--store", store, "mail0*"},
		{"history", "--store", filepath.Join(store, "nope"), "mail01"}} {
		if code, _, _ := runCLI(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
