package view

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
)

// TestPivotProperties checks, over random reports, every cell of the pivot
// against the findings of every host in its column: a host's own finding
// differs; a fact whose probe did not run cleanly on the host is unknown,
// never the same as the baseline; anything else is the same.
func TestPivotProperties(t *testing.T) {
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 11))
		hosts := randomHosts(rng, 1+rng.IntN(20))
		p := BuildPivot(GroupHosts(hosts, nil), false)

		var facts, skipped []string
		first := map[string]compare.Finding{}
		noise := map[string]bool{}
		for _, h := range hosts {
			if !h.Status.Assessed() {
				skipped = append(skipped, h.Host)
				continue
			}
			for _, f := range h.Findings {
				if _, ok := first[f.Fact]; !ok {
					first[f.Fact] = f
					facts = append(facts, f.Fact)
					noise[f.Fact] = true
				}
				noise[f.Fact] = noise[f.Fact] && f.Noise
			}
		}
		slices.Sort(facts)
		if !slices.Equal(p.Facts, facts) || !slices.Equal(p.Skipped, skipped) {
			t.Fatalf("seed %d: facts %v skipped %v; want %v and %v", seed, p.Facts, p.Skipped, facts, skipped)
		}
		for i, f := range p.Facts {
			if p.Base[i] != first[f] || p.Noise[i] != noise[f] {
				t.Errorf("seed %d: %s: base %+v noise %v; want %+v %v", seed, f, p.Base[i], p.Noise[i], first[f], noise[f])
			}
		}
		for _, c := range p.Columns {
			for _, name := range c.Hosts() {
				h := hosts[slices.IndexFunc(hosts, func(h *compare.HostReport) bool { return h.Host == name })]
				for i, fact := range p.Facts {
					if got, want := c.Cells[i], expectedCell(h, fact); got != want {
						t.Errorf("seed %d: %s %s: cell %+v, want %+v", seed, name, fact, got, want)
					}
				}
			}
			if c.AllSame() != (len(c.Groups[0].Report.Findings) == 0) {
				t.Errorf("seed %d: column %v: AllSame %v with %d findings", seed, c.Hosts(), c.AllSame(), len(c.Groups[0].Report.Findings))
			}
		}
	}
}

// expectedCell is what a host's cell for a fact must hold, worked out from
// the probe behind each fact.
func expectedCell(h *compare.HostReport, fact string) Cell {
	if f, ok := h.Finding(fact); ok {
		return Cell{State: Differs, Finding: f}
	}
	if u, ok := h.Finding(probeOfFact[fact]); ok && u.Kind == compare.Unknown {
		return Cell{State: Unknown, Finding: u}
	}
	return Cell{}
}

// TestPivotMerge checks that Merge folds exactly the columns whose cells
// read the same, keeps every host, and keeps the order of first columns.
func TestPivotMerge(t *testing.T) {
	for seed := range uint64(100) {
		rng := rand.New(rand.NewPCG(seed, 13))
		p := BuildPivot(GroupHosts(randomHosts(rng, 2+rng.IntN(20)), nil), false)
		// A key that sees only the cell's state: many columns read the same.
		state := func(c Cell) string { return fmt.Sprint(c.State) }
		m := p.Merge(state)
		read := func(c Column) string {
			var s string
			for _, cell := range c.Cells {
				s += state(cell) + ","
			}
			return s
		}
		var before, after []string
		seen := map[string]bool{}
		for _, c := range p.Columns {
			before = append(before, c.Hosts()...)
			if !seen[read(c)] {
				seen[read(c)] = true
			}
		}
		if len(m.Columns) != len(seen) {
			t.Fatalf("seed %d: %d merged columns, want %d (one per distinct reading)", seed, len(m.Columns), len(seen))
		}
		for i, c := range m.Columns {
			after = append(after, c.Hosts()...)
			for _, o := range m.Columns[i+1:] {
				if read(o) == read(c) {
					t.Fatalf("seed %d: two merged columns read the same", seed)
				}
			}
			if i > 0 && c.Groups[0].First < m.Columns[i-1].Groups[0].First {
				t.Fatalf("seed %d: merged columns out of order", seed)
			}
		}
		slices.Sort(before)
		slices.Sort(after)
		if !slices.Equal(before, after) {
			t.Fatalf("seed %d: merge lost or doubled hosts: %v, want %v", seed, after, before)
		}
	}
}

func TestColumnRank(t *testing.T) {
	warn := &HostGroup{Report: &compare.HostReport{Causes: []compare.Cause{{Severity: compare.Warning}}}}
	crit := &HostGroup{Report: &compare.HostReport{Causes: []compare.Cause{{Severity: compare.Critical}}}}
	none := &HostGroup{Report: &compare.HostReport{}}
	if r := (Column{Groups: []*HostGroup{warn, crit, none}}).Rank(); r != compare.Critical.Rank() {
		t.Errorf("Rank = %d, want the critical rank %d", r, compare.Critical.Rank())
	}
	if r := (Column{Groups: []*HostGroup{none}}).Rank(); r != NoCause {
		t.Errorf("Rank without causes = %d, want NoCause", r)
	}
}

func TestModuleFact(t *testing.T) {
	for _, tc := range []struct {
		fact, prefix, module, attr string
		ok                         bool
	}{
		{"perl_modules.Archive::Zip::Member.copies", PrefixModules, "Archive::Zip::Member", "copies", true},
		{"perl_modules.cpan_log.Net::DNS", PrefixCPANLog, "Net::DNS", "", true},
		{"mailscanner_version.module.Net::DNS::RR", PrefixMailScanner, "Net::DNS::RR", "", true},
		{"perl_modules", "", "", "", false},
		{"perl_modules.inc", "", "", "", false},
		{"mounts./tmp.noexec", "", "", "", false},
	} {
		prefix, module, attr, ok := ModuleFact(tc.fact)
		if prefix != tc.prefix || module != tc.module || attr != tc.attr || ok != tc.ok {
			t.Errorf("ModuleFact(%q) = %q, %q, %q, %v; want %q, %q, %q, %v", tc.fact, prefix, module, attr, ok, tc.prefix, tc.module, tc.attr, tc.ok)
		}
	}
}
