package redact

import (
	"slices"
	"strings"
)

// learn registers the names a string reveals: addresses, fully qualified
// names, /home/USER paths and USER@HOST. It reports whether it learned one.
func (r *Redactor) learn(s string) bool {
	before := len(r.tokens)
	if strings.Contains(s, ".") {
		for _, m := range ipv4Pattern.FindAllStringIndex(s, -1) {
			if ipBounded(s, m[0], m[1], false) {
				r.ip(s[m[0]:m[1]])
			}
		}
		for _, run := range runs(s) {
			name := strings.Trim(s[run[0]:run[1]], ".-_")
			if strings.Contains(name, ".") && !numeric(name) && domainLike(name) {
				r.fqdn(name)
			}
		}
	}
	if strings.Contains(s, ":") {
		for _, m := range ipv6Pattern.FindAllStringIndex(s, -1) {
			if c := s[m[0]:m[1]]; ipv6Candidate(c) && ipBounded(s, m[0], m[1], true) {
				r.ip(c)
			}
		}
	}
	if strings.Contains(s, "SHA256:") {
		for _, fp := range fingerprintPattern.FindAllString(s, -1) {
			if _, ok := r.keys[fp]; !ok {
				r.keys[fp] = r.alloc(KindHostKey, fp)
			}
		}
	}
	if strings.Contains(s, "/") {
		fact := factKey(s)
		for _, m := range homePattern.FindAllStringSubmatch(s, -1) {
			name := m[1]
			if i := strings.LastIndexByte(name, '.'); fact && i > 0 {
				name = name[:i] // mounts./home/alice.noexec: the attribute follows
			}
			r.user(name)
		}
	}
	if strings.Contains(s, "@") {
		for _, m := range userAtPattern.FindAllStringSubmatch(s, -1) {
			host := strings.ToLower(m[2])
			if _, known := r.names[host]; known || (strings.Contains(host, ".") && domainLike(host)) {
				r.user(m[1])
				if strings.Contains(host, ".") {
					r.fqdn(m[2])
				}
			}
		}
	}
	return len(r.tokens) != before
}

// numeric reports whether a dotted name is all digits and dots (a version).
func numeric(s string) bool {
	return strings.Trim(s, "0123456789.") == ""
}

// span is one replacement in a string.
type span struct {
	i, j int
	repl string
}

// replace rewrites one string: cleans it, masks secrets, then replaces every
// known name, address, user and word by its token.
func (r *Redactor) replace(s string) string {
	if out, ok := r.memo[s]; ok {
		return out
	}
	c := Clean(s)
	var spans []span
	spans = r.wordSpans(c, spans)
	spans = r.nameSpans(c, spans)
	spans = r.ipSpans(c, spans)
	spans = r.keySpans(c, spans)
	out := apply(c, spans)
	r.memo[s] = out
	return out
}

// apply replaces non-overlapping spans, earliest and then longest first.
func apply(s string, spans []span) string {
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int {
		if a.i != b.i {
			return a.i - b.i
		}
		return b.j - a.j
	})
	var b strings.Builder
	b.Grow(len(s))
	p := 0
	for _, sp := range spans {
		if sp.i < p {
			continue
		}
		b.WriteString(s[p:sp.i])
		b.WriteString(sp.repl)
		p = sp.j
	}
	b.WriteString(s[p:])
	return b.String()
}

// wordSpans finds the extra words anywhere, in any case.
func (r *Redactor) wordSpans(s string, spans []span) []span {
	if len(r.words) == 0 {
		return spans
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		// Case folding changed byte lengths: fall back to per-rune search.
		return r.wordSpansFold(s, spans)
	}
	for _, w := range r.words {
		for p := 0; ; {
			k := strings.Index(lower[p:], w.lower)
			if k < 0 {
				break
			}
			spans = append(spans, span{p + k, p + k + len(w.lower), w.token})
			p += k + len(w.lower)
		}
	}
	return spans
}

func (r *Redactor) wordSpansFold(s string, spans []span) []span {
	for _, w := range r.words {
		for i := 0; i < len(s); i++ {
			if end := len(w.lower); i+end <= len(s) && strings.EqualFold(s[i:i+end], w.lower) {
				spans = append(spans, span{i, i + end, w.token})
				i += end - 1
			}
		}
	}
	return spans
}

// nameSpans finds known host names, domains and users. A name must stand
// alone: the characters around it are not letters or digits, and it is not
// part of a Perl module name (Mail::Foo).
func (r *Redactor) nameSpans(s string, spans []span) []span {
	if len(r.names) == 0 && len(r.users) == 0 {
		return spans
	}
	for _, run := range runs(s) {
		atoms := atomsOf(s, run[0], run[1])
		for a := 0; a < len(atoms); a++ {
			// Names have at most a dozen labels; the bound keeps long runs linear.
			for b := min(len(atoms)-1, a+12); b >= a; b-- {
				i, j := atoms[a][0], atoms[b][1]
				if perlContext(s, i, j) {
					continue
				}
				cand := s[i:j]
				if t, ok := r.names[strings.ToLower(cand)]; ok {
					spans = append(spans, span{i, j, t})
					a = b
					break
				}
				if t, ok := r.users[cand]; ok {
					spans = append(spans, span{i, j, t})
					a = b
					break
				}
			}
		}
	}
	return spans
}

// keySpans finds host key fingerprints.
func (r *Redactor) keySpans(s string, spans []span) []span {
	if len(r.keys) == 0 || !strings.Contains(s, "SHA256:") {
		return spans
	}
	for _, m := range fingerprintPattern.FindAllStringIndex(s, -1) {
		if t, ok := r.keys[s[m[0]:m[1]]]; ok {
			spans = append(spans, span{m[0], m[1], t})
		}
	}
	return spans
}

// ipSpans finds addresses; every address in the input was learned first.
func (r *Redactor) ipSpans(s string, spans []span) []span {
	if len(r.ips) == 0 {
		return spans
	}
	if strings.Contains(s, ".") {
		for _, m := range ipv4Pattern.FindAllStringIndex(s, -1) {
			if t := r.ipToken(s, m[0], m[1], false); t != "" {
				spans = append(spans, span{m[0], m[1], t})
			}
		}
	}
	if strings.Contains(s, ":") {
		for _, m := range ipv6Pattern.FindAllStringIndex(s, -1) {
			if ipv6Candidate(s[m[0]:m[1]]) {
				if t := r.ipToken(s, m[0], m[1], true); t != "" {
					spans = append(spans, span{m[0], m[1], t})
				}
			}
		}
	}
	return spans
}

func (r *Redactor) ipToken(s string, i, j int, v6 bool) string {
	if !ipBounded(s, i, j, v6) {
		return ""
	}
	c, ok := parseIP(s[i:j])
	if !ok {
		return ""
	}
	return r.ips[c]
}

// ipBounded reports whether s[i:j] stands alone as an address: no letter
// or digit on either side (nor a colon, for IPv6), no dot before it and no
// ".digit" after it (which would make it part of a longer version number).
func ipBounded(s string, i, j int, v6 bool) bool {
	if i > 0 {
		if c := s[i-1]; alnum(c) || (v6 && c == ':') || c == '.' {
			return false
		}
	}
	if j < len(s) {
		c := s[j]
		if alnum(c) || (v6 && c == ':') {
			return false
		}
		if c == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9' {
			return false
		}
	}
	return true
}

// perlContext reports whether s[i:j] touches "::", as in Mail::SpamAssassin.
func perlContext(s string, i, j int) bool {
	return strings.HasSuffix(s[:i], "::") || strings.HasPrefix(s[j:], "::")
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// nameChar reports whether c can be part of a host, domain or user name.
func nameChar(c byte) bool {
	return alnum(c) || c == '.' || c == '-' || c == '_'
}

// runs returns the maximal runs of name characters in s.
func runs(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		if !nameChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && nameChar(s[j]) {
			j++
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// atomsOf splits a run at dots, dashes and underscores: a name starts and
// ends at atom edges.
func atomsOf(s string, i, j int) [][2]int {
	var out [][2]int
	for k := i; k < j; {
		if !alnum(s[k]) {
			k++
			continue
		}
		e := k
		for e < j && alnum(s[e]) {
			e++
		}
		out = append(out, [2]int{k, e})
		k = e
	}
	return out
}
