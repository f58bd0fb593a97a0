package view

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// randomNames makes a set of valid inventory host names of the shapes a
// fleet has: a prefix, a number (natural or zero-padded, of any width up
// to 9 digits) and sometimes a suffix with digits of its own, plus names
// without digits.
func randomNames(r *rand.Rand) []string {
	prefixes := []string{"mail", "mx", "r1n", "gw-", "a", "web.", "x0y"}
	suffixes := []string{"", "", "", ".example.com", "-a", "b2."}
	n := 1 + r.IntN(40)
	var out []string
	for range n {
		if r.IntN(10) == 0 {
			out = append(out, []string{"relay", "db", "gw", "mail"}[r.IntN(4)])
			continue
		}
		var num string
		switch r.IntN(4) {
		case 0:
			num = fmt.Sprintf("%0*d", 1+r.IntN(4), r.IntN(1200))
		case 1:
			num = fmt.Sprint(r.IntN(1000000000))
		default:
			num = fmt.Sprint(r.IntN(30))
		}
		out = append(out, prefixes[r.IntN(len(prefixes))]+num+suffixes[r.IntN(len(suffixes))])
	}
	return out
}

// checkFoldExpand folds hosts and expands the result: the same set.
func checkFoldExpand(t *testing.T, hosts []string) {
	t.Helper()
	folded := Fold(hosts)
	got, err := fleet.ExpandNodeSet(folded)
	if err != nil {
		t.Fatalf("Fold(%q) = %q, which does not expand: %v", hosts, folded, err)
	}
	want := slices.Compact(slices.Sorted(slices.Values(hosts)))
	if slices.Sort(got); !slices.Equal(got, want) {
		t.Fatalf("Fold(%q) = %q expands to %q", hosts, folded, got)
	}
}

// TestFoldThenExpandIsIdentity: host patterns (fleet.ExpandNodeSet) read
// back exactly the set that Fold writes, so a folded host list from any
// report can be pasted as a TARGET.
func TestFoldThenExpandIsIdentity(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2026))
	for range 3000 {
		checkFoldExpand(t, randomNames(r))
	}
}

// FuzzFoldExpand folds the names of a comma list and expands the result.
func FuzzFoldExpand(f *testing.F) {
	f.Add("mail01,mail02,mail10,mail9,relay")
	f.Add("a0,a00,a000,a1,a01")
	f.Add("r1n1.x,r1n2.x,r2n1.x")
	f.Fuzz(func(t *testing.T, list string) {
		var hosts []string
		for _, h := range strings.Split(list, ",") {
			if fleet.ValidHostName(h) {
				hosts = append(hosts, h)
			}
		}
		checkFoldExpand(t, hosts)
	})
}
