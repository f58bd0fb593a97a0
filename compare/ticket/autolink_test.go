package ticket

import (
	"bytes"
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// linkHost's texts are full of what GFM would link: URLs, www. names and
// e-mail addresses, in its name, lint errors, settings, custom probe output
// and a module's load error.
func linkHost(name string, n int) *fleet.Snapshot {
	s := fleettest.GoodHost(name, n)
	s.Facts.Lint.Errors = []fleet.LintMessage{{Text: "see http://evil.example/fix and www.evil.example, or mail root@evil.example"}}
	s.Facts.Config.Values["noticesto"] = fleet.ConfigValue{Key: "Notices To", Value: "postmaster@example.com", File: "/etc/MailScanner/MailScanner.conf", Line: 12}
	s.Facts.Custom = map[string]*fleet.Custom{"banner": {Command: "cat /etc/issue", Lines: []string{
		"Visit HTTPS://EVIL.EXAMPLE/login", "mailto:abuse@evil.example", "xmpp:bot@evil.example/res", "(www.evil.example)"}}}
	s.Probes["banner"] = fleet.ProbeResult{Status: fleet.ProbeOK, Command: "cat /etc/issue"}
	m := &s.Facts.PerlModules.Modules[0]
	m.Loads, m.LoadError = false, "Can't load: fetch it from ftp://mirror.evil.example/pub/Archive-Zip.tar.gz"
	return s
}

// TestMarkdownLinksNothingFromHosts renders a report whose host text is
// full of URLs, www. names and e-mail addresses with cmark-gfm's autolink
// extension on, and checks that no link comes out while the texts still
// read as they were.
func TestMarkdownLinksNothingFromHosts(t *testing.T) {
	base := fleettest.GoodHost("mail1", 1)
	base.Facts.Custom = map[string]*fleet.Custom{"banner": {Command: "cat /etc/issue", Lines: []string{"Welcome"}}}
	base.Probes["banner"] = fleet.ProbeResult{Status: fleet.ProbeOK, Command: "cat /etc/issue"}
	snaps := []*fleet.Snapshot{base, linkHost("www.evil.example", 2)}
	rep, err := compare.Compare(snaps, compare.Baseline{Host: "mail1"}, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	var md bytes.Buffer
	if err := Markdown(&md, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	out := cmark(t, md.Bytes())
	if n := strings.Count(out, "<a "); n > 0 {
		t.Errorf("cmark-gfm made %d link(s) of host text: %q", n, regexp.MustCompile(`<a [^>]*>[^<]*</a>`).FindAllString(out, -1))
	}
	for _, want := range []string{"http://evil.example/fix", "www.evil.example", "<code>root@evil.example</code>",
		"<code>postmaster@example.com</code>", "HTTPS://EVIL.EXAMPLE/login", "mailto:<code>abuse@evil.example</code>",
		"ftp://mirror.evil.example/pub/Archive-Zip.tar.gz", "(www.evil.example)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the rendered report lacks %q", want)
		}
	}
}

// linkPieces are what random host texts are made of: every way GFM starts
// a link, and what sits around one.
var linkPieces = []string{"http://", "HTTPS://", "ftp://", "www.", "WWW.", "Www.", "mailto:", "xmpp:", "root", "@", "example",
	".", "com", "_", "-", "+", "/", " ", "(", ")", "*", "~", ":", "a.b", "x@y.z", "evil.example", "`", "\\", "|", "[", "]", "&", ";", "1"}

// TestMarkdownTextLinksNothing is a property test against cmark-gfm:
// random host texts built from linkPieces, as a paragraph (mdText) and as a
// table cell (mdCell), come out with no link and reading exactly as they
// went in.
func TestMarkdownTextLinksNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var texts []string
	for range 400 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(linkPieces[rng.IntN(len(linkPieces))])
		}
		if s := strings.TrimSpace(b.String()); s != "" {
			texts = append(texts, s)
		}
	}
	var md bytes.Buffer
	for i, s := range texts {
		fmt.Fprintf(&md, "%s\n\n| n | text |\n|---|---|\n| %d | %s |\n\n", mdText(s), i, mdCell(s, mdCellMax))
	}
	out := cmark(t, md.Bytes())
	if n := strings.Count(out, "<a "); n > 0 {
		t.Errorf("cmark-gfm made %d link(s): %q", n, regexp.MustCompile(`<a [^>]*>[^<]*</a>`).FindAllString(out, -1))
	}
	paras := regexp.MustCompile(`(?s)<p>(.*?)</p>`).FindAllStringSubmatch(out, -1)
	cellsOut := regexp.MustCompile(`(?s)<tr>\s*<td>\d+</td>\s*<td>(.*?)</td>`).FindAllStringSubmatch(out, -1)
	if len(paras) != len(texts) || len(cellsOut) != len(texts) {
		t.Fatalf("%d texts came out as %d paragraphs and %d cells", len(texts), len(paras), len(cellsOut))
	}
	tags := regexp.MustCompile(`</?code>`)
	for i, s := range texts {
		for _, got := range []string{paras[i][1], cellsOut[i][1]} {
			if read := html.UnescapeString(tags.ReplaceAllString(got, "")); read != s {
				t.Errorf("%q reads back as %q (Markdown %q)", s, read, mdText(s))
			}
		}
	}
}
