package compare

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// designIDs are the rule ids DESIGN.md and the README name: a contract
// users' scripts match on, never renamed.
var designIDs = []string{"tmp-noexec", "perl-module-missing", "perl-module-shadowed",
	"perl-module-version", "perl-module-source", "perl-version", "mailscanner-version",
	"mailscanner-lint", "mailscanner-hang", "config-drift", "package-version", "high-load",
	"custom-probe", "host-unreachable", "hostkey-mismatch", "auth-failed", "sudo-denied",
	"probe-timeout", "probe-failed", "insecure-transport", "mailscanner-lint-died", "disk-space", "dns-resolver", "memory-children",
	"mailscanner-absent"}

func TestRuleIDs(t *testing.T) {
	ids := builtin.IDs()
	if !slices.Equal(slices.Sorted(slices.Values(ids)), slices.Sorted(slices.Values(designIDs))) {
		t.Errorf("rule ids %v, want exactly DESIGN.md's %v", ids, designIDs)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("rule ids not unique: %v", ids)
	}
	if _, err := NewTable(Rules()); err != nil {
		t.Errorf("built-in table: %v", err)
	}
}

// corpus is a set of hosts against a baseline that, between them, make
// every built-in rule fire.
func corpus() [][2]*fleet.Snapshot {
	good := withResources(goodHost("base", 1), 1)
	legacy := goodHost("legacy", 3)
	legacy.Security.LegacyAlgorithms = []string{"aes128-cbc"}
	slow := goodHost("slow", 4)
	slow.Probes[fleet.ProbePackages] = fleet.ProbeResult{Status: fleet.ProbeTimeout, Error: "timed out after 1m0s"}
	slow.Facts.Packages = nil
	lint := goodHost("lint", 5)
	lint.Facts.Lint.Errors = []fleet.LintMessage{{Text: `Your /tmp needs to be set to "chmod 1777 /tmp"`}}
	lint.Facts.MailScanner.Version = "4.86.1"
	lint.Facts.Perl.Version = "5.10.1"
	died := goodHost("died", 6)
	lintDiesIn(died)
	pairs := [][2]*fleet.Snapshot{{failedProbesBox("base", 1), goodHost("h", 2)}}
	for _, h := range []*fleet.Snapshot{seedBox("seed", 2), shadowBox("shadow", 3), hangBox("hang", 4),
		unreachableBox("down"), failedProbesBox("failed", 5), legacy, slow, lint, died, fullSpoolBox("full", 7),
		swapBox("swap", 8), deadDNSBox("dns", 9), absentBox("absent", 10),
		statusBox("mismatch", fleet.HostKeyMismatch, "key mismatch"),
		statusBox("unknownkey", fleet.HostKeyUnknown, "key is unknown"),
		statusBox("auth", fleet.HostAuthFailed, "unable to authenticate")} {
		pairs = append(pairs, [2]*fleet.Snapshot{good, h})
	}
	return pairs
}

// TestEngineStampsTableIDs checks that a rule never names itself, that
// each rule run alone gives causes bearing its table id, and that the full
// table gives exactly the causes of its rules run alone.
func TestEngineStampsTableIDs(t *testing.T) {
	fired := map[string]bool{}
	for _, p := range corpus() {
		base, host := p[0], p[1]
		full := run(t, base, host, Options{})
		var alone []Cause
		for _, r := range Rules() {
			in := NewInput(host, base, full.Findings)
			for _, c := range r.Explain(in) {
				if c.Rule != "" {
					t.Errorf("%s: rule %s names itself %q: the table's id is the one", host.Host, r.ID, c.Rule)
				}
			}
			h := run(t, base, host, Options{Rules: []Rule{r}})
			for _, c := range h.Causes {
				if c.Rule != r.ID {
					t.Errorf("%s: rule %s alone gave a cause of %q", host.Host, r.ID, c.Rule)
				}
				fired[r.ID] = true
			}
			alone = append(alone, h.Causes...)
		}
		key := func(c Cause) string { return c.Rule + "\x00" + c.Summary + "\x00" + strings.Join(c.Findings, ",") }
		got, want := slices.Sorted(slices.Values(mapKeys(full.Causes, key))), slices.Sorted(slices.Values(mapKeys(alone, key)))
		if !slices.Equal(got, want) {
			t.Errorf("%s: the full table's causes %q differ from its rules' run alone %q", host.Host, got, want)
		}
	}
	for _, id := range builtin.IDs() {
		if !fired[id] {
			t.Errorf("no host of the corpus makes %s fire: the test says nothing about it", id)
		}
	}
}

func mapKeys(cs []Cause, key func(Cause) string) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = key(c)
	}
	return out
}

// A rule that does name a cause gets the table's id all the same.
func TestEngineOverridesRuleName(t *testing.T) {
	liar := Rule{ID: "custom-check", Explain: func(Input) []Cause {
		return []Cause{{Rule: RuleTmpNoexec, Severity: Info, Summary: "x", Fix: "y"}}
	}}
	h := run(t, goodHost("a", 1), goodHost("b", 2), Options{Rules: []Rule{liar}})
	if len(h.Causes) != 1 || h.Causes[0].Rule != "custom-check" {
		t.Errorf("causes %+v, want one of custom-check", h.Causes)
	}
}

func TestNewTableRejects(t *testing.T) {
	ok := func(Input) []Cause { return nil }
	for name, rules := range map[string][]Rule{
		"empty":        {},
		"no id":        {{ID: "", Explain: ok}},
		"no function":  {{ID: "a"}},
		"duplicate id": {{ID: "a", Explain: ok}, {ID: "b", Explain: ok}, {ID: "a", Explain: ok}},
	} {
		if _, err := NewTable(rules); err == nil {
			t.Errorf("%s: NewTable accepted %d rules", name, len(rules))
		}
		snaps := []*fleet.Snapshot{goodHost("a", 1), goodHost("b", 2)}
		if _, err := Compare(snaps, Baseline{Host: "a"}, Options{Rules: rules}); err == nil {
			t.Errorf("%s: Compare accepted the rule table", name)
		}
		if _, err := Drift(snaps, snaps, Options{Rules: rules}); err == nil {
			t.Errorf("%s: Drift accepted the rule table", name)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("MustTable did not panic on a duplicate id")
		}
	}()
	MustTable([]Rule{{ID: "a", Explain: ok}, {ID: "a", Explain: ok}})
}

// TestRankContract checks the ranking every report uses against its
// contract, written out here on its own: severity, then the table's order,
// then more findings first, then summary.
func TestRankContract(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 3))
	sevs := []Severity{Critical, Warning, Info}
	for round := range 300 {
		n := 1 + rng.IntN(6)
		byRule := make([][]Cause, n)
		var rules []RuleFor[int]
		for i := range n {
			for range rng.IntN(4) {
				c := Cause{Severity: sevs[rng.IntN(3)], Summary: string(rune('a' + rng.IntN(3)))}
				for k := range rng.IntN(4) {
					c.Findings = append(c.Findings, fmt.Sprint("f", k))
				}
				byRule[i] = append(byRule[i], c)
			}
			rules = append(rules, RuleFor[int]{ID: fmt.Sprint("r", n-i), Explain: func(int) []Cause { return slices.Clone(byRule[i]) }})
		}
		causes, _ := MustTable(rules).Explain(0, nil)
		order := map[string]int{}
		for i, r := range rules {
			order[r.ID] = i
		}
		want := slices.Clone(causes)
		slices.SortStableFunc(want, func(a, b Cause) int {
			if a.Severity != b.Severity {
				return cmp.Compare(slices.Index(sevs, a.Severity), slices.Index(sevs, b.Severity))
			}
			if a.Rule != b.Rule {
				return cmp.Compare(order[a.Rule], order[b.Rule])
			}
			if len(a.Findings) != len(b.Findings) {
				return cmp.Compare(len(b.Findings), len(a.Findings))
			}
			return strings.Compare(a.Summary, b.Summary)
		})
		if !reflect.DeepEqual(causes, want) {
			t.Fatalf("round %d: ranked %+v, want %+v", round, causes, want)
		}
	}
}

func TestExplainUnexplained(t *testing.T) {
	fs := []Finding{{Fact: "a"}, {Fact: "b"}, {Fact: "c"}}
	tab := MustTable([]RuleFor[int]{{ID: "x", Explain: func(int) []Cause {
		return []Cause{{Severity: Info, Findings: []string{"c", "a", "c"}}}
	}}})
	causes, unexplained := tab.Explain(0, fs)
	if !slices.Equal(unexplained, []string{"b"}) {
		t.Errorf("unexplained %v, want [b]", unexplained)
	}
	if c := causes[0]; !slices.Equal(c.Findings, []string{"a", "c"}) || c.Evidence == nil {
		t.Errorf("cause %+v: want findings [a c] and non-nil evidence", c)
	}
	if _, unexplained := tab.Explain(0, nil); unexplained == nil {
		t.Error("unexplained is nil, want an empty list")
	}
}

// TestAnalysisReadOnly checks that no rule changes the module analysis it
// shares with the others.
func TestAnalysisReadOnly(t *testing.T) {
	for _, p := range corpus() {
		base, host := p[0], p[1]
		h := run(t, base, host, Options{})
		in := NewInput(host, base, h.Findings)
		before := NewInput(host, base, h.Findings).mods
		for _, r := range Rules() {
			r.Explain(in)
			if !reflect.DeepEqual(in.mods, before) {
				t.Fatalf("%s: rule %s changed the module analysis", host.Host, r.ID)
			}
		}
	}
}

// TestAnalysis checks what the module analysis says about the seed box
// and the CPAN box.
func TestAnalysis(t *testing.T) {
	base := goodHost("base", 1)
	for _, tt := range []struct {
		host                      *fleet.Snapshot
		broken, missing, shadowed []string
		dep                       string // module a broken module's load error blames
	}{
		{host: seedBox("seed", 2), broken: []string{"Digest::SHA1", "Mail::ClamAV", "Mail::SpamAssassin"},
			missing: []string{"Mail::ClamAV", "Mail::SpamAssassin"}, dep: "Digest::SHA1"},
		{host: shadowBox("shadow", 3), shadowed: []string{"Net::DNS"}},
		{host: goodHost("good", 4)},
	} {
		h := run(t, base, tt.host, Options{})
		a := NewInput(tt.host, base, h.Findings).mods
		roots := func(fs []family) []string {
			var out []string
			for _, fm := range fs {
				out = append(out, fm.root)
			}
			return out
		}
		if !slices.Equal(a.broken, tt.broken) || !slices.Equal(roots(a.missing), tt.missing) || !slices.Equal(roots(a.shadowed), tt.shadowed) {
			t.Errorf("%s: broken %v missing %v shadowed %v; want %v %v %v", tt.host.Host,
				a.broken, roots(a.missing), roots(a.shadowed), tt.broken, tt.missing, tt.shadowed)
		}
		for _, n := range slices.Concat(tt.missing, tt.shadowed) {
			if !slices.Contains(a.explained, n) {
				t.Errorf("%s: %s not among the explained modules %v", tt.host.Host, n, a.explained)
			}
		}
		if tt.dep != "" && (a.deps["Mail::SpamAssassin"].module != tt.dep || !slices.Contains(a.explained, tt.dep)) {
			t.Errorf("%s: deps %+v, explained %v: want %s blamed and explained", tt.host.Host, a.deps, a.explained, tt.dep)
		}
	}
}
