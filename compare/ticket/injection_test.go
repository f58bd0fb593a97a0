package ticket

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// payload is what a hostile or broken host might print.
const payload = "<script>alert(1)</script> | `tick` ``x`` [x](javascript:alert(1)) *b* _i_ \x1b[31mred\x1b[0m \x1b]0;title\x07 \xff\xfe & &amp; end"

// injectionHost carries the payload in lint output, config values, custom
// probe output and a module's load error.
func injectionHost(name string, n int) *fleet.Snapshot {
	s := fleettest.GoodHost(name, n)
	s.Facts.Lint.Errors = []fleet.LintMessage{{Text: "Bad config " + payload}}
	s.Facts.Lint.Raw = payload + "\npassword = hunter2"
	s.Facts.Config.Values["maxchildren"] = fleet.ConfigValue{Key: "Max Children", Value: payload, File: "/etc/MailScanner/MailScanner.conf", Line: 63}
	s.Facts.Config.Values["x<b>"] = fleet.ConfigValue{Key: "X<img src=x onerror=alert(1)>", Value: "1 | 2", File: "/etc/MailScanner/conf.d/evil.conf", Line: 1}
	s.Facts.Custom = map[string]*fleet.Custom{"banner": {Command: "cat /etc/issue", Lines: []string{payload, "| a | b |", "db password = hunter2"}}}
	s.Probes["banner"] = fleet.ProbeResult{Status: fleet.ProbeOK, Command: "cat /etc/issue # <script>alert(2)</script>"}
	m := &s.Facts.PerlModules.Modules[0]
	m.Loads, m.LoadError = false, "Can't load: "+payload
	return s
}

// unescapedLink matches a link or image destination a renderer would honour.
var unescapedLink = regexp.MustCompile(`(^|[^\\])\]\(`)

// fenced matches fenced code blocks, where text is literal by definition.
var fenced = regexp.MustCompile("(?ms)^(`{3,})sh\n.*?^`{3,}$")

func TestMarkdownInjection(t *testing.T) {
	rep, snaps := builtScenario(t, "injection")
	var buf bytes.Buffer
	if err := Markdown(&buf, rep, snaps, Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	outside := fenced.ReplaceAllString(md, "")
	for _, bad := range []string{"<script", "<img", "<b>", "\x1b", "\xff", "hunter2", "\x07"} {
		if strings.Contains(outside, bad) {
			t.Errorf("Markdown holds %q outside code blocks", bad)
		}
	}
	if unescapedLink.MatchString(outside) {
		t.Errorf("Markdown holds a link: %s", unescapedLink.FindString(outside))
	}
	if strings.Contains(md, "hunter2") {
		t.Error("Markdown holds the secret")
	}
	if !strings.Contains(md, "&lt;script>alert(1)&lt;/script>") {
		t.Error("Markdown lost the escaped payload text")
	}
	// Every row of a table has as many cells as its header.
	lines := strings.Split(outside, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		want := cells(lines[i])
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			if got := cells(lines[i]); got != want {
				t.Errorf("table row has %d cells, header %d: %s", got, want, lines[i])
			}
		}
	}
	if !utf8Valid(md) {
		t.Error("Markdown is not valid UTF-8")
	}
}

// cells counts the cells of a GFM table row: unescaped pipes minus one.
func cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestHTMLInjection(t *testing.T) {
	rep, snaps := builtScenario(t, "injection")
	var buf bytes.Buffer
	if err := HTML(&buf, rep, snaps, Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
		t.Errorf("HTML has %d <script tags, want only its own one", n)
	}
	for _, bad := range []string{"<img", "<b>", "\x1b", "\xff", "hunter2", "javascript:alert(1)\"", "href=\"javascript"} {
		if strings.Contains(page, bad) {
			t.Errorf("HTML holds %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("HTML lost the escaped payload text")
	}
	if !utf8Valid(page) {
		t.Error("HTML is not valid UTF-8")
	}
}

func TestEmptyAndNilReport(t *testing.T) {
	var buf bytes.Buffer
	if err := Markdown(&buf, nil, nil, Options{}); err == nil {
		t.Error("Markdown(nil report) succeeded, want an error")
	}
	if err := HTML(&buf, nil, nil, Options{}); err == nil {
		t.Error("HTML(nil report) succeeded, want an error")
	}
	empty := &compare.Report{}
	for name, render := range map[string]func() error{
		"markdown": func() error { return Markdown(&buf, empty, nil, Options{}) },
		"html":     func() error { return HTML(&buf, empty, nil, Options{}) },
	} {
		buf.Reset()
		if err := render(); err != nil {
			t.Errorf("%s(empty report): %v", name, err)
		}
		if !strings.Contains(buf.String(), "fleetcheck report: no hosts") {
			t.Errorf("%s(empty report) lacks its heading:\n%s", name, buf.String())
		}
	}
}
