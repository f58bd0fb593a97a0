package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// End-to-end tests of living with a fleet, on the lab: waivers (applied,
// expired, stale), host patterns, drift of a run with itself, and the
// history of a fact over three runs.

// labHost returns the lab host named name.
func labHost(t *testing.T, l *lab.Lab, name string) lab.Host {
	t.Helper()
	for _, h := range l.Hosts {
		if h.Name == name {
			return h
		}
	}
	t.Fatalf("no lab host %s", name)
	return lab.Host{}
}

// collectRun runs collect and returns the new run directory.
func collectRun(t *testing.T, bin, store string, wantExit int, args ...string) string {
	t.Helper()
	before, _ := fleet.ListRuns(store)
	code, out, stderr := fleetcheck(t, bin, append([]string{"collect", "--store", store}, args...)...)
	if code != wantExit {
		t.Fatalf("collect %v: exit %d, want %d\n%s\n%s", args, code, wantExit, out, stderr)
	}
	after, err := fleet.ListRuns(store)
	if err != nil || len(after) != len(before)+1 {
		t.Fatalf("collect %v made no new run: %v", args, err)
	}
	time.Sleep(time.Second) // run directories are named by the second
	return after[len(after)-1]
}

// waiverInventory is the lab's inventory with waivers added: one in force
// for the config host's config-drift, one expired for the seed box's
// tmp-noexec, one for a perl difference good does not have.
func waiverInventory(t *testing.T, l *lab.Lab) string {
	t.Helper()
	b, err := os.ReadFile(l.Inventory)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b) + fmt.Sprintf(`waivers:
  - hosts: [%s]
    rule: config-drift
    reason: bigger box, runs more children
    owner: ops@example.com
    expires: 2099-03-31
  - {hosts: ["s*d", "!sudo*"], rule: tmp-noexec, reason: build box, owner: ops@example.com, expires: 2020-01-31}
  - {hosts: [%s], rule: perl-version, reason: never true, owner: ops@example.com, expires: 2099-03-31}
`, lab.ProfileConfig, lab.ProfileGood)
	path := filepath.Join(t.TempDir(), "inventory.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// e2eWaived is the part of the JSON report TestE2EWaivers reads.
type e2eWaived struct {
	Summary struct {
		Differing int `json:"differing"`
		Waived    int `json:"waived"`
	} `json:"summary"`
	Hosts []struct {
		Host   string `json:"host"`
		Causes []struct {
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
		} `json:"causes"`
		Waived []struct {
			Rule   string `json:"rule"`
			Waiver struct {
				Reason, Owner, Expires, Source string
			} `json:"waiver"`
		} `json:"waived"`
	} `json:"hosts"`
	Waivers []struct {
		Source, State, Expires string
		Matches                int
	} `json:"waivers"`
}

func TestE2EWaivers(t *testing.T) {
	l, bin := needLab(t)
	inv := waiverInventory(t, l)
	store := t.TempDir()
	code, out, stderr := fleetcheck(t, bin, "compare", "-i", inv, "--store", store, "--format", "json",
		lab.ProfileGood, lab.ProfileConfig, lab.ProfileSeed)
	if code != exitDiffers {
		t.Fatalf("compare exit %d, want 1 (the seed box differs)\n%s", code, stderr)
	}
	var rep e2eWaived
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	byHost := map[string]int{}
	for i, h := range rep.Hosts {
		byHost[h.Host] = i
	}
	cfg := rep.Hosts[byHost[lab.ProfileConfig]]
	if len(cfg.Waived) == 0 || cfg.Waived[0].Rule != "config-drift" || cfg.Waived[0].Waiver.Reason != "bigger box, runs more children" ||
		cfg.Waived[0].Waiver.Expires != "2099-03-31" || !strings.HasPrefix(cfg.Waived[0].Waiver.Source, inv+":") {
		t.Errorf("config: waived %+v", cfg.Waived)
	}
	for _, c := range cfg.Causes {
		if c.Rule == "config-drift" {
			t.Errorf("config: config-drift is both waived and counted")
		}
	}
	seed := rep.Hosts[byHost[lab.ProfileSeed]]
	if !slices.ContainsFunc(seed.Causes, func(c struct {
		Rule     string `json:"rule"`
		Severity string `json:"severity"`
	}) bool {
		return c.Rule == "tmp-noexec"
	}) || len(seed.Waived) != 0 {
		t.Errorf("seed: the expired waiver applied: causes %+v, waived %+v", seed.Causes, seed.Waived)
	}
	var states []string
	for _, w := range rep.Waivers {
		states = append(states, fmt.Sprintf("%s/%d", w.State, w.Matches))
	}
	if got := strings.Join(states, " "); got != "applied/1 expired/1 stale/0" {
		t.Errorf("waiver states %q, want applied/1 expired/1 stale/0", got)
	}
	if rep.Summary.Waived != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}

	// The same run, read back: every text format lists the waived cause
	// in its own section with the reason, and the expired and stale ones.
	run, err := fleet.LatestRun(store)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"table", "markdown", "html"} {
		_, out, _ := fleetcheck(t, bin, "compare", "--from", run, "-i", inv, "--format", format)
		for _, want := range []string{"Waived", "bigger box, runs more children", "expired on 2020-01-31", "matches nothing in this report"} {
			if !strings.Contains(strings.ReplaceAll(out, "WAIVED", "Waived"), want) {
				t.Errorf("%s report lacks %q", format, want)
			}
		}
	}
	// Without the seed box, only waived causes are left above info on the
	// config host: nothing counts, exit 0.
	code, out, _ = fleetcheck(t, bin, "compare", "--from", run, "-i", inv, "--format", "json", lab.ProfileGood, lab.ProfileConfig)
	json.Unmarshal([]byte(out), &rep)
	serious := 0
	for _, h := range rep.Hosts {
		for _, c := range h.Causes {
			if c.Severity != "info" {
				serious++
			}
		}
	}
	if want := map[bool]int{true: exitOK, false: exitDiffers}[serious == 0 && rep.Summary.Differing == 0]; code != want {
		t.Errorf("good and config: exit %d, want %d (%d cause(s) above info left)", code, want, serious)
	}
	if serious != 0 {
		t.Logf("config has causes beyond config-drift: %+v", rep.Hosts)
	}
	// A waiver file with a typo is an inventory error at its line.
	bad := filepath.Join(t.TempDir(), "waivers.yaml")
	os.WriteFile(bad, []byte("waivers:\n  - {hosts: [config], rule: config-drfit, reason: r, owner: o, expires: 2099-01-01}\n"), 0o644)
	if code, _, stderr := fleetcheck(t, bin, "compare", "--from", run, "-i", inv, "--waivers", bad); code != exitUsage ||
		!strings.Contains(stderr, bad+`:2: waiver: unknown rule "config-drfit"`) {
		t.Errorf("bad waivers file: exit %d, %s", code, stderr)
	}
}

// patternInventory names lab hosts mail01 … mail05 (good, good-2, shadow,
// config, down), reached by address, port and key; group bad holds mail05.
func patternInventory(t *testing.T, l *lab.Lab) string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "ssh_config")
	os.WriteFile(empty, nil, 0o644)
	var b strings.Builder
	fmt.Fprintf(&b, "ssh_config: %s\nknown_hosts: [%s]\n", empty, l.KnownHosts)
	fmt.Fprintf(&b, "defaults: {user: root, probe_timeout: 60s, identity_file: %s}\n", l.ClientKey)
	b.WriteString("groups:\n  bad: [mail05]\nhosts:\n")
	for i, name := range []string{lab.ProfileGood, lab.ProfileGood + "-2", lab.ProfileShadow, lab.ProfileConfig, lab.ProfileDown} {
		h := labHost(t, l, name)
		fmt.Fprintf(&b, "  - {name: mail%02d, address: %s, port: %d}\n", i+1, h.Address, h.Port)
	}
	path := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(path, []byte(b.String()), 0o644)
	return path
}

func TestE2EHostPatterns(t *testing.T) {
	l, bin := needLab(t)
	inv := patternInventory(t, l)
	store := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "mail[01-05]", "!bad"}, "mail01 mail02 mail03 mail04"},
		{[]string{"check", "mail0*,!mail0[2-3]"}, "mail01 mail04 mail05"},
		{[]string{"compare", "!mail[02-05]"}, "mail01"},
		{[]string{"preflight", "mail0[1,3-4]", "!mail04"}, "mail01 mail03"},
	} {
		args := append([]string{c.args[0], "-i", inv, "--list-hosts"}, c.args[1:]...)
		checkListHosts(t, func(args ...string) (int, string, string) { return fleetcheck(t, bin, args...) }, args, c.want)
	}
	if runs, _ := fleet.ListRuns(store); len(runs) != 0 {
		t.Errorf("--list-hosts made runs: %v", runs)
	}
	// A range, a glob and exclusions, over SSH.
	run := collectRun(t, bin, store, exitOK, "-i", inv, "--probes", "os", "mail0[1-2],mail0*", "!mail0[3-4]", "!bad")
	rec, snaps, err := fleet.ReadRun(run)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(snapshotNames(snaps), " "); got != "mail01 mail02" || rec.State != fleet.RunStateComplete {
		t.Errorf("collected %s (%s), want mail01 mail02", got, rec.State)
	}
	for _, s := range snaps {
		if !s.Status.Assessed() || s.Facts.OS == nil {
			t.Errorf("%s: %s %s", s.Host, s.Status, s.Error)
		}
	}
	// With --from, patterns select among the run's hosts.
	checkListHosts(t, func(args ...string) (int, string, string) { return fleetcheck(t, bin, args...) },
		[]string{"compare", "--from", run, "-i", inv, "--list-hosts", "mail*"}, "mail01 mail02")
	for _, target := range []string{"mail06", "db*", "mail[10-20]", "mail01,!mail01"} {
		code, _, stderr := fleetcheck(t, bin, "collect", "-i", inv, "--store", store, target)
		if code != exitUsage || !strings.Contains(stderr, fmt.Sprintf("%q", target)) {
			t.Errorf("collect %s: exit %d, %q; want exit 2 naming it", target, code, stderr)
		}
	}
}

// TestE2EDriftAndHistory collects good-2 (and the down host) three times,
// with /tmp remounted noexec before the third run: drift of a run with
// itself reports nothing, and the history of good-2 shows the one change.
func TestE2EDriftAndHistory(t *testing.T) {
	l, bin := needLab(t)
	store := t.TempDir()
	good2 := lab.ProfileGood + "-2"
	args := []string{"-i", l.Inventory, "--probes", "os,mounts,perl", good2, lab.ProfileDown}
	r1 := collectRun(t, bin, store, exitUnassessed, args...)
	r2 := collectRun(t, bin, store, exitUnassessed, args...)
	labSSH(t, l, good2, "mount -o remount,noexec /tmp")
	t.Cleanup(func() { labSSH(t, l, good2, "mount -o remount,exec /tmp") })
	collectRun(t, bin, store, exitUnassessed, args...)

	// Drift of a run with itself: nothing; down is not assessed in
	// either run (exit 3), good-2 alone exits 0.
	code, out, stderr := fleetcheck(t, bin, "drift", "--before", r1, "--after", r1, "--format", "json")
	var rep struct {
		Summary struct {
			Differing   int `json:"differing"`
			NotAssessed int `json:"not_assessed"`
			Critical    int `json:"critical"`
			Warning     int `json:"warning"`
			Findings    int `json:"findings"`
		} `json:"summary"`
		Hosts []struct {
			Host, Error string
			Causes      []struct{ Rule string }
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	s := rep.Summary
	if code != exitUnassessed || s.Differing+s.Critical+s.Warning+s.Findings != 0 || s.NotAssessed != 1 {
		t.Errorf("drift of a run with itself: exit %d, summary %+v", code, s)
	}
	for _, h := range rep.Hosts {
		if len(h.Causes) > 0 || h.Host == lab.ProfileDown && !strings.HasPrefix(h.Error, "not assessed in either run") {
			t.Errorf("%s: causes %+v, error %q", h.Host, h.Causes, h.Error)
		}
	}
	code, out, _ = fleetcheck(t, bin, "drift", "--before", r1, "--after", r2, good2)
	if code != exitOK || !strings.Contains(out, "no fact changed") {
		t.Errorf("drift of good-2 between two unchanged runs: exit %d\n%s", code, out)
	}

	// History: one change, at the third run, since the second.
	code, out, stderr = fleetcheck(t, bin, "history", "--store", store, "--format", "json", good2, "mounts./tmp.*")
	var hist historyReport
	if err := json.Unmarshal([]byte(out), &hist); err != nil || code != exitOK {
		t.Fatalf("history: exit %d, %v\n%s", code, err, stderr)
	}
	runs, _ := fleet.ListRuns(store)
	want := fmt.Sprintf("[{%s %s mounts./tmp.noexec changed false true}]", filepath.Base(runs[2]), filepath.Base(runs[1]))
	var got []string
	for _, c := range hist.Changes {
		got = append(got, fmt.Sprintf("{%s %s %s %s %s %s}", c.Run, c.Since, c.Fact, c.Kind, c.Before, c.After))
	}
	if fmt.Sprint(got) != want || len(hist.Runs) != 3 {
		t.Errorf("history of %s: %v over %d runs, want %s", good2, got, len(hist.Runs), want)
	}
	code, out, _ = fleetcheck(t, bin, "history", "--store", store, good2, "mounts./tmp.noexec")
	if code != exitOK || !strings.Contains(out, "| mounts./tmp.noexec | false  | true  |") {
		t.Errorf("history table: exit %d\n%s", code, out)
	}
	code, out, _ = fleetcheck(t, bin, "history", "--store", store, lab.ProfileDown)
	if code != exitOK || !strings.Contains(out, "not assessed in: ") || !strings.Contains(out, "no change") {
		t.Errorf("history of the down host: exit %d\n%s", code, out)
	}
}
