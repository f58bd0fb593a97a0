package compare

import (
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// The snapshots of a run with every kind of host: healthy, broken, hung,
// probes failed or refused, legacy transport, unreachable, bad host key.
func driftFleet() []*fleet.Snapshot {
	legacy := goodHost("legacy", 7)
	legacy.Security.LegacyAlgorithms = []string{"diffie-hellman-group14-sha1"}
	return []*fleet.Snapshot{goodHost("good", 1), seedBox("seed", 2), shadowBox("shadow", 3), hangBox("hang", 4),
		failedProbesBox("failed", 5), legacy, unreachableBox("down"),
		statusBox("badkey", fleet.HostKeyMismatch, "host key mismatch")}
}

// TestDriftOfARunWithItself: nothing changed, so nothing is reported;
// hosts not assessed in both runs are "not assessed", not a change.
func TestDriftOfARunWithItself(t *testing.T) {
	for _, all := range []bool{false, true} {
		snaps := driftFleet()
		r, err := Drift(snaps, snaps, Options{Now: scenarioTime, All: all})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Hosts {
			if len(h.Causes) > 0 || len(h.Findings) > 0 {
				t.Errorf("all=%v: %s: causes %v, findings %+v; want nothing", all, h.Host, rulesOf(&h), h.Findings)
			}
			if !h.Status.Assessed() && !strings.HasPrefix(h.Error, "not assessed in either run (before: "+string(h.Status)) {
				t.Errorf("%s: error %q, want it not assessed in either run", h.Host, h.Error)
			}
		}
		if r.Summary.Differing != 0 || r.Summary.Critical+r.Summary.Warning+r.Summary.Info != 0 || r.Summary.NotAssessed != 2 {
			t.Errorf("summary %+v", r.Summary)
		}
		if r.Exit != ExitNotAssessed {
			t.Errorf("exit %d, want %d: two hosts of the later run were not assessed", r.Exit, ExitNotAssessed)
		}
	}
	assessed := driftFleet()[:6]
	if r, _ := Drift(assessed, assessed, Options{Now: scenarioTime}); r.Exit != ExitOK || r.Summary.Findings != 0 {
		t.Errorf("assessed hosts against themselves: exit %d, summary %+v", r.Exit, r.Summary)
	}
}

// TestDriftShowsChange: what changed is reported, what stayed broken is not.
func TestDriftShowsChange(t *testing.T) {
	before := driftFleet()
	after := driftFleet()
	after[0] = seedBox("good", 1) // good broke
	after[6] = goodHost("down", 6)
	after[7] = unreachableBox("badkey") // another failure
	after[4].Probes[fleet.ProbeMailScannerConfig] = fleet.ProbeResult{Status: fleet.ProbeOK}
	after[4].Facts.Config = goodHost("x", 1).Facts.Config // sudo fixed on failed
	after = append(after, goodHost("new", 9))
	r, err := Drift(before, after, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range r.Hosts {
		got[h.Host] = strings.Join(rulesOf(&h), ",") + "|" + h.Error
	}
	for host, want := range map[string]string{
		"good":   "tmp-noexec/critical,",
		"seed":   "|",
		"down":   "|not assessed in the earlier run (unreachable): nothing to compare with",
		"badkey": "host-unreachable/critical|dial tcp 192.0.2.16:22: connect: no route to host",
		"new":    "|not in the earlier run: nothing to compare with",
		"legacy": "|",
	} {
		if !strings.HasPrefix(got[host], want) {
			t.Errorf("%s: %q, want %q", host, got[host], want)
		}
	}
	if g := got["failed"]; strings.Contains(g, RuleSudoDenied) || strings.Contains(g, RuleProbeFailed+"/warning") {
		t.Errorf("failed: %s; sudo now works and perl_modules failed in both runs", g)
	}
	var f *HostReport
	for i := range r.Hosts {
		if r.Hosts[i].Host == "failed" {
			f = &r.Hosts[i]
		}
	}
	if fd, ok := f.Finding(fleet.ProbeMailScannerConfig); !ok || fd.Kind != Unknown {
		t.Errorf("failed: the probe that now runs cleanly is no unknown finding: %+v", f.Findings)
	}
	if _, ok := f.Finding(fleet.ProbePerlModules); ok {
		t.Errorf("failed: perl_modules failed alike in both runs, yet it is a finding")
	}
	if r.Exit != ExitNotAssessed || r.Summary.NotAssessed != 1 {
		t.Errorf("exit %d, summary %+v: badkey is not assessed in the later run", r.Exit, r.Summary)
	}
	// A host of the earlier run only changes no count.
	r, _ = Drift(before[:2], before[1:2], Options{Now: scenarioTime})
	if h := r.Hosts[1]; !h.EarlierOnly || h.Host != "good" || r.Exit != ExitOK || r.Summary.EarlierOnly != 1 || r.Summary.NotAssessed != 0 {
		t.Errorf("earlier-only host: %+v, exit %d, summary %+v", h, r.Exit, r.Summary)
	}
}
