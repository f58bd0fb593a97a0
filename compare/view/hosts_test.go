package view

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// probeOfFact is the probe behind each fact the random reports use.
var probeOfFact = map[string]string{
	"mounts./tmp.noexec":            "mounts",
	"mounts./tmp.free_kb":           "mounts",
	"perl_modules.Net::DNS.version": "perl_modules",
	"perl_modules.Net::DNS.path":    "perl_modules",
	"mailscanner_lint.spamassassin": "mailscanner_lint",
	"custom.banner":                 "banner",
}

// randomHosts builds n host reports drawn from a small set of statuses,
// findings and causes, so that many hosts share a result; some causes name
// the host itself, as a fix's "ssh -v HOST" does.
func randomHosts(rng *rand.Rand, n int) []*compare.HostReport {
	facts := make([]string, 0, len(probeOfFact))
	for f := range probeOfFact {
		facts = append(facts, f)
	}
	slices.Sort(facts)
	probes := []string{"mounts", "perl_modules", "mailscanner_lint", "banner"}
	var out []*compare.HostReport
	for i := range n {
		name := fmt.Sprintf("mail%02d", i+1)
		h := &compare.HostReport{Host: name, Status: fleet.HostOK, Baseline: i == 0}
		switch rng.IntN(8) {
		case 0:
			h.Status = fleet.HostUnreachable
			h.Error = "dial tcp: no route to " + name
			h.Causes = []compare.Cause{{Rule: "host-unreachable", Severity: compare.Critical, Summary: "host unreachable",
				Fix: "`ssh -v " + name + "`"}}
			out = append(out, h)
			continue
		case 1:
			h.Status = fleet.HostPartial
		}
		if i > 0 {
			for _, p := range probes {
				if rng.IntN(6) == 0 {
					h.Findings = append(h.Findings, compare.Finding{Fact: p, Kind: compare.Unknown, Baseline: "ok", Value: "timeout", Probe: p})
				}
			}
			for _, f := range facts {
				if rng.IntN(4) == 0 {
					kind := []compare.Kind{compare.Changed, compare.Missing, compare.Extra}[rng.IntN(3)]
					h.Findings = append(h.Findings, compare.Finding{Fact: f, Kind: kind, Baseline: "1", Value: fmt.Sprint(rng.IntN(2) + 2),
						Probe: probeOfFact[f], Noise: rng.IntN(3) == 0})
				}
			}
		}
		slices.SortFunc(h.Findings, func(a, b compare.Finding) int { return strings.Compare(a.Fact, b.Fact) })
		if len(h.Findings) > 0 {
			c := compare.Cause{Rule: "config-drift", Severity: []compare.Severity{compare.Critical, compare.Warning, compare.Info}[rng.IntN(3)],
				Summary: "differs", Findings: []string{h.Findings[0].Fact}}
			if rng.IntN(2) == 0 {
				c.Evidence = []string{"compare with `ssh " + name + " cat x`"}
			}
			h.Causes = append(h.Causes, c)
		}
		for _, f := range h.Findings[min(1, len(h.Findings)):] {
			h.Unexplained = append(h.Unexplained, f.Fact)
		}
		out = append(out, h)
	}
	return out
}

// nameless is a host's report with its own name replaced in every text.
func nameless(h *compare.HostReport) compare.HostReport {
	c := *h
	c.Host = ""
	c.Error = strings.ReplaceAll(c.Error, h.Host, "HOST")
	c.Causes = nil
	for _, cause := range h.Causes {
		cause.Fix = strings.ReplaceAll(cause.Fix, h.Host, "HOST")
		cause.Evidence = slices.Clone(cause.Evidence)
		for i, e := range cause.Evidence {
			cause.Evidence[i] = strings.ReplaceAll(e, h.Host, "HOST")
		}
		c.Causes = append(c.Causes, cause)
	}
	return c
}

// TestGroupHostsProperties checks, over random reports, that the groups
// partition the hosts in report order, that hosts share a group exactly
// when their results are equal apart from their own names, and that
// ShownFor is set exactly when the shown texts name the first host.
func TestGroupHostsProperties(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 7))
		hosts := randomHosts(rng, 1+rng.IntN(20))
		groups := GroupHosts(hosts, nil)
		var seen []string
		for gi, g := range groups {
			if gi > 0 && g.First <= groups[gi-1].First {
				t.Fatalf("seed %d: groups not in the order of their first host", seed)
			}
			if g.Report != hosts[g.First] || g.Hosts[0] != hosts[g.First].Host {
				t.Fatalf("seed %d: group %d does not show its first host", seed, gi)
			}
			rep := nameless(g.Report)
			renamed := false
			for _, name := range g.Hosts {
				h := hosts[slices.IndexFunc(hosts, func(h *compare.HostReport) bool { return h.Host == name })]
				if !reflect.DeepEqual(nameless(h), rep) {
					t.Fatalf("seed %d: %s and %s share a group with different results", seed, name, g.Hosts[0])
				}
				renamed = renamed || !reflect.DeepEqual(h.Causes, g.Report.Causes) || h.Error != g.Report.Error
			}
			if (g.ShownFor != "") != renamed || (renamed && g.ShownFor != g.Hosts[0]) {
				t.Errorf("seed %d: group %s: ShownFor = %q, texts differ by name: %v", seed, g.Label(), g.ShownFor, renamed)
			}
			for _, other := range groups[gi+1:] {
				if reflect.DeepEqual(nameless(other.Report), rep) {
					t.Fatalf("seed %d: groups %s and %s hold the same result", seed, g.Label(), other.Label())
				}
			}
			seen = append(seen, g.Hosts...)
		}
		var all []string
		for _, h := range hosts {
			all = append(all, h.Host)
		}
		slices.Sort(seen)
		if !slices.Equal(seen, all) {
			t.Fatalf("seed %d: groups hold %v, want every host once: %v", seed, seen, all)
		}
	}
}

func TestGroupHostsCleansFirst(t *testing.T) {
	hosts := []*compare.HostReport{
		{Host: "mail01", Status: fleet.HostOK, Error: "x\x1b[31m"},
		{Host: "mail02\x1b[0m", Status: fleet.HostOK, Error: "x"},
	}
	strip := func(s string) string { return strings.NewReplacer("\x1b[31m", "", "\x1b[0m", "").Replace(s) }
	if g := GroupHosts(hosts, strip); len(g) != 1 || g[0].Label() != "mail[01-02]" {
		t.Errorf("cleaned texts that read the same: %d groups, label %q; want one, mail[01-02]", len(g), g[0].Label())
	}
	if g := GroupHosts(hosts, nil); len(g) != 2 {
		t.Errorf("texts that differ: %d groups, want 2", len(g))
	}
}

func TestHostlessNeedsTheWholeName(t *testing.T) {
	for _, tc := range []struct{ s, want string }{
		{"ssh -v mail1", "ssh -v \x00HOST\x00"},
		{"mail10 and mail1.", "mail10 and \x00HOST\x00."},
		{"xmail1", "xmail1"},
	} {
		if got := hostless(tc.s, "mail1"); got != tc.want {
			t.Errorf("hostless(%q, mail1) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestCauseCounts(t *testing.T) {
	cs := []compare.Cause{{Severity: compare.Info}, {Severity: compare.Critical}, {Severity: compare.Info}}
	if got := CauseCounts(cs); got != "1 critical, 2 info" {
		t.Errorf("CauseCounts = %q, want %q", got, "1 critical, 2 info")
	}
	if got := CauseCounts(nil); got != "" {
		t.Errorf("CauseCounts(nil) = %q, want empty", got)
	}
}
