package redact

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

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

// Redactor replaces identifying values by tokens (see the package
// comment). It learns the identities from the snapshots and inventory it
// is given, then rewrites snapshots and text. Each distinct spelling of a
// value gets its own token and each token stands for one spelling, so that
// the mapping applied back restores the text byte for byte. A Redactor is
// not safe for concurrent use.
type Redactor struct {
	// hosts, domains and words hold lower-case identity values; users are
	// case-sensitive.
	hosts, domains, words, users map[string]bool
	// wordList is words, longest first, so that a word holding another wins.
	wordList []string
	// inventory are the inventory host names, which get the first host
	// tokens, numbered in the order of the names.
	inventory map[string]bool
	tokens    map[string]string // kind + "\x00" + spelling -> token
	count     map[string]int
	width     int // digits of host token numbers
	entries   []MappingEntry
	prepared  bool
	memo      map[string]string
}

// New returns a Redactor that also replaces each of words (--redact-word)
// wherever it stands alone, in any letter case. Empty words are ignored.
func New(words []string) *Redactor {
	r := &Redactor{hosts: map[string]bool{}, domains: map[string]bool{}, words: map[string]bool{},
		users: map[string]bool{}, inventory: map[string]bool{}, tokens: map[string]string{},
		count: map[string]int{}, memo: map[string]string{}}
	for _, w := range words {
		if w = strings.ToLower(strings.TrimSpace(w)); w != "" && !r.words[w] {
			r.words[w] = true
			r.wordList = append(r.wordList, w)
		}
	}
	slices.SortStableFunc(r.wordList, func(a, b string) int { return len(b) - len(a) })
	return r
}

// AddHost registers an inventory host, with the address and users the
// inventory gives it (empty ones are ignored). Call it before Snapshots.
func (r *Redactor) AddHost(name, address string, users ...string) {
	r.inventory[name] = true
	r.addName(name)
	r.addName(address)
	for _, u := range users {
		r.addUser(u)
	}
}

// addName registers a host name, FQDN or address from an identity field.
func (r *Redactor) addName(n string) {
	n = strings.TrimSuffix(strings.TrimSpace(n), ".")
	if n == "" || localName(n) {
		return
	}
	if _, ok := parseIP(n); ok {
		return // every address literal is replaced anyway
	}
	lower := strings.ToLower(n)
	r.hosts[lower] = true
	if label, domain, dotted := strings.Cut(lower, "."); dotted {
		r.hosts[label] = true
		r.domains[domain] = true
	}
}

func (r *Redactor) addUser(u string) {
	if userName(u) {
		r.users[u] = true
	}
}

// learn registers the identities of one snapshot's identity fields.
func (r *Redactor) learn(s *fleet.Snapshot) {
	r.inventory[s.Host] = true
	r.addName(s.Host)
	if a := splitAddress(s.Address); a != "local" {
		r.addName(a)
	}
	r.addUser(s.User)
	if s.Facts.OS != nil {
		r.addName(s.Facts.OS.Hostname)
	}
}

// prepare numbers the inventory hosts, once every identity is known: in
// the order of their names, zero-padded to a common width, so that tokens
// sort as the names do (a majority baseline breaks ties by name).
func (r *Redactor) prepare() {
	if r.prepared {
		return
	}
	r.prepared = true
	names := make([]string, 0, len(r.inventory))
	for n := range r.inventory {
		names = append(names, n)
	}
	slices.Sort(names)
	r.width = len(strconv.Itoa(max(len(names), 1)))
	for _, n := range names {
		r.name(n)
	}
}

// token returns the token of one spelling of a value, making it on first
// use.
func (r *Redactor) token(kind, spelling string) string {
	key := kind + "\x00" + spelling
	if t, ok := r.tokens[key]; ok {
		return t
	}
	r.count[kind]++
	n := r.count[kind]
	t := fmt.Sprintf("%s-%d", kind, n)
	if kind == KindHost {
		t = fmt.Sprintf("%s-%0*d", kind, r.width, n)
	}
	r.tokens[key] = t
	r.entries = append(r.entries, MappingEntry{Token: t, Kind: kind, Value: spelling})
	return t
}

// name returns the replacement of a whole host name, FQDN or address
// found in an identity field, or where a known name stands alone in text.
func (r *Redactor) name(n string) string {
	if n == "" || localName(n) {
		return n
	}
	if _, ok := parseIP(n); ok {
		return r.token(KindIP, n)
	}
	core := strings.TrimSuffix(n, ".")
	label, domain, dotted := strings.Cut(core, ".")
	if !dotted {
		return r.token(KindHost, n)
	}
	return r.token(KindHost, label) + "." + r.token(KindDomain, domain) + n[len(core):]
}

// Name returns the token of an inventory host name, for values given on
// the command line (--baseline HOST, --host HOST).
func (r *Redactor) Name(n string) string {
	r.prepare()
	return r.name(n)
}

// address rewrites a snapshot's Address: "HostName:port" or "[v6]:port".
func (r *Redactor) address(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return r.name(a)
	}
	return net.JoinHostPort(r.name(host), port)
}

// splitAddress returns the host part of a snapshot's Address
// ("192.0.2.11:22", "[2001:db8::1]:22", "mail1.example.com").
func splitAddress(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return strings.Trim(addr, "[]")
}

// Snapshots returns deep copies of snapshot lists with every identity
// replaced: identity fields by tokens, and free text (errors, lint output,
// configuration values, command lines) cleaned and searched for the known
// identities and every address literal. Fields that hold rule-relevant
// names (probe commands, package, module and file names, versions) are
// kept. All lists go through one Redactor so that a host has one token
// everywhere. The originals are untouched.
func (r *Redactor) Snapshots(lists ...[]*fleet.Snapshot) [][]*fleet.Snapshot {
	for _, l := range lists {
		for _, s := range l {
			if s != nil {
				r.learn(s)
			}
		}
	}
	r.prepare()
	for _, l := range lists {
		visitSnapshots(l, r.learnText)
	}
	r.memo = map[string]string{}
	out := make([][]*fleet.Snapshot, len(lists))
	for i, l := range lists {
		out[i] = rewriteSnapshots(l, r.field)
	}
	return out
}

// Text redacts one more string with the same tokens, such as the title
// and command line shown in a report's heading.
func (r *Redactor) Text(s string) string {
	r.prepare()
	if r.learnText(s) {
		r.memo = map[string]string{}
	}
	return r.text(s)
}

// field rewrites one string of a snapshot according to its field's class.
func (r *Redactor) field(c class, s string) string {
	switch c {
	case classHost, classHostname:
		return r.name(s)
	case classAddress:
		if s == "local" {
			return s
		}
		return r.address(s)
	case classUser:
		if r.users[s] {
			return r.token(KindUser, s)
		}
		return s
	case classFingerprint:
		if s == "" {
			return s
		}
		return r.token(KindHostKey, s)
	case classKeep:
		return r.homes(Clean(s))
	case classCommand:
		c := Clean(s)
		return apply(c, r.ipSpans(c, r.homeSpans(c, nil)))
	}
	return r.text(s)
}

// localName reports names that identify nothing.
func localName(n string) bool {
	switch strings.ToLower(n) {
	case "localhost", "localhost.localdomain", "local", "localdomain", "ip6-localhost", "ip6-loopback":
		return true
	}
	return false
}
