package fleet

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Host patterns, as clush and Ansible users type them: a comma list of
// terms, each a host name, a group name, a node range such as mail[01-10]
// or mail[1,3-5], a glob such as mail* or mail?, or any of these after '!'
// to exclude what it selects. Ranges and globs match inventory host names
// only. Node ranges are the inverse of the folding every report uses
// (mail01 … mail07 and mail09 fold to mail[01-07,09]).

// MaxPatternNames caps the names one range term may expand to, so that a
// typo such as mail[1-999999999] is an error, not an allocation.
const MaxPatternNames = 1 << 16

// patternTerm is one term of a host pattern.
type patternTerm struct {
	text    string // as written, without the '!'
	exclude bool
	// names is the range expansion of text: one name, or many; each may
	// still hold glob characters.
	names []string
	// pattern is set when the term has a range or a glob, so it matches
	// inventory host names only.
	pattern bool
}

// splitPatternList splits s at the commas outside brackets; empty items
// (a trailing comma) are dropped.
func splitPatternList(s string) ([]string, error) {
	var out []string
	depth, start := 0, 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) {
			switch s[i] {
			case '[':
				depth++
				if depth > 1 {
					return nil, fmt.Errorf("%q: '[' inside a range", s)
				}
				continue
			case ']':
				depth--
				if depth < 0 {
					return nil, fmt.Errorf("%q: ']' without '['", s)
				}
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if depth > 0 {
			return nil, fmt.Errorf("%q: '[' without ']'", s)
		}
		if item := strings.TrimSpace(s[start:i]); item != "" {
			out = append(out, item)
		}
		start = i + 1
	}
	return out, nil
}

// parsePattern parses one target argument (itself a comma list) into terms.
func parsePattern(s string) ([]patternTerm, error) {
	items, err := splitPatternList(s)
	if err != nil {
		return nil, err
	}
	terms := make([]patternTerm, 0, len(items))
	for _, item := range items {
		t := patternTerm{text: item}
		if strings.HasPrefix(item, "!") {
			t.exclude, t.text = true, strings.TrimSpace(item[1:])
			if t.text == "" {
				return nil, fmt.Errorf("%q: '!' needs a host, group or pattern after it", item)
			}
		}
		if strings.ContainsAny(t.text, "!") {
			return nil, fmt.Errorf("%q: '!' only starts a term", item)
		}
		t.pattern = strings.ContainsAny(t.text, "[*?")
		if t.names, err = expandRanges(t.text); err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return terms, nil
}

// ExpandNodeSet expands a comma list of names and node ranges, such as
// Fold writes them ("mail[01-07,09],relay1"), into host names, in the
// order written, without duplicates. It is the inverse of the reports'
// folding. It takes no globs and no exclusions.
func ExpandNodeSet(s string) ([]string, error) {
	items, err := splitPatternList(s)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, item := range items {
		if strings.ContainsAny(item, "!*?") {
			return nil, fmt.Errorf("%q: a node set holds names and ranges only", item)
		}
		names, err := expandRanges(item)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

// expandRanges expands every [..] of one term: rack[1-2]n[1-3] gives six
// names. Each range is a comma list of numbers and from-to spans; a number
// written with leading zeros gives its span that width (01-10 gives 01 …
// 10).
func expandRanges(term string) ([]string, error) {
	out := []string{""}
	rest := term
	for rest != "" {
		i := strings.IndexByte(rest, '[')
		if i < 0 {
			if strings.IndexByte(rest, ']') >= 0 {
				return nil, fmt.Errorf("%q: ']' without '['", term)
			}
			out = appendAll(out, []string{rest})
			break
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			return nil, fmt.Errorf("%q: '[' without ']'", term)
		}
		if strings.IndexByte(rest[:i], ']') >= 0 {
			return nil, fmt.Errorf("%q: ']' without '['", term)
		}
		nums, err := expandRange(rest[i+1 : i+j])
		if err != nil {
			return nil, fmt.Errorf("%q: %w", term, err)
		}
		if len(out)*len(nums) > MaxPatternNames {
			return nil, fmt.Errorf("%q: expands to more than %d names", term, MaxPatternNames)
		}
		out = appendAll(appendAll(out, []string{rest[:i]}), nums)
		rest = rest[i+j+1:]
	}
	return out, nil
}

// appendAll returns every prefix followed by every suffix.
func appendAll(prefixes, suffixes []string) []string {
	out := make([]string, 0, len(prefixes)*len(suffixes))
	for _, p := range prefixes {
		for _, s := range suffixes {
			out = append(out, p+s)
		}
	}
	return out
}

// expandRange expands the inside of one [..]: "01-03,7" gives 01 02 03 7.
func expandRange(spec string) ([]string, error) {
	if spec == "" {
		return nil, errors.New("empty range []")
	}
	var out []string
	for _, item := range strings.Split(spec, ",") {
		from, to, span := strings.Cut(item, "-")
		if !span {
			to = from
		}
		lo, err := rangeNumber(from)
		hi := lo
		if err == nil {
			hi, err = rangeNumber(to)
		}
		if err != nil {
			return nil, fmt.Errorf("range item %q: %w", item, err)
		}
		if hi < lo {
			return nil, fmt.Errorf("range item %q runs backwards", item)
		}
		if hi-lo >= MaxPatternNames || len(out)+hi-lo >= MaxPatternNames {
			return nil, fmt.Errorf("range item %q: more than %d names", item, MaxPatternNames)
		}
		width := 0
		if len(from) > 1 && from[0] == '0' {
			width = len(from)
		}
		for n := lo; n <= hi; n++ {
			out = append(out, fmt.Sprintf("%0*d", width, n))
		}
	}
	return out, nil
}

// rangeNumber parses one bound of a range: ASCII digits only.
func rangeNumber(s string) (int, error) {
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a number of at most 9 digits", s)
	}
	return strconv.Atoi(s)
}

// GlobMatch reports whether name matches pattern, in which '*' stands for
// any run of characters (also none) and '?' for one character; every other
// character stands for itself. It is the glob of host patterns, waivers'
// facts and history's fact filter.
func GlobMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// Iterative matching with one backtrack point: linear in practice,
	// even for patterns such as a*a*a*b against long names.
	i, j := 0, 0
	star, mark := -1, 0
	for j < len(n) {
		switch {
		case i < len(p) && p[i] == '*':
			star, mark = i, j
			i++
		case i < len(p) && (p[i] == '?' || p[i] == n[j]):
			i++
			j++
		case star >= 0:
			i = star + 1
			mark++
			j = mark
		default:
			return false
		}
	}
	for i < len(p) && p[i] == '*' {
		i++
	}
	return i == len(p)
}

// resolveTerm returns the inventory hosts one term selects, in inventory
// order, or an error naming the term when it selects none.
func (inv *Inventory) resolveTerm(t patternTerm) ([]string, error) {
	if !t.pattern {
		if g, ok := inv.Groups[t.text]; ok {
			if len(g.Members) == 0 {
				return nil, fmt.Errorf("group %q has no hosts", t.text)
			}
			return g.Members, nil
		}
		if _, ok := inv.Host(t.text); ok {
			return []string{t.text}, nil
		}
		return nil, fmt.Errorf("no host or group named %q", t.text)
	}
	match := func(name string) bool {
		return slices.ContainsFunc(t.names, func(p string) bool { return GlobMatch(p, name) })
	}
	if !strings.ContainsAny(t.text, "*?") { // a range only: look names up
		set := make(map[string]bool, len(t.names))
		for _, n := range t.names {
			set[n] = true
		}
		match = func(name string) bool { return set[name] }
	}
	var out []string
	for _, h := range inv.Hosts {
		if match(h.Name) {
			out = append(out, h.Name)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("pattern %q matches no inventory host", t.text)
	}
	return out, nil
}

// selectNames resolves targets to host names. Each problem (a bad
// pattern, an unknown name, a pattern that matches nothing) is one error
// of the list, in the order of targets.
func (inv *Inventory) selectNames(targets []string) (map[string]bool, []error) {
	include, exclude := map[string]bool{}, map[string]bool{}
	positive := false
	var errs []error
	for _, target := range targets {
		terms, err := parsePattern(target)
		if err != nil {
			errs = append(errs, fmt.Errorf("bad host pattern %w", err))
			continue
		}
		for _, t := range terms {
			names, err := inv.resolveTerm(t)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			set := include
			if t.exclude {
				set = exclude
			} else {
				positive = true
			}
			for _, n := range names {
				set[n] = true
			}
		}
	}
	if !positive && len(errs) == 0 {
		for _, h := range inv.Hosts {
			include[h.Name] = true
		}
	}
	for n := range exclude {
		delete(include, n)
	}
	return include, errs
}

// Select returns the hosts that targets select, in inventory order, or
// every host when targets is empty. A target is a host pattern: names,
// group names, node ranges (mail[01-10], mail[1,3-5]), globs (mail*),
// exclusions (!mail4, !group) and comma lists of these. Exclusions alone
// start from every host. An unknown name, a bad pattern, a pattern that
// matches nothing, or a selection left empty is an error naming it.
func (inv *Inventory) Select(targets []string) ([]Host, error) {
	want, errs := inv.selectNames(targets)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: %w", inv.File, joinErrors(errs))
	}
	var out []Host
	for _, h := range inv.Hosts {
		if want[h.Name] {
			out = append(out, h)
		}
	}
	if len(out) == 0 && len(targets) > 0 {
		return nil, fmt.Errorf("%s: %s selects no host", inv.File, strings.Join(quoteAll(targets), " "))
	}
	return out, nil
}

// joinErrors joins errors on one line, "; " between them.
func joinErrors(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Within returns a copy of inv whose hosts are names, in that order (the
// inventory's entry for each name it lists, a bare host for the others),
// whose groups keep only those names, and whose File is source. Patterns
// for a stored run (compare --from, drift) resolve over it. A nil inv
// gives an inventory of bare names without groups.
func (inv *Inventory) Within(source string, names []string) *Inventory {
	out := &Inventory{File: source, Groups: map[string]*Group{}}
	if inv != nil {
		c := *inv
		out = &c
		out.File, out.Groups = source, make(map[string]*Group, len(inv.Groups))
	}
	out.Hosts = nil
	in := map[string]bool{}
	for _, n := range names {
		if in[n] {
			continue
		}
		in[n] = true
		h := Host{Name: n}
		if inv != nil {
			if known, ok := inv.Host(n); ok {
				h = known
			}
		}
		out.Hosts = append(out.Hosts, h)
	}
	if inv != nil {
		for name, g := range inv.Groups {
			c := *g
			c.Members = slices.DeleteFunc(slices.Clone(g.Members), func(m string) bool { return !in[m] })
			out.Groups[name] = &c
		}
	}
	return out
}
