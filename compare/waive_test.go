package compare

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// waiverFleet: base is good; big runs 30 children (config-drift on
// maxchildren alone); kern has another kernel (unexplained); seed is the
// seed box; mixed changed two settings.
func waiverFleet() []*fleet.Snapshot {
	big := fleettest.BigBox("big", 2)
	kern := goodHost("kern", 3)
	kern.Facts.OS.KernelRelease = "6.1.0-99-amd64"
	mixed := goodHost("mixed", 4)
	mixed.Facts.Config.Values["maxchildren"] = cfg("Max Children", 75, "30")
	mixed.Facts.Config.Values["mta"] = cfg("MTA", 150, "exim")
	return []*fleet.Snapshot{goodHost("base", 1), big, kern, seedBox("seed", 5), mixed}
}

func compareWith(t *testing.T, ws []fleet.Waiver) *Report {
	t.Helper()
	r, err := Compare(waiverFleet(), Baseline{Kind: BaselineHost, Host: "base"}, Options{Now: scenarioTime, Waivers: ws})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func hostOf(r *Report, name string) *HostReport {
	for i := range r.Hosts {
		if r.Hosts[i].Host == name {
			return &r.Hosts[i]
		}
	}
	return nil
}

func TestWaivers(t *testing.T) {
	plain := compareWith(t, nil)
	ws := []fleet.Waiver{
		fleettest.Waiver(10, []string{"big", "mixed"}, RuleConfigDrift, "mailscanner_config.maxchildren", "2099-12-31"),
		fleettest.Waiver(11, []string{"kern"}, "", "os.kernel_*", "2099-12-31"),
		fleettest.Waiver(12, []string{"seed"}, RuleTmpNoexec, "", "2020-01-31"),
		fleettest.Waiver(13, []string{"base", "big"}, RulePerlVersion, "", "2099-12-31"),
		fleettest.Waiver(14, []string{"big"}, RuleConfigDrift, "", "2099-12-31"), // the first waiver that matches wins
	}
	r := compareWith(t, ws)

	big := hostOf(r, "big")
	if len(big.Causes) != 0 || len(big.Waived) != 1 || big.Waived[0].Rule != RuleConfigDrift || big.Waived[0].Waiver.Source != "inv.yaml:10" {
		t.Errorf("big: causes %v, waived %+v", rulesOf(big), big.Waived)
	}
	if f, _ := big.Finding("mailscanner_config.maxchildren"); f.Waiver == nil || f.Waiver.Expires != "2099-12-31" {
		t.Errorf("big: the finding of the waived cause is not waived: %+v", f)
	}
	if big.Differs() {
		t.Error("big differs, though its only difference is waived")
	}
	// The fact waiver matches one of mixed's two config findings: the
	// cause stays, and so does the finding it covers.
	mixed := hostOf(r, "mixed")
	if len(mixed.Waived) != 0 || len(causesOf(mixed, RuleConfigDrift)) != 1 {
		t.Errorf("mixed: causes %v, waived %+v", rulesOf(mixed), mixed.Waived)
	}
	if f, _ := mixed.Finding("mailscanner_config.maxchildren"); f.Waiver != nil {
		t.Errorf("mixed: a finding covered by an open cause is waived")
	}
	// An unexplained fact, waived by glob, leaves unexplained.
	kern := hostOf(r, "kern")
	if len(kern.Unexplained) != 0 || kern.Differs() || len(kern.WaivedFacts()) != 1 || kern.WaivedFacts()[0].Fact != "os.kernel_release" {
		t.Errorf("kern: unexplained %v, waived facts %+v", kern.Unexplained, kern.WaivedFacts())
	}
	if len(big.WaivedFacts()) != 0 {
		t.Errorf("big: a finding of a waived cause is listed as a waived fact too")
	}
	// The expired waiver does not apply.
	seed := hostOf(r, "seed")
	if len(causesOf(seed, RuleTmpNoexec)) != 1 || len(seed.Waived) != 0 {
		t.Errorf("seed: an expired waiver applied: %v %+v", rulesOf(seed), seed.Waived)
	}
	states := map[string]string{}
	for _, n := range r.Waivers {
		states[n.Source] = n.State
	}
	want := map[string]string{"inv.yaml:10": WaiverApplied, "inv.yaml:11": WaiverApplied, "inv.yaml:12": WaiverExpired,
		"inv.yaml:13": WaiverStale, "inv.yaml:14": WaiverStale}
	for src, st := range want {
		if states[src] != st {
			t.Errorf("waiver %s: state %q, want %q", src, states[src], st)
		}
	}
	if n := r.Waivers[2]; n.Matches != 1 || !strings.Contains(n.Text(), "expired on 2020-01-31 and no longer applies") {
		t.Errorf("expired note: %+v: %s", n, n.Text())
	}
	if n := r.Waivers[3]; !strings.Contains(n.Text(), "matches nothing in this report") {
		t.Errorf("stale note: %s", n.Text())
	}
	// Counts: the waived cause leaves the severity counts, and two hosts
	// no longer differ.
	if r.Summary.Waived != 1 || r.Summary.Warning != plain.Summary.Warning-1 ||
		r.Summary.Differing != plain.Summary.Differing-2 || r.Summary.Unexplained != plain.Summary.Unexplained-1 ||
		r.Summary.Findings != plain.Summary.Findings-2 {
		t.Errorf("summary %+v, without waivers %+v", r.Summary, plain.Summary)
	}
	// JSON: a waived cause has the shape of a cause plus its waiver.
	b, _ := json.Marshal(big)
	var got struct {
		Waived []map[string]any `json:"waived"`
	}
	json.Unmarshal(b, &got)
	w := got.Waived[0]
	for _, k := range []string{"rule", "severity", "summary", "evidence", "fix", "findings", "waiver"} {
		if _, ok := w[k]; !ok {
			t.Errorf("waived cause JSON lacks %q: %s", k, b)
		}
	}
	if wv, _ := w["waiver"].(map[string]any); wv["reason"] != "accepted: config-driftmailscanner_config.maxchildren" || wv["owner"] != "ops@example.com" || wv["expires"] != "2099-12-31" {
		t.Errorf("waiver JSON: %v", w["waiver"])
	}
}

// TestWaiverExitCode: waiving every difference of the only differing host
// turns exit 1 into 0, and the waived cause is still there.
func TestWaiverExitCode(t *testing.T) {
	snaps := waiverFleet()[:2]
	r, _ := Compare(snaps, Baseline{Kind: BaselineHost, Host: "base"}, Options{Now: scenarioTime})
	if r.Exit != ExitDifferences {
		t.Fatalf("exit %d without waivers", r.Exit)
	}
	r, _ = Compare(snaps, Baseline{Kind: BaselineHost, Host: "base"}, Options{Now: scenarioTime,
		Waivers: []fleet.Waiver{fleettest.Waiver(3, []string{"big"}, RuleConfigDrift, "", "2099-01-01")}})
	if r.Exit != ExitOK || r.Summary.Differing != 0 || len(r.Hosts[1].Waived) != 1 {
		t.Errorf("exit %d, summary %+v, waived %+v", r.Exit, r.Summary, r.Hosts[1].Waived)
	}
	// A drift report takes waivers the same way.
	d, _ := Drift(snaps[:1], []*fleet.Snapshot{snaps[1]}, Options{Now: scenarioTime,
		Waivers: []fleet.Waiver{fleettest.Waiver(3, []string{"base"}, RuleConfigDrift, "", "2099-01-01")}})
	if len(d.Waivers) != 1 || d.Waivers[0].State != WaiverStale {
		t.Errorf("drift waivers: %+v", d.Waivers)
	}
}

// TestWaiveKeepsEveryCause: whatever the waivers, every cause of the
// unwaived report is either still a cause or a waived cause, in rank
// order, and the counts add up.
func TestWaiveKeepsEveryCause(t *testing.T) {
	plain := compareWith(t, nil)
	ids := builtin.IDs()
	hosts := []string{"base", "big", "kern", "seed", "mixed"}
	for i := range 200 {
		var ws []fleet.Waiver
		for j := range 1 + i%4 {
			rule := ids[(i*7+j*3)%len(ids)]
			fact := []string{"", "*", "mailscanner_config.*", "mounts.*", "perl_modules.*"}[(i+j)%5]
			if j%3 == 2 {
				rule = ""
				if fact == "" {
					fact = "*"
				}
			}
			ws = append(ws, fleettest.Waiver(j, hosts[(i+j)%5:(i+j)%5+1], rule, fact, "2099-01-01"))
		}
		r := compareWith(t, ws)
		waived := 0
		for k, h := range r.Hosts {
			var all []string
			for _, c := range h.Causes {
				all = append(all, c.Rule+c.Summary)
			}
			for _, c := range h.Waived {
				all = append(all, c.Rule+c.Summary)
			}
			var want []string
			for _, c := range plain.Hosts[k].Causes {
				want = append(want, c.Rule+c.Summary)
			}
			slices.Sort(all)
			slices.Sort(want)
			if !slices.Equal(all, want) {
				t.Fatalf("waivers %+v: host %s causes %v, want %v", ws, h.Host, all, want)
			}
			waived += len(h.Waived)
		}
		if r.Summary.Waived != waived || r.Summary.Critical+r.Summary.Warning+r.Summary.Info+waived !=
			plain.Summary.Critical+plain.Summary.Warning+plain.Summary.Info {
			t.Fatalf("waivers %+v: summary %+v, plain %+v", ws, r.Summary, plain.Summary)
		}
	}
}
