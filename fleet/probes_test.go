package fleet

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// factsFields returns the JSON name of each field of Facts but Custom, in
// declaration order, with the field's index.
func factsFields(t *testing.T) map[string]int {
	t.Helper()
	out := map[string]int{}
	ft := reflect.TypeOf(Facts{})
	for i := range ft.NumField() {
		name, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" {
			t.Fatalf("Facts.%s has no JSON name", ft.Field(i).Name)
		}
		if name != "custom" {
			out[name] = i
		}
	}
	return out
}

// TestProbeNamesAreFactsFields checks that the built-in probes are exactly
// the JSON fields of Facts, and that each probe's accessor reads and
// writes the field of its name and no other.
func TestProbeNamesAreFactsFields(t *testing.T) {
	fields := factsFields(t)
	names := ProbeNames()
	if len(names) != len(fields) {
		t.Errorf("ProbeNames() = %q, Facts fields %v", names, fields)
	}
	if c := slices.Compact(slices.Sorted(slices.Values(names))); len(c) != len(names) {
		t.Errorf("ProbeNames() has duplicates: %q", names)
	}
	for name := range fields {
		if !slices.Contains(names, name) || !BuiltinProbe(name) {
			t.Errorf("Facts field %q is no built-in probe", name)
		}
	}
	for _, name := range names {
		i, ok := fields[name]
		if !ok {
			t.Errorf("probe %q has no Facts field of that JSON name", name)
			continue
		}
		var f Facts
		fv := reflect.ValueOf(&f).Elem().Field(i)
		ptr := reflect.New(fv.Type().Elem())
		fv.Set(ptr)
		for _, other := range names {
			if got := f.Get(other); (other == name) != (got != nil) {
				t.Errorf("with only %s set, Get(%q) = %v", name, other, got)
			}
			if f.Has(other) != (other == name) {
				t.Errorf("with only %s set, Has(%q) = %v", name, other, f.Has(other))
			}
		}
		if got := f.Get(name); got == nil || reflect.ValueOf(got).Pointer() != ptr.Pointer() || reflect.TypeOf(got) != fv.Type() {
			t.Errorf("Get(%q) = %T %p, want the field's %s", name, got, got, fv.Type())
		}
		if got := f.Names(); !slices.Equal(got, []string{name}) {
			t.Errorf("Names() = %q, want [%s]", got, name)
		}
		var dst Facts
		dst.Merge(&f)
		if got := reflect.ValueOf(&dst).Elem().Field(i); got.Pointer() != ptr.Pointer() {
			t.Errorf("Merge did not copy %s", name)
		}
		// Merging facts without the field keeps it.
		dst.Merge(&Facts{})
		if !dst.Has(name) {
			t.Errorf("Merge of empty facts dropped %s", name)
		}
	}
	if BuiltinProbe("custom") || BuiltinProbe("") {
		t.Error("custom or the empty name taken for a built-in probe")
	}
}

func TestFactsCustom(t *testing.T) {
	f := Facts{OS: &OS{}, Custom: map[string]*Custom{"zeta": {}, "alpha": {}, "gone": nil}}
	if got, want := f.Names(), []string{ProbeOS, "alpha", "zeta"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	if c, ok := f.Get("alpha").(*Custom); !ok || c != f.Custom["alpha"] {
		t.Errorf("Get(alpha) = %v", f.Get("alpha"))
	}
	if f.Has("gone") || f.Has("nosuch") || f.Get("gone") != nil {
		t.Error("a nil or absent custom probe has facts")
	}
	dst := Facts{Custom: map[string]*Custom{"alpha": {Command: "old"}, "beta": {}}}
	dst.Merge(&Facts{Custom: map[string]*Custom{"alpha": {Command: "new"}}})
	if dst.Custom["alpha"].Command != "new" || dst.Custom["beta"] == nil {
		t.Errorf("Merge custom = %+v", dst.Custom)
	}
	var empty Facts
	empty.Merge(&f)
	if !slices.Equal(empty.Names(), f.Names()) {
		t.Errorf("Merge into empty facts: %q, want %q", empty.Names(), f.Names())
	}
}
