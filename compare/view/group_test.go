package view

import (
	"slices"
	"testing"
)

func TestGrouper(t *testing.T) {
	var g Grouper[string]
	g.Add("b", "first b", "mail02")
	g.Add("a", "first a", "mail01", "mail03")
	g.Add("b", "second b", "mail05")
	got := g.Groups()
	if len(got) != 2 {
		t.Fatalf("%d groups, want 2", len(got))
	}
	if got[0].Value != "first b" || !slices.Equal(got[0].Hosts, []string{"mail02", "mail05"}) || got[0].Label() != "mail[02,05]" {
		t.Errorf("group b = %+v (label %q), want the first value and both hosts in order", got[0], got[0].Label())
	}
	if got[1].Value != "first a" || !slices.Equal(got[1].Hosts, []string{"mail01", "mail03"}) {
		t.Errorf("group a = %+v", got[1])
	}
}

func TestKey(t *testing.T) {
	type row struct{ A, B string }
	a, b := row{"x", "y"}, row{"x", "y"}
	if Key(a) != Key(b) {
		t.Error("equal values give different keys")
	}
	if Key(row{"x\x00", "y"}) == Key(row{"x", "\x00y"}) {
		t.Error("different values give the same key")
	}
}
