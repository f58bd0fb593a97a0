package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/compare/view"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The redaction properties, checked on real reports (the demo's and, in
// e2e_test.go, the lab's) in every format:
//   (a) no identity value and no address literal survives;
//   (b) the mapping applied back gives the unredacted report byte for byte;
//   (c) the rule ids and fact keys are the same;
//   (d) the hosts keep one distinct name each.

var reportFormats = []string{"table", "json", "markdown", "html"}

// propertyTime fixes generated_at so that two builds of a report match.
var propertyTime = time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)

// checkRedaction builds the report of snaps against base in every
// format, plain and redacted, and checks the four properties.
func checkRedaction(t *testing.T, snaps []*fleet.Snapshot, inv *fleet.Inventory, base compare.Baseline) {
	t.Helper()
	work := reportWork{snaps: snaps, inv: inv, waivers: inv.Waivers, title: "fleetcheck compare", source: "fleetcheck compare -i inventory.yaml",
		build: func(snaps, _ []*fleet.Snapshot, host func(string) string) (*compare.Report, error) {
			b := base
			if b.Host != "" {
				b.Host = host(b.Host)
			}
			return compare.Compare(snaps, b, compare.Options{Now: propertyTime})
		}}
	if base.Host != "" {
		work.source += " --baseline " + base.Host
	}
	for _, format := range reportFormats {
		rf := reportFlags{format: format, redact: true, width: 1 << 20}
		plain, err := rf.build(work, nil)
		if err != nil {
			t.Fatal(err)
		}
		red := redact.New(nil)
		redacted, err := rf.build(work, red)
		if err != nil {
			t.Fatal(err)
		}
		want, err := rf.render(plain, true)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rf.render(redacted, true)
		if err != nil {
			t.Fatal(err)
		}
		m := red.Mapping()
		noIdentityLeft(t, format, string(got), m, vocabulary(redacted.rep, redacted.snaps))
		if format == "json" {
			noIdentityInSnapshots(t, redacted.snaps, m)
		}
		restored := restore(string(got), m, escaper[format])
		if format == "table" { // columns are padded to the longest name
			restored, want = []byte(squeeze(string(restored))), []byte(squeeze(string(want)))
		}
		if diff := differenceModuloCuts(string(restored), string(want)); diff != "" {
			t.Errorf("%s: the mapping applied back does not give the unredacted report:\n%s", format, diff)
		}
		if format == "json" {
			sameRulesAndFacts(t, plain.rep, redacted.rep)
		}
		distinctHosts(t, format, plain.rep, redacted.rep, string(got))
		sameWaivers(t, format, plain.rep, redacted.rep)
	}
}

// sameWaivers checks that waivers apply to a redacted report as to the
// plain one: their hosts are tokens there, and match the same causes.
func sameWaivers(t *testing.T, format string, plain, redacted *compare.Report) {
	t.Helper()
	states := func(r *compare.Report) (out []string) {
		for _, n := range r.Waivers {
			out = append(out, fmt.Sprintf("%s %d", n.State, n.Matches))
		}
		return out
	}
	if p, r := states(plain), states(redacted); !slices.Equal(p, r) || plain.Summary.Waived != redacted.Summary.Waived {
		t.Errorf("%s: waivers plain %v (%d waived), redacted %v (%d waived)", format, p, plain.Summary.Waived, r, redacted.Summary.Waived)
	}
}

// tokenPattern finds a token, or a folded range of host tokens
// (host-[1-3,5]) as the renderers write groups of hosts.
var tokenPattern = regexp.MustCompile(`\b(host|domain|ip|user|hostkey|word)-(\d+|\[[0-9,-]+\])`)

// escaper writes a value as each format does (tokens need no escaping,
// a fingerprint's '+' does in HTML).
var escaper = map[string]*strings.Replacer{
	"html": strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;"),
}

// restore applies the mapping back: each token by its value (escaped as
// the format escapes text, when esc is set), and a folded range of host
// tokens by the values folded again, as the renderer folds.
func restore(s string, m redact.Mapping, esc *strings.Replacer) []byte {
	values := map[string]string{}
	for _, e := range m.Tokens {
		values[e.Token] = e.Value
		if esc != nil {
			values[e.Token] = esc.Replace(e.Value)
		}
	}
	return []byte(tokenPattern.ReplaceAllStringFunc(s, func(tok string) string {
		kind, rest, _ := strings.Cut(tok, "-")
		if !strings.HasPrefix(rest, "[") {
			if v, ok := values[tok]; ok {
				return v
			}
			return tok
		}
		var names []string
		for _, tok := range expand(kind, rest) {
			names = append(names, values[tok])
		}
		return view.Fold(names)
	}))
}

// expand lists the tokens of a token's number part: one number, or a
// folded range such as [1-3,5] (zero padding kept).
func expand(kind, numbers string) []string {
	var out []string
	for _, part := range strings.Split(strings.Trim(numbers, "[]"), ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for n := a; n <= b; n++ {
			out = append(out, fmt.Sprintf("%s-%0*d", kind, len(lo), n))
		}
	}
	return out
}

// squeeze makes runs of blanks and of table rules one character.
func squeeze(s string) string {
	s = regexp.MustCompile(` +`).ReplaceAllString(s, " ")
	return regexp.MustCompile(`-{2,}`).ReplaceAllString(s, "-")
}

// noIdentityLeft checks property (a) on a rendered report: no value of the
// mapping stands alone in it, and no address literal at all. A value that
// is also a word of the report's own (a host called rpm or hang, beside
// the rpm command and the mailscanner-hang rule) may stand in fleetcheck's
// own sentences; noIdentityInSnapshots checks it is gone from everything
// the hosts said.
func noIdentityLeft(t *testing.T, format, out string, m redact.Mapping, words map[string]bool) {
	t.Helper()
	lower := strings.ToLower(out)
	for _, e := range m.Tokens {
		v := strings.ToLower(e.Value)
		if words[v] {
			continue
		}
		for p := 0; ; {
			k := strings.Index(lower[p:], v)
			if k < 0 {
				break
			}
			i, j := p+k, p+k+len(v)
			p = j
			if standsAlone(lower, i, j) {
				t.Errorf("%s: %s value %q survives: …%s…", format, e.Kind, e.Value, out[max(0, i-60):min(len(out), j+60)])
				break
			}
		}
	}
	for _, ip := range addressLiteral.FindAllString(out, -1) {
		t.Errorf("%s: address literal %s survives", format, ip)
	}
}

// vocabulary returns the words a report uses of its own: the words of its
// rule ids, causes, fact keys, probe commands, package managers, package
// and module names.
func vocabulary(rep *compare.Report, snaps []*fleet.Snapshot) map[string]bool {
	words := map[string]bool{}
	add := func(s string) {
		for _, w := range regexp.MustCompile(`[a-z0-9_]+`).FindAllString(strings.ToLower(s), -1) {
			words[w] = true
		}
	}
	for _, h := range rep.Hosts {
		causes := slices.Clone(h.Causes)
		for _, w := range h.Waived {
			causes = append(causes, w.Cause)
		}
		for _, c := range causes {
			// A cause's text is fleetcheck's sentence around facts from the
			// redacted snapshots, which noIdentityInSnapshots checks whole:
			// any name left in it is one of fleetcheck's words.
			add(c.Rule + " " + c.Summary + " " + c.Fix + " " + strings.Join(c.Evidence, " "))
		}
		for _, f := range h.Findings {
			add(f.Fact)
		}
	}
	for _, s := range snaps {
		for _, p := range s.Probes {
			add(p.Command)
		}
		if pk := s.Facts.Packages; pk != nil {
			add(pk.Manager)
			for _, p := range pk.Packages {
				add(p.Name)
			}
		}
		if pm := s.Facts.PerlModules; pm != nil {
			for _, m := range pm.Modules {
				add(m.Name)
				for _, c := range m.Copies {
					add(c.Owner.Manager + " " + c.Owner.Package)
				}
			}
		}
	}
	return words
}

// protectedKeys are the snapshot JSON fields that hold names the report is
// about (commands, files, packages, modules, versions, settings), which
// redaction keeps.
var protectedKeys = map[string]bool{"command": true, "path": true, "real_path": true, "mount_point": true,
	"inc_dir": true, "loaded_path": true, "inc": true, "dirs": true, "files": true, "file": true, "dir": true,
	"name": true, "module": true, "package": true, "manager": true, "version": true, "release": true,
	"epoch": true, "arch": true, "key": true, "source": true, "type": true, "missing": true, "found": true,
	"transport": true, "tool_version": true, "legacy_algorithms": true, "product": true, "perl_version": true,
	"archname": true, "kernel_release": true, "distro": true, "id": true, "version_id": true, "family": true,
	"conf_version": true, "installed_version": true, "spamassassin": true, "stat": true, "date": true,
	"virus_scanners_configured": true, "virus_scanners_found": true}

// noIdentityInSnapshots checks property (a) on what the hosts said: no
// value of the mapping stands alone in any identity or free-text field of
// the redacted snapshots, whatever the word.
func noIdentityInSnapshots(t *testing.T, snaps []*fleet.Snapshot, m redact.Mapping) {
	t.Helper()
	b, err := json.Marshal(snaps)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	var texts []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case string:
			if !protectedKeys[key] {
				texts = append(texts, v)
			}
		case []any:
			for _, x := range v {
				walk(key, x)
			}
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		}
	}
	walk("", tree)
	noIdentityLeft(t, "snapshots", strings.Join(texts, "\n"), m, nil)
}

// addressLiteral is an IPv4 address standing alone (not a longer version).
var addressLiteral = regexp.MustCompile(`(?:^|[^0-9.])((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?:[^0-9.]|\.?$)`)

// standsAlone reports whether s[i:j] is a whole name: not part of a longer
// word, of a dotted or dashed name, of a file path or of a Perl package.
func standsAlone(s string, i, j int) bool {
	word := func(c byte) bool { return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' }
	if i > 0 && (word(s[i-1]) || s[i-1] == '.' || s[i-1] == '/' && (i < 2 || s[i-2] != '/')) {
		return false
	}
	if j < len(s) && (word(s[j]) || s[j] == '.' && j+1 < len(s) && word(s[j+1])) {
		return false
	}
	return !strings.HasSuffix(s[:i], "::") && !strings.HasPrefix(s[j:], "::")
}

// sameRulesAndFacts checks property (c).
func sameRulesAndFacts(t *testing.T, plain, redacted *compare.Report) {
	t.Helper()
	set := func(r *compare.Report) (rules, facts []string) {
		for _, h := range r.Hosts {
			for _, c := range h.Causes {
				rules = append(rules, c.Rule)
				facts = append(facts, c.Findings...)
			}
			for _, f := range h.Findings {
				facts = append(facts, f.Fact)
			}
		}
		return slices.Compact(slices.Sorted(slices.Values(rules))), slices.Compact(slices.Sorted(slices.Values(facts)))
	}
	pr, pf := set(plain)
	rr, rf := set(redacted)
	if !slices.Equal(pr, rr) {
		t.Errorf("rule ids differ:\nplain    %v\nredacted %v", pr, rr)
	}
	if !slices.Equal(pf, rf) {
		t.Errorf("fact keys differ:\nplain    %v\nredacted %v", pf, rf)
	}
}

// distinctHosts checks property (d): as many distinct host names as
// hosts, each a host token the output shows (alone, or in a folded range
// of hosts such as host-[1-3]).
func distinctHosts(t *testing.T, format string, plain, redacted *compare.Report, out string) {
	t.Helper()
	shown := map[string]bool{}
	for _, m := range tokenPattern.FindAllStringSubmatch(out, -1) {
		if m[1] != "host" {
			continue
		}
		for _, tok := range expand(m[1], m[2]) {
			shown[tok] = true
		}
	}
	seen := map[string]bool{}
	for _, h := range redacted.Hosts {
		if !regexp.MustCompile(`^host-\d+$`).MatchString(h.Host) || !shown[h.Host] {
			t.Errorf("%s: host %q is not a host token shown in the report", format, h.Host)
		}
		seen[h.Host] = true
	}
	if len(seen) != len(plain.Hosts) {
		t.Errorf("%s: %d distinct host names for %d hosts", format, len(seen), len(plain.Hosts))
	}
}

// differenceModuloCuts compares two texts line by line and describes the
// first difference, or returns "". Text that fleetcheck shortens to a
// length (an error quoted in evidence, a table cell) ends in "..." or "…"
// at another place once names are tokens of another length: such a line
// matches when both versions run alike up to a cut, and alike from the
// end of the cut on.
func differenceModuloCuts(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	if len(g) != len(w) {
		return fmt.Sprintf("%d lines, want %d", len(g), len(w))
	}
	for i := range g {
		if g[i] != w[i] && !equalModuloCuts(g[i], w[i]) {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, w[i], g[i])
		}
	}
	return ""
}

func equalModuloCuts(a, b string) bool {
	for {
		p := 0
		for p < len(a) && p < len(b) && a[p] == b[p] {
			p++
		}
		if p == len(a) && p == len(b) {
			return true
		}
		// Back up to where an ellipsis that both have may start.
		for p > 0 && (a[p-1] == '.' || a[p-1]&0xc0 == 0x80 || a[p-1] == 0xe2) {
			p--
		}
		ia, la := nextCut(a[p:])
		ib, lb := nextCut(b[p:])
		if ia < 0 || ib < 0 {
			return false
		}
		a, b = a[p+ia+la:], b[p+ib+lb:]
	}
}

// nextCut returns the index and length of the first ellipsis in s.
func nextCut(s string) (int, int) {
	i, j := strings.Index(s, "..."), strings.Index(s, "…")
	switch {
	case i < 0 && j < 0:
		return -1, 0
	case j < 0 || (i >= 0 && i < j):
		return i, 3
	}
	return j, len("…")
}

// TestRedactionPropertiesLiveDemo collects the demo's simulated fleet over
// SSH (fresh keys, 127.0.0.1 addresses, the demo user) and checks the
// properties on that run, with its inventory.
func TestRedactionPropertiesLiveDemo(t *testing.T) {
	dir := t.TempDir()
	fleetLab, err := startDemoFleet(dir, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer fleetLab.close()
	store := filepath.Join(dir, "runs")
	inventory := filepath.Join(dir, "inventory.yaml")
	// An unreachable host: its address is in its error text.
	f, err := os.OpenFile(inventory, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "  - {name: mail99, address: 127.0.0.99, port: 1, user: mailadmin}\n")
	// Waivers whose hosts, reason and owner name hosts: applied, expired
	// and stale, each in every format.
	fmt.Fprintf(f, "%s", `waivers:
  - {hosts: ["mail0[2-3]"], fact: "*", reason: "mail02 and mail03 are rebuilt from mail01 next week", owner: ops@mail01, expires: 2099-12-31}
  - {hosts: [mail04, mail05], fact: "*", reason: "mail04 was to be rebuilt", owner: ops@mail04, expires: 2020-01-31}
  - {hosts: [mail01], rule: config-drift, reason: "mail01 is the baseline", owner: ops@mail01, expires: 2099-12-31}
`)
	f.Close()
	if code, out, stderr := runCLI(t, map[string]string{"HOME": dir}, "collect", "-i", inventory, "--store", store); code != exitUnassessed {
		t.Fatalf("collect exit %d\n%s\n%s", code, out, stderr)
	}
	snaps, inv := latestRunWith(t, store, inventory)
	if s := snaps[len(snaps)-1]; s.Host != "mail99" || !strings.Contains(s.Error, "127.0.0.99") {
		t.Fatalf("the unreachable host's error does not name its address: %s %q", s.Host, s.Error)
	}
	if len(inv.Waivers) != 3 {
		t.Fatalf("the inventory has %d waivers, want 3", len(inv.Waivers))
	}
	checkRedaction(t, snaps, inv, compare.Baseline{Host: "mail01"})
	checkRedaction(t, snaps, inv, compare.Baseline{}) // majority: ties go to the lowest name
	r, err := compare.Compare(snaps, compare.Baseline{Host: "mail01"}, compare.Options{Now: propertyTime, Waivers: inv.Waivers})
	if err != nil {
		t.Fatal(err)
	}
	if got := states(r); !slices.Equal(got, []string{compare.WaiverApplied, compare.WaiverExpired, compare.WaiverStale}) || r.Summary.Waived == 0 {
		t.Errorf("the waivers are %v with %d waived: the properties were not checked on an applied, an expired and a stale waiver", got, r.Summary.Waived)
	}
}

// states lists what became of each waiver of a report.
func states(r *compare.Report) []string {
	var out []string
	for _, n := range r.Waivers {
		out = append(out, n.State)
	}
	return out
}

// latestRunWith reads the newest run of a store and the inventory it was
// collected with.
func latestRunWith(t *testing.T, store, inventory string) ([]*fleet.Snapshot, *fleet.Inventory) {
	t.Helper()
	_, snaps := latestRun(t, store)
	inv, err := fleet.LoadInventory(inventory)
	if err != nil {
		t.Fatal(err)
	}
	return snaps, inv
}
