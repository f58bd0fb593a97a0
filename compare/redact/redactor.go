package redact

import (
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Token kinds, which are also the token prefixes.
const (
	KindHost   = "host"
	KindDomain = "domain"
	KindIP     = "ip"
	KindUser   = "user"
	KindWord   = "word"
	// KindHostKey replaces SSH host key fingerprints (SHA256:...), which
	// search engines of SSH servers can map back to an address.
	KindHostKey = "hostkey"
)

// Redactor replaces identifying names by stable tokens. Tokens are handed
// out in the order names are first seen (hosts in report order first), so
// the same input always gives the same tokens, and one Redactor gives the
// same name the same token in every report and text it rewrites.
// A Redactor is not safe for concurrent use.
type Redactor struct {
	// names maps a lower-case host name, FQDN or domain to its replacement
	// ("host-1", "host-1.domain-1", "domain-1").
	names map[string]string
	// users maps a user name, case-sensitively, to its token.
	users map[string]string
	ips   map[string]string // canonical address -> token
	keys  map[string]string // host key fingerprint -> token
	words []wordToken
	count map[string]int
	// values lists the original values behind each token, for the mapping.
	values map[string][]string
	tokens []string // in the order they were made
	memo   map[string]string
}

type wordToken struct{ lower, token string }

// New returns a Redactor that also replaces each of words, wherever it
// appears and in any letter case. Empty words are ignored.
func New(words []string) *Redactor {
	r := &Redactor{names: map[string]string{}, users: map[string]string{}, ips: map[string]string{}, keys: map[string]string{},
		count: map[string]int{}, values: map[string][]string{}, memo: map[string]string{}}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || slices.ContainsFunc(r.words, func(t wordToken) bool { return t.lower == strings.ToLower(w) }) {
			continue
		}
		r.words = append(r.words, wordToken{lower: strings.ToLower(w), token: r.alloc(KindWord, w)})
	}
	// Longest first, so a word containing another wins.
	slices.SortStableFunc(r.words, func(a, b wordToken) int { return len(b.lower) - len(a.lower) })
	return r
}

// alloc makes the next token of a kind for an original value.
func (r *Redactor) alloc(kind, value string) string {
	r.count[kind]++
	t := kind + "-" + strconv.Itoa(r.count[kind])
	r.tokens = append(r.tokens, t)
	r.values[t] = []string{value}
	return t
}

func (r *Redactor) note(token, value string) {
	if !slices.Contains(r.values[token], value) {
		r.values[token] = append(r.values[token], value)
	}
}

// Report returns deep copies of the report and snapshots with every name
// replaced, text cleaned and secrets masked. The originals are untouched.
// Either argument may be nil.
func (r *Redactor) Report(rep *compare.Report, snaps []*fleet.Snapshot) (*compare.Report, []*fleet.Snapshot) {
	for _, s := range snaps {
		if s != nil {
			r.seedSnapshot(s)
		}
	}
	if rep != nil {
		for _, h := range rep.Hosts {
			r.seedHost(h.Host, "")
		}
	}
	learn := func(s string) { r.learn(s) }
	if rep != nil {
		visit(reflect.ValueOf(rep), learn)
	}
	visit(reflect.ValueOf(snaps), learn)
	r.memo = map[string]string{} // names learned above change earlier results
	var out *compare.Report
	if rep != nil {
		out = rewrite(reflect.ValueOf(rep), r.replace).Interface().(*compare.Report)
	}
	var outSnaps []*fleet.Snapshot
	if snaps != nil {
		outSnaps = rewrite(reflect.ValueOf(snaps), r.replace).Interface().([]*fleet.Snapshot)
	}
	return out, outSnaps
}

// Text redacts one more string with the same tokens, such as the command
// line shown in a report's heading. It learns names it has not seen.
func (r *Redactor) Text(s string) string {
	if r.learn(s) {
		r.memo = map[string]string{}
	}
	return r.replace(s)
}

// Sanitize returns deep copies of the report and snapshots with all text
// cleaned and secrets masked, names kept: what every unredacted report
// (JSON included) should be written from.
func Sanitize(rep *compare.Report, snaps []*fleet.Snapshot) (*compare.Report, []*fleet.Snapshot) {
	var out *compare.Report
	if rep != nil {
		out = rewrite(reflect.ValueOf(rep), Clean).Interface().(*compare.Report)
	}
	var outSnaps []*fleet.Snapshot
	if snaps != nil {
		outSnaps = rewrite(reflect.ValueOf(snaps), Clean).Interface().([]*fleet.Snapshot)
	}
	return out, outSnaps
}

// seedSnapshot registers the names of one host under one token.
func (r *Redactor) seedSnapshot(s *fleet.Snapshot) {
	hostname := ""
	if s.Facts.OS != nil {
		hostname = s.Facts.OS.Hostname
	}
	tok := r.seedHost(s.Host, hostname)
	if a := splitAddress(s.Address); a != "" && a != "local" {
		if _, ok := parseIP(a); ok {
			r.ip(a)
		} else if tok != "" {
			r.hostName(a, tok)
		}
	}
}

// seedHost registers a host's inventory name and hostname under one token
// and returns it.
func (r *Redactor) seedHost(name, hostname string) string {
	var tok string
	for _, n := range []string{name, hostname} {
		// An exact earlier name only: mail1.a.example and mail1.b.example
		// are two hosts.
		if t, ok := r.names[strings.ToLower(strings.TrimSpace(n))]; ok && strings.HasPrefix(t, KindHost+"-") {
			tok, _, _ = strings.Cut(t, ".")
			break
		}
	}
	for _, n := range []string{name, hostname} {
		n = strings.TrimSuffix(strings.TrimSpace(n), ".")
		if n == "" || localName(n) {
			continue
		}
		if _, ok := parseIP(n); ok {
			r.ip(n)
			continue
		}
		if tok == "" {
			tok = r.alloc(KindHost, n)
		}
		r.hostName(n, tok)
	}
	return tok
}

// hostToken returns the token already given to a name or its first label.
func (r *Redactor) hostToken(n string) (string, bool) {
	n = strings.ToLower(strings.TrimSpace(n))
	if n == "" {
		return "", false
	}
	label, _, _ := strings.Cut(n, ".")
	t, ok := r.names[label]
	if ok && strings.HasPrefix(t, KindHost+"-") && !strings.Contains(t, ".") {
		return t, true
	}
	return "", false
}

// hostName maps a host name (short or fully qualified) to the host token.
func (r *Redactor) hostName(n, tok string) {
	lower := strings.ToLower(n)
	if _, ok := r.names[lower]; ok {
		return
	}
	r.note(tok, n)
	label, domain, dotted := strings.Cut(lower, ".")
	if !dotted {
		r.names[lower] = tok
		return
	}
	if _, ok := r.names[label]; !ok {
		r.names[label] = tok
		r.note(tok, n[:len(label)])
	}
	r.names[lower] = tok + "." + r.domain(domain, n[len(label)+1:])
}

// domain returns the token of a domain, making it on first sight.
func (r *Redactor) domain(lower, orig string) string {
	if t, ok := r.names[lower]; ok {
		return t
	}
	t := r.alloc(KindDomain, orig)
	r.names[lower] = t
	return t
}

// fqdn registers a fully qualified name found in text: its domain gets a
// domain token, the whole name a host token (the known host's, if its first
// label is an inventory host).
func (r *Redactor) fqdn(name string) {
	lower := strings.ToLower(strings.TrimSuffix(name, "."))
	if _, ok := r.names[lower]; ok {
		return
	}
	label, dom, _ := strings.Cut(lower, ".")
	if !strings.Contains(dom, ".") {
		r.domain(lower, name)
		return
	}
	tok, ok := r.hostToken(label)
	if !ok {
		tok = r.alloc(KindHost, name)
	}
	r.note(tok, name)
	r.names[lower] = tok + "." + r.domain(dom, name[len(label)+1:])
}

func (r *Redactor) ip(addr string) string {
	c, ok := parseIP(addr)
	if !ok {
		return ""
	}
	if t, ok := r.ips[c]; ok {
		return t
	}
	if a, _ := netip.ParseAddr(c); a.IsLoopback() || a.IsUnspecified() {
		return "" // 127.0.0.1 and :: identify nothing
	}
	t := r.alloc(KindIP, c)
	r.ips[c] = t
	return t
}

func (r *Redactor) user(name string) {
	if _, ok := r.users[name]; !ok && userName(name) {
		r.users[name] = r.alloc(KindUser, name)
	}
}

// localName reports names that identify nothing.
func localName(n string) bool {
	switch strings.ToLower(n) {
	case "localhost", "localhost.localdomain", "local", "localdomain", "ip6-localhost", "ip6-loopback":
		return true
	}
	return false
}
