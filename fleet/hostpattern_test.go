package fleet

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// patternInventory has mail01 … mail12, mail1 … mail5, relay, and groups.
func patternInventory(t *testing.T) *Inventory {
	t.Helper()
	var b strings.Builder
	b.WriteString("groups:\n  mx: [mail01, mail02, mail03]\n  edge: [relay, mail12]\nhosts:\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  - mail%02d\n", i)
	}
	for i := 1; i <= 5; i++ {
		fmt.Fprintf(&b, "  - mail%d\n", i)
	}
	b.WriteString("  - relay\n")
	inv, err := ParseInventory("inv.yaml", strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func hostNames(hosts []Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}

func TestSelectPatterns(t *testing.T) {
	inv := patternInventory(t)
	for _, c := range []struct {
		targets []string
		want    string
	}{
		{nil, "mail01 mail02 mail03 mail04 mail05 mail06 mail07 mail08 mail09 mail10 mail11 mail12 mail1 mail2 mail3 mail4 mail5 relay"},
		{[]string{"relay", "mail3"}, "mail3 relay"},
		{[]string{"mx"}, "mail01 mail02 mail03"},
		{[]string{"mail[01-03]"}, "mail01 mail02 mail03"},
		{[]string{"mail[08-20]"}, "mail08 mail09 mail10 mail11 mail12"}, // names beyond the inventory are not hosts
		{[]string{"mail[1,3-5]"}, "mail1 mail3 mail4 mail5"},
		{[]string{"mail[1-5],!mail4"}, "mail1 mail2 mail3 mail5"},
		{[]string{"mail[1-5]", "!mail4"}, "mail1 mail2 mail3 mail5"},
		{[]string{"mail?"}, "mail1 mail2 mail3 mail4 mail5"},
		{[]string{"mail1*"}, "mail10 mail11 mail12 mail1"},
		{[]string{"*", "!mail0*", "!mail1?"}, "mail1 mail2 mail3 mail4 mail5 relay"},
		{[]string{"!mx,!edge,!mail[1-5]"}, "mail04 mail05 mail06 mail07 mail08 mail09 mail10 mail11"},
		{[]string{"edge,mail0[1-2]"}, "mail01 mail02 mail12 relay"},
		{[]string{" mail1 , ,relay,"}, "mail1 relay"},
		{[]string{"mail[0-1][1-2]"}, "mail01 mail02 mail11 mail12"},
		{[]string{"m*l[1-2]"}, "mail1 mail2"},
	} {
		got, err := inv.Select(c.targets)
		if err != nil {
			t.Errorf("Select(%q): %v", c.targets, err)
			continue
		}
		if g := strings.Join(hostNames(got), " "); g != c.want {
			t.Errorf("Select(%q) = %s\nwant %s", c.targets, g, c.want)
		}
	}
}

func TestSelectErrorsNameTheTerm(t *testing.T) {
	inv := patternInventory(t)
	for _, c := range []struct {
		targets []string
		want    string
	}{
		{[]string{"mial1"}, `inv.yaml: no host or group named "mial1"`},
		{[]string{"mail1", "db*", "!nope"}, `inv.yaml: pattern "db*" matches no inventory host; no host or group named "nope"`},
		{[]string{"mail[20-30]"}, `inv.yaml: pattern "mail[20-30]" matches no inventory host`},
		{[]string{"mail[3-1]"}, `inv.yaml: bad host pattern "mail[3-1]": range item "3-1" runs backwards`},
		{[]string{"mail[1-"}, `inv.yaml: bad host pattern "mail[1-": '[' without ']'`},
		{[]string{"mail]1"}, `inv.yaml: bad host pattern "mail]1": ']' without '['`},
		{[]string{"mail[a-b]"}, `inv.yaml: bad host pattern "mail[a-b]": range item "a-b": "a" is not a number of at most 9 digits`},
		{[]string{"mail[]"}, `inv.yaml: bad host pattern "mail[]": empty range []`},
		{[]string{"!"}, `inv.yaml: bad host pattern "!": '!' needs a host, group or pattern after it`},
		{[]string{"mail1!x"}, `inv.yaml: bad host pattern "mail1!x": '!' only starts a term`},
		{[]string{"mail[1-999999999]"}, `inv.yaml: bad host pattern "mail[1-999999999]": range item "1-999999999": more than 65536 names`},
		{[]string{"mail1,!mail1"}, `inv.yaml: "mail1,!mail1" selects no host`},
		{[]string{"mx", "!mail0*"}, `inv.yaml: "mx" "!mail0*" selects no host`},
	} {
		_, err := inv.Select(c.targets)
		if err == nil || err.Error() != c.want {
			t.Errorf("Select(%q) error\n got %v\nwant %s", c.targets, err, c.want)
		}
	}
}

func TestExpandNodeSet(t *testing.T) {
	for s, want := range map[string]string{
		"mail[01-03,09],relay": "mail01 mail02 mail03 mail09 relay",
		"mail[8-11]":           "mail8 mail9 mail10 mail11",
		"mail[098-101]":        "mail098 mail099 mail100 mail101",
		"r[1-2]n[1-2].x":       "r1n1.x r1n2.x r2n1.x r2n2.x",
		"a,a,b":                "a b",
	} {
		got, err := ExpandNodeSet(s)
		if err != nil || strings.Join(got, " ") != want {
			t.Errorf("ExpandNodeSet(%q) = %v, %v; want %s", s, got, err, want)
		}
	}
	for _, bad := range []string{"mail*", "!mail1", "mail[1-2"} {
		if _, err := ExpandNodeSet(bad); err == nil {
			t.Errorf("ExpandNodeSet(%q) accepted", bad)
		}
	}
}

// TestGlobMatchAgainstPathMatch checks GlobMatch against the standard
// library's path.Match on names without '/', '[' or '\\', where the two
// globs mean the same.
func TestGlobMatchAgainstPathMatch(t *testing.T) {
	names := []string{"", "a", "mail1", "mail12", "mail-old", "Mail::SpamAssassin.version", "ééa", "aaaaaaaaab", "x.y.z"}
	patterns := []string{"", "*", "?", "mail*", "mail?", "*1", "*l*", "a*a*a*b", "M*::*.version", "?éa", "*.*", "x.?.z", "mail1", "**", "*?*?"}
	for _, p := range patterns {
		for _, n := range names {
			want, err := path.Match(p, n)
			if err != nil {
				t.Fatal(err)
			}
			if got := GlobMatch(p, n); got != want {
				t.Errorf("GlobMatch(%q, %q) = %v, path.Match says %v", p, n, got, want)
			}
		}
	}
}

// FuzzHostPattern parses arbitrary patterns: never a panic; every name a
// range term expands to matches the term read as a regular expression; and
// Select either fails or returns inventory hosts without duplicates.
func FuzzHostPattern(f *testing.F) {
	for _, s := range []string{"mail[01-10]", "mail[1,3-5],!mail4", "mail*,!mx", "r[1-2]n[01-03]", "[", "]", "!", "a[1-999999999]", "m[0-0][9-9]?", ",,", "x[1-2,5]y*"} {
		f.Add(s)
	}
	inv := patternInventory(&testing.T{})
	f.Fuzz(func(t *testing.T, s string) {
		terms, err := parsePattern(s)
		if err == nil {
			for _, term := range terms {
				re := regexp.MustCompile("^" + rangeRegexp(term.text) + "$")
				for _, n := range term.names {
					if !re.MatchString(n) {
						t.Fatalf("term %q expands to %q, which it does not describe", term.text, n)
					}
				}
			}
		}
		hosts, err := inv.Select([]string{s})
		if err != nil {
			return
		}
		names := hostNames(hosts)
		if len(slices.Compact(slices.Clone(names))) != len(names) {
			t.Fatalf("Select(%q) repeats hosts: %v", s, names)
		}
		for _, n := range names {
			if _, ok := inv.Host(n); !ok {
				t.Fatalf("Select(%q) returned %q, not an inventory host", s, n)
			}
		}
	})
}

// rangeRegexp writes a term as a regular expression: a range [..] as
// digits, '*' and '?' as globs, every other character literally.
func rangeRegexp(term string) string {
	var b strings.Builder
	in := false
	for _, r := range term {
		switch {
		case r == '[':
			in = true
			b.WriteString(`\d+`)
		case r == ']':
			in = false
		case in:
		case r == '*':
			b.WriteString(`.*`)
		case r == '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

func TestSelectWithin(t *testing.T) {
	inv := patternInventory(t)
	run := inv.Within("run-dir", []string{"mail02", "mail1", "other", "mail02"})
	got, err := run.Select([]string{"mx,mail*"})
	if err != nil || strings.Join(hostNames(got), " ") != "mail02 mail1" {
		t.Errorf("Within: Select = %v, %v", hostNames(got), err)
	}
	if _, err := run.Select([]string{"mail03"}); err == nil || err.Error() != `run-dir: no host or group named "mail03"` {
		t.Errorf("a host outside the run: %v", err)
	}
	if _, err := run.Select([]string{"edge"}); err == nil || err.Error() != `run-dir: group "edge" has no hosts` {
		t.Errorf("a group without hosts in the run: %v", err)
	}
	if len(inv.Groups["mx"].Members) != 3 || len(inv.Hosts) != 18 {
		t.Errorf("Within changed the inventory")
	}
	bare := (*Inventory)(nil).Within("r", []string{"b", "a"})
	if got, err := bare.Select(nil); err != nil || strings.Join(hostNames(got), " ") != "b a" {
		t.Errorf("bare Within: %v, %v", hostNames(got), err)
	}
}
