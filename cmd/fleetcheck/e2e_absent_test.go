package main

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// End-to-end tests of hosts on which MailScanner is not installed (the lab's
// no-mailscanner profile): every report format says so first, such a host
// never reads "same as baseline", and nothing of MailScanner that is not
// there is reported as a difference.

// absentReport is the part of the JSON report these tests read.
type absentReport struct {
	Notice   string `json:"notice"`
	ExitCode int    `json:"exit_code"`
	Summary  struct {
		Differing         int `json:"differing"`
		MailScannerAbsent int `json:"mailscanner_absent"`
	} `json:"summary"`
	Hosts []struct {
		Host              string `json:"host"`
		MailScannerAbsent bool   `json:"mailscanner_absent"`
		Causes            []struct {
			Rule string `json:"rule"`
		} `json:"causes"`
		Findings []struct {
			Fact string `json:"fact"`
		} `json:"findings"`
		Unexplained []string `json:"unexplained"`
	} `json:"hosts"`
}

// hostLine returns the first line of out that starts with prefix, or "".
func hostLine(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// checkFormats renders the stored run in the table, Markdown and HTML
// formats and checks that each says notice before anything about the
// hosts, that the row of each host in absent says MailScanner is not
// installed ("nothing to audit", or the mailscanner-absent cause) and
// never "same as baseline", and that each exits with want.
func checkFormats(t *testing.T, bin, inv, run string, hosts, absent []string, notice string, want int) {
	t.Helper()
	for _, format := range []string{"table", "markdown", "html"} {
		args := append([]string{"compare", "-i", inv, "--from", run, "--format", format}, hosts...)
		code, out, stderr := fleetcheckEnv(t, bin, []string{"COLUMNS=200"}, args...)
		if code != want {
			t.Errorf("%s: exit %d, want %d\n%s", format, code, want, stderr)
		}
		var first, hostsAt int
		var row func(h string) string
		switch format {
		case "table":
			first = strings.Index(out, "NOTE: "+notice)
			hostsAt = strings.Index(out, "| host ")
			row = func(h string) string { return hostLine(out, "| "+h+" ") }
		case "markdown":
			first = strings.Index(out, "> **Note:** "+notice)
			hostsAt = strings.Index(out, "## Hosts")
			row = func(h string) string { return hostLine(out, "| "+h+" |") }
		case "html":
			out = html.UnescapeString(out)
			first = strings.Index(out, `<p class="notice"><strong>Note:</strong> `+notice)
			hostsAt = strings.Index(out, "<table")
			row = func(h string) string {
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(line, `<tr class="sev-`) && (strings.Contains(line, "><td>"+h+"</td>") || strings.Contains(line, `">`+h+"</a></td>")) {
						return line
					}
				}
				return ""
			}
		}
		if format == "table" && first != 0 {
			t.Errorf("table: the notice is not the first line:\n%s", out)
		}
		if first < 0 || hostsAt < 0 || first > hostsAt {
			t.Errorf("%s: notice %q at %d, hosts at %d:\n%s", format, notice, first, hostsAt, out)
		}
		for _, h := range absent {
			r := row(h)
			if !strings.Contains(r, "MailScanner not installed: nothing to audit") && !strings.Contains(r, "MailScanner is not installed here") || strings.Contains(r, "same as") {
				t.Errorf("%s: row of %s is %q, want nothing to audit", format, h, r)
			}
		}
	}
}

func TestE2ENothingToAudit(t *testing.T) {
	l, bin := needLab(t)
	none, good, good2 := lab.ProfileNoMailScanner, lab.ProfileGood, lab.ProfileGood+"-2"
	store := t.TempDir()
	run := collectRun(t, bin, store, exitOK, "-i", l.Inventory, good, good2, none, lab.ProfileSeed)

	// What the host's probes found: no MailScanner program, no
	// MailScanner.conf, no lint to run; its Perl modules were inspected.
	_, snaps, err := fleet.ReadRun(run)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range snaps {
		if s.Host != none {
			continue
		}
		for _, p := range []string{fleet.ProbeMailScannerVersion, fleet.ProbeMailScannerConfig, fleet.ProbeMailScannerLint} {
			if st := s.Probes[p].Status; st != fleet.ProbeNotApplicable {
				t.Errorf("%s: %s is %s, want not_applicable", none, p, st)
			}
		}
		if st := s.Probes[fleet.ProbePerlModules].Status; st != fleet.ProbeOK || s.Facts.PerlModules == nil {
			t.Errorf("%s: perl_modules %s", none, st)
		}
	}

	// Good hosts and the host without MailScanner: against a baseline that
	// runs MailScanner, its absence is the host's one cause (exit 1), and
	// nothing of MailScanner that is not there is a finding.
	mixed := []string{good, good2, none}
	code, out, stderr := fleetcheck(t, bin, append([]string{"compare", "-i", l.Inventory, "--from", run, "--format", "json"}, mixed...)...)
	var rep absentReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	notice := "MailScanner is not installed on 1 host(s): " + none + ";"
	if code != exitDiffers || rep.ExitCode != exitDiffers || !strings.HasPrefix(rep.Notice, notice) ||
		rep.Summary.MailScannerAbsent != 1 || rep.Summary.Differing != 1 {
		t.Errorf("good, good-2, %s: exit %d (JSON %d), notice %q, summary %+v", none, code, rep.ExitCode, rep.Notice, rep.Summary)
	}
	for _, h := range rep.Hosts {
		if h.MailScannerAbsent != (h.Host == none) {
			t.Errorf("%s: mailscanner_absent %v", h.Host, h.MailScannerAbsent)
		}
		// No spurious causes: not Mail::ClamAV's absence (good has the
		// Clam-SA installer's copy), not MailScanner's version, config or
		// lint; the host without it has the one cause that says so.
		var rules []string
		for _, c := range h.Causes {
			rules = append(rules, c.Rule)
		}
		want := ""
		if h.Host == none {
			want = "mailscanner-absent"
		}
		if strings.Join(rules, ",") != want || len(h.Findings)+len(h.Unexplained) != 0 {
			t.Errorf("%s: causes %v (want %q), findings %+v, unexplained %v", h.Host, rules, want, h.Findings, h.Unexplained)
		}
	}
	checkFormats(t, bin, l.Inventory, run, mixed, []string{none}, notice, exitDiffers)

	// A host meant to run without MailScanner: a waiver of the cause
	// accepts it, and the fleet exits 0.
	waivers := filepath.Join(t.TempDir(), "waivers.yaml")
	if err := os.WriteFile(waivers, []byte("waivers:\n  - {hosts: ["+none+"], rule: mailscanner-absent, reason: relay without scanning, owner: ops@example.com, expires: 2099-01-01}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := fleetcheck(t, bin, append([]string{"compare", "-i", l.Inventory, "--from", run, "--waivers", waivers}, mixed...)...); code != exitOK {
		t.Errorf("mailscanner-absent waived: exit %d, want 0\n%s", code, stderr)
	}

	// With the seed box in the fleet: it differs too, the notice is still
	// first, and the host without MailScanner has no cause but its absence.
	code, out, _ = fleetcheck(t, bin, "compare", "-i", l.Inventory, "--from", run, "--format", "json")
	rep = absentReport{}
	json.Unmarshal([]byte(out), &rep)
	if code != exitDiffers || !strings.HasPrefix(rep.Notice, notice) || rep.Summary.Differing != 2 {
		t.Errorf("with seed: exit %d, notice %q, summary %+v", code, rep.Notice, rep.Summary)
	}
	for _, h := range rep.Hosts {
		switch {
		case h.Host == none && (len(h.Causes) != 1 || h.Causes[0].Rule != "mailscanner-absent"):
			t.Errorf("with seed: %s has causes %+v, want mailscanner-absent alone", h.Host, h.Causes)
		case h.Host != none && (len(h.Causes) > 0) != (h.Host == lab.ProfileSeed):
			t.Errorf("with seed: %s has causes %+v", h.Host, h.Causes)
		}
	}
	checkFormats(t, bin, l.Inventory, run, nil, []string{none}, notice, exitDiffers)
}

// TestE2ENothingToAuditAnywhere: a fleet in which no host has MailScanner
// says so plainly at the top of every format.
func TestE2ENothingToAuditAnywhere(t *testing.T) {
	l, bin := needLab(t)
	none, none2 := lab.ProfileNoMailScanner, lab.ProfileNoMailScanner+"-2"
	store := t.TempDir()
	run := collectRun(t, bin, store, exitOK, "-i", l.Inventory, none, none2)
	code, out, stderr := fleetcheck(t, bin, "compare", "-i", l.Inventory, "--from", run, "--baseline", none, "--format", "json")
	var rep absentReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	notice := "MailScanner is not installed on any assessed host"
	if code != exitOK || !strings.HasPrefix(rep.Notice, notice) || rep.Summary.MailScannerAbsent != 2 {
		t.Errorf("exit %d, notice %q, summary %+v", code, rep.Notice, rep.Summary)
	}
	// The heading says it before anything else.
	for format, heading := range map[string]string{"markdown": "# ", "html": "<h1>"} {
		_, out, _ := fleetcheck(t, bin, "compare", "-i", l.Inventory, "--from", run, "--baseline", none, "--format", format)
		if h := hostLine(out, heading); !strings.Contains(h, "MailScanner is not installed: nothing to audit") {
			t.Errorf("%s: heading %q", format, h)
		}
	}
	// The baseline's row is the baseline's; the other host has nothing to audit.
	checkFormats(t, bin, l.Inventory, run, []string{"--baseline", none}, []string{none2}, notice, exitOK)
}
