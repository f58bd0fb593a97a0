package redact

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// Patterns that find identities in free text.
var (
	ipv4Pattern = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	// ipv6Pattern is loose; netip.ParseAddr decides.
	ipv6Pattern        = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?(?:(?:\d{1,3}\.){3}\d{1,3})?`)
	fingerprintPattern = regexp.MustCompile(`SHA256:[A-Za-z0-9+/]{43}=?`)
	userAtPattern      = regexp.MustCompile(`([A-Za-z0-9_][A-Za-z0-9._-]*)@(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.:-]*[A-Za-z0-9])`)
	homePattern        = regexp.MustCompile(`/(?:home|Users|export/home|var/home)/([A-Za-z0-9._][A-Za-z0-9._-]*)`)
)

// systemUsers are accounts every gateway has; naming them reveals nothing,
// and replacing them would garble paths and commands (root, mail).
var systemUsers = map[string]bool{}

func init() {
	for _, u := range strings.Fields(`root daemon bin sys adm mail mailnull postfix postmaster exim
		Debian-exim smmsp sendmail clamav clamupdate clamscan amavis spamd nobody nogroup www-data
		apache ftp news uucp operator games backup list irc sshd ntp dbus systemd-network
		MAILER-DAEMON abuse hostmaster webmaster noreply no-reply`) {
		systemUsers[u] = true
	}
}

// userName reports whether s can be a login name worth hiding.
func userName(s string) bool {
	return s != "" && s != "." && s != ".." && !systemUsers[s] && len(s) <= 32 &&
		!strings.ContainsAny(s, " \t\n/@:")
}

// parseIP returns the canonical form of an address literal.
func parseIP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	return a.WithZone("").String(), true
}

// ipv6Candidate reports whether a loose IPv6 match is worth parsing: it
// holds a digit and two colons in a row or seven colons, so Perl names
// (Mail::SpamAssassin) and times (18:05:01) do not qualify.
func ipv6Candidate(s string) bool {
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	return strings.Contains(s, "::") || strings.Count(s, ":") == 7
}

// learnText registers the users free text reveals: USER@ADDRESS, where
// ADDRESS is an address literal or a known host. It reports whether it
// learned one.
func (r *Redactor) learnText(s string) bool {
	if !strings.Contains(s, "@") {
		return false
	}
	learned := false
	for _, m := range userAtPattern.FindAllStringSubmatch(s, -1) {
		host := strings.Trim(m[2], "[]")
		if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(host, "::") && strings.Count(host, ":") == 1 {
			host = h // user@host:port
		}
		_, isIP := parseIP(host)
		if (isIP || r.hosts[strings.ToLower(strings.TrimSuffix(host, "."))]) && userName(m[1]) && !r.users[m[1]] {
			r.users[m[1]] = true
			learned = true
		}
	}
	return learned
}

// span is one replacement in a string.
type span struct {
	i, j int
	repl string
}

// text rewrites free text: it is cleaned (escapes removed, secrets
// masked), then every known identity standing alone and every address
// literal and host key fingerprint is replaced by its token.
func (r *Redactor) text(s string) string {
	if out, ok := r.memo[s]; ok {
		return out
	}
	c := Clean(s)
	var spans []span
	spans = r.wordSpans(c, spans)
	spans = r.nameSpans(c, spans)
	spans = r.ipSpans(c, spans)
	spans = r.keySpans(c, spans)
	spans = r.homeSpans(c, spans)
	out := apply(c, spans)
	r.memo[s] = out
	return out
}

// homes replaces known users in home directory paths, the one place a
// path is rewritten: /home/alice names alice.
func (r *Redactor) homes(s string) string {
	return apply(s, r.homeSpans(s, nil))
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

// nameChar reports whether c can be part of a host, domain or user name.
func nameChar(c byte) bool {
	return alnum(c) || c == '.' || c == '-' || c == '_'
}

func alnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// nameSpans finds the known host names, domains, users and words that
// stand alone: as a whole run of name characters (letters, digits, '.',
// '-', '_'), less a sentence's final dot. "mailscanner-hang" and
// "rpm.conf" are not the host hang or rpm. A name in a file path (after a
// single '/') or in a Perl package name (next to "::") is not one either.
// A dotted run ending in a known domain has that domain replaced, and its
// first labels too when they are a known host (mail1.example.com).
func (r *Redactor) nameSpans(s string, spans []span) []span {
	for i := 0; i < len(s); {
		if !nameChar(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && nameChar(s[j]) {
			j++
		}
		spans = r.runSpans(s, i, j, spans)
		i = j
	}
	return spans
}

// runSpans handles one run s[i:j] of name characters.
func (r *Redactor) runSpans(s string, i, j int, spans []span) []span {
	for j > i && (s[j-1] == '.' || s[j-1] == '-' || s[j-1] == '_') {
		j--
	}
	for i < j && (s[i] == '.' || s[i] == '-' || s[i] == '_') {
		i++
	}
	if i >= j {
		return spans
	}
	if strings.HasSuffix(s[:i], "::") || strings.HasPrefix(s[j:], "::") {
		return spans // Mail::SpamAssassin
	}
	if i > 0 && s[i-1] == '/' && (i < 2 || s[i-2] != '/') {
		return spans // a path component, not a URL's host
	}
	run := s[i:j]
	lower := strings.ToLower(run)
	switch {
	case r.hosts[lower] && strings.Contains(run, "."):
		return append(spans, span{i, j, r.name(run)})
	case r.hosts[lower]:
		return append(spans, span{i, j, r.token(KindHost, run)})
	case r.users[run]:
		return append(spans, span{i, j, r.token(KindUser, run)})
	case r.domains[lower]:
		return append(spans, span{i, j, r.token(KindDomain, run)})
	}
	// A dotted run: the longest known domain it ends in, then its first
	// labels if they name a known host.
	for k := i; k < j; k++ {
		if s[k] != '.' || !r.domains[lower[k+1-i:]] {
			continue
		}
		spans = append(spans, span{k + 1, j, r.token(KindDomain, s[k+1:j])})
		if r.hosts[lower[:k-i]] {
			spans = append(spans, span{i, k, r.token(KindHost, s[i:k])})
		}
		break
	}
	return spans
}

// wordSpans finds the --redact-word words, in any case, where they stand
// alone or between dots, dashes and underscores (acme-mx1): not inside a
// longer word.
func (r *Redactor) wordSpans(s string, spans []span) []span {
	if len(r.words) == 0 {
		return spans
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) {
		return spans // case folding changed lengths: only whole runs match (nameSpans)
	}
	for _, w := range r.wordList {
		for p := 0; ; {
			k := strings.Index(lower[p:], w)
			if k < 0 {
				break
			}
			i, j := p+k, p+k+len(w)
			if (i == 0 || !alnum(s[i-1])) && (j == len(s) || !alnum(s[j])) {
				spans = append(spans, span{i, j, r.token(KindWord, s[i:j])})
			}
			p = j
		}
	}
	return spans
}

// keySpans finds host key fingerprints.
func (r *Redactor) keySpans(s string, spans []span) []span {
	if !strings.Contains(s, "SHA256:") {
		return spans
	}
	for _, m := range fingerprintPattern.FindAllStringIndex(s, -1) {
		spans = append(spans, span{m[0], m[1], r.token(KindHostKey, s[m[0]:m[1]])})
	}
	return spans
}

// homeSpans finds known users in home directory paths.
func (r *Redactor) homeSpans(s string, spans []span) []span {
	if len(r.users) == 0 || !strings.Contains(s, "/") {
		return spans
	}
	for _, m := range homePattern.FindAllStringSubmatchIndex(s, -1) {
		if u := s[m[2]:m[3]]; r.users[u] {
			spans = append(spans, span{m[2], m[3], r.token(KindUser, u)})
		}
	}
	return spans
}

// ipSpans finds every address literal.
func (r *Redactor) ipSpans(s string, spans []span) []span {
	if strings.Contains(s, ".") {
		for _, m := range ipv4Pattern.FindAllStringIndex(s, -1) {
			if r.isIP(s, m[0], m[1], false) {
				spans = append(spans, span{m[0], m[1], r.token(KindIP, s[m[0]:m[1]])})
			}
		}
	}
	if strings.Contains(s, ":") {
		for _, m := range ipv6Pattern.FindAllStringIndex(s, -1) {
			if ipv6Candidate(s[m[0]:m[1]]) && r.isIP(s, m[0], m[1], true) {
				spans = append(spans, span{m[0], m[1], r.token(KindIP, s[m[0]:m[1]])})
			}
		}
	}
	return spans
}

// isIP reports whether s[i:j] is an address literal standing alone: no
// letter or digit on either side (nor a colon, for IPv6), no dot before it
// and no ".digit" after it (which would make it part of a longer version).
func (r *Redactor) isIP(s string, i, j int, v6 bool) bool {
	if _, ok := parseIP(s[i:j]); !ok {
		return false
	}
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
