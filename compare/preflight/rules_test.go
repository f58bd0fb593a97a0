package preflight

import (
	"cmp"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestRuleIDs(t *testing.T) {
	ids := Rules()
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) || len(ids) != len(ruleTable()) {
		t.Errorf("rule ids not unique: %v", ids)
	}
	compareIDs := map[string]bool{}
	for _, r := range compare.Rules() {
		compareIDs[r.ID] = true
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, "preflight-") || compareIDs[id] {
			t.Errorf("rule id %s: want a preflight- id of its own", id)
		}
	}
	if got := hostTable.IDs(); !slices.Equal(got, []string{compare.RuleHostUnreachable, compare.RuleHostKeyMismatch, compare.RuleAuthFailed}) {
		t.Errorf("host rules %v", got)
	}
}

// check is a host to check against a release.
type check struct {
	r *Release
	s *fleet.Snapshot
}

// corpus is a set of assessed hosts and releases that, between them, make
// every preflight rule fire.
func corpus(t *testing.T) []check {
	rpm, tar, clam := openRPM4843(t), openTar4843(t), openClamSA(t)
	var out []check
	for _, r := range []*Release{rpm, tar, clam} {
		out = append(out, check{r, seedBox(t, rpm)})
		for _, s := range scenario.Snapshots(t, filepath.Join(scenarios, "seed")) {
			if s.Status.Assessed() {
				out = append(out, check{r, s})
			}
		}
	}
	oldMIME := centos5("mail-old-mime")
	setModule(oldMIME, "MIME::Tools", fleet.ModuleCopy{Path: sitelib + "/MIME/Tools.pm", IncDir: sitelib, Version: "5.411"})
	oldPerl := centos5("mail-rh73")
	withModules(oldPerl, rpm, newer, distroOwner)
	oldPerl.Facts.Perl.Version = "5.005"
	deb := centos5("deb12")
	deb.Facts.OS = &fleet.OS{Family: "debian", ID: "debian", VersionID: "12", Distro: "Debian GNU/Linux 12"}
	deb.Facts.Packages.Manager = "dpkg"
	noCC := centos5("mail-nocc")
	withModules(noCC, rpm, bundled, msOwner)
	withBuildTools(noCC, []string{"make", "patch"}, "cc", "gcc", "rpmbuild")
	cpan := centos5("mail-cpan")
	withModules(cpan, tar, bundled, msOwner)
	setModule(cpan, "Archive::Zip",
		fleet.ModuleCopy{Path: localperl + "/Archive/Zip.pm", IncDir: localperl, Version: "1.16"},
		fleet.ModuleCopy{Path: sitelib + "/Archive/Zip.pm", IncDir: sitelib, Version: "1.30", Owner: msOwner(Dist{Name: "Archive-Zip"}, "1.30")})
	req := &Release{Path: "requirements.txt", Kind: KindRequirements, Perl: "5.8.8", Dists: []Dist{
		{Name: "Archive::Zip", Version: "1.30", Min: "1.30", Modules: []string{"Archive::Zip"}}}}
	return append(out, check{clam, oldMIME}, check{rpm, oldPerl}, check{rpm, deb}, check{rpm, noCC},
		check{tar, cpan}, check{req, oldMIME}, check{req, seedBox(t, rpm)})
}

// TestRulesNameNoCause checks that a preflight rule never names its
// causes, that each run alone on compare's engine gets its table id, and
// that Check gives exactly the causes of its rules run alone.
func TestRulesNameNoCause(t *testing.T) {
	fired := map[string]bool{}
	key := func(c compare.Cause) string {
		return c.Rule + "\x00" + c.Summary + "\x00" + strings.Join(c.Findings, ",")
	}
	for _, ch := range corpus(t) {
		in := newInput(ch.r, ch.s)
		var alone []string
		for _, r := range ruleTable() {
			for _, c := range r.Explain(in) {
				if c.Rule != "" {
					t.Errorf("%s/%s: rule %s names a cause %q: the table's id is the one", ch.r.Kind, ch.s.Host, r.ID, c.Rule)
				}
			}
			causes, _ := compare.MustTable([]compare.RuleFor[input]{r}).Explain(in, in.findings())
			for _, c := range causes {
				if c.Rule != r.ID {
					t.Errorf("%s/%s: rule %s alone gave a cause of %q", ch.r.Kind, ch.s.Host, r.ID, c.Rule)
				}
				fired[r.ID] = true
				alone = append(alone, key(c))
			}
		}
		var got []string
		for _, c := range Check(ch.r, []*fleet.Snapshot{ch.s}, now).Hosts[0].Causes {
			got = append(got, key(c))
		}
		if slices.Sort(got); !slices.Equal(got, slices.Sorted(slices.Values(alone))) {
			t.Errorf("%s/%s: Check's causes %q differ from its rules' run alone %q", ch.r.Kind, ch.s.Host, got, alone)
		}
	}
	for _, id := range Rules() {
		if !fired[id] {
			t.Errorf("no host of the corpus makes %s fire: the test says nothing about it", id)
		}
	}
}

// TestRankingIsCompares checks every report of the corpus against the
// ranking contract of compare's reports, written out here on its own:
// severity, then rule table order, then more findings first, then
// summary; and that compare's engine, given the same causes in any order,
// ranks them the same.
func TestRankingIsCompares(t *testing.T) {
	sev := map[compare.Severity]int{compare.Critical: 0, compare.Warning: 1, compare.Info: 2}
	order := map[string]int{}
	for i, id := range Rules() {
		order[id] = i
	}
	contract := func(a, b compare.Cause) int {
		return cmp.Or(cmp.Compare(sev[a.Severity], sev[b.Severity]), cmp.Compare(order[a.Rule], order[b.Rule]),
			cmp.Compare(len(b.Findings), len(a.Findings)), strings.Compare(a.Summary, b.Summary))
	}
	rng := rand.New(rand.NewPCG(3, 11))
	tested := 0
	for _, ch := range corpus(t) {
		h := Check(ch.r, []*fleet.Snapshot{ch.s}, now).Hosts[0]
		if !slices.IsSortedFunc(h.Causes, contract) {
			t.Errorf("%s/%s: causes not in compare's order: %v", ch.r.Kind, ch.s.Host, rules(&h))
		}
		shuffled := slices.Clone(h.Causes)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		var tab []compare.RuleFor[int]
		for _, id := range Rules() {
			tab = append(tab, compare.RuleFor[int]{ID: id, Explain: func(int) []compare.Cause {
				return slices.DeleteFunc(slices.Clone(shuffled), func(c compare.Cause) bool { return c.Rule != id })
			}})
		}
		if got, _ := compare.MustTable(tab).Explain(0, nil); !reflect.DeepEqual(got, h.Causes) {
			t.Errorf("%s/%s: compare's engine ranks %v, preflight %v", ch.r.Kind, ch.s.Host, ruleList(got), rules(&h))
		}
		tested += len(h.Causes)
	}
	if tested == 0 {
		t.Fatal("no causes in the corpus")
	}
}

func ruleList(cs []compare.Cause) []string {
	return rules(&compare.HostReport{Causes: cs})
}
