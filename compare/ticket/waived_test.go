package ticket

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func waivedReport(t *testing.T) *compare.Report {
	t.Helper()
	snaps, ws := fleettest.WaivedFleet()
	r, err := compare.Compare(snaps, compare.Baseline{Kind: compare.BaselineHost, Host: "mail1"},
		compare.Options{Now: fleettest.Time, Waivers: ws})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waivedTexts must appear in every format: the waived cause with its
// waiver, and what became of the expired and the stale waiver.
var waivedTexts = []string{
	"Waived: accepted differences, listed and not counted",
	"config-drift",
	"accepted: config-driftmailscanner_config.maxchildren (owner ops@example.com, until 2099-03-31, inv.yaml:31)",
	"waiver inv.yaml:38 (tmp-noexec for mail3, owner ops@example.com) expired on 2020-01-31 and no longer applies",
	"waiver inv.yaml:45 (perl-version for mail1, owner ops@example.com) matches nothing in this report",
	"1 waived difference(s), not counted",
	"1 waived cause(s), not counted",
}

// TestMarkdownListsWaived renders the Markdown with cmark-gfm, GitHub's
// renderer, and reads the waived section back.
func TestMarkdownListsWaived(t *testing.T) {
	r := waivedReport(t)
	var md bytes.Buffer
	if err := Markdown(&md, r, nil, testOptions); err != nil {
		t.Fatal(err)
	}
	text := md.String()
	if _, err := os.Stat(cmarkGFM); err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, cmarkGFM, "-e", "table")
		cmd.Stdin = strings.NewReader(text)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("cmark-gfm: %v", err)
		}
		text = string(out)
		if !strings.Contains(text, "<h2>Waived: accepted differences, listed and not counted</h2>\n<h3>mail6</h3>") {
			t.Errorf("cmark-gfm does not read a waived section with mail6 in it:\n%s", text)
		}
	}
	// An e-mail address is a code span, which links nothing.
	plain := strings.NewReplacer("<code>", "", "</code>", "", "`", "").Replace(text)
	for _, want := range waivedTexts {
		if !strings.Contains(plain, want) {
			t.Errorf("markdown lacks %q:\n%s", want, text)
		}
	}
}

func TestHTMLListsWaived(t *testing.T) {
	var page bytes.Buffer
	if err := HTML(&page, waivedReport(t), nil, testOptions); err != nil {
		t.Fatal(err)
	}
	text := page.String()
	for _, want := range append(waivedTexts, `<section id="waived">`) {
		if !strings.Contains(text, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	withWaivers := bytes.Clone(page.Bytes())
	// Without waivers, no section.
	snaps, _ := fleettest.WaivedFleet()
	r, _ := compare.Compare(snaps, compare.Baseline{Kind: compare.BaselineHost, Host: "mail1"}, compare.Options{Now: fleettest.Time})
	page.Reset()
	if err := HTML(&page, r, nil, testOptions); err != nil || strings.Contains(page.String(), `id="waived"`) {
		t.Errorf("a report without waivers has a waived section (%v)", err)
	}
	// Chromium renders the section.
	dom := dumpDOM(t, withWaivers)
	for _, want := range []string{`<section id="waived">`, "<h3>mail6</h3>", "accepted: config-driftmailscanner_config.maxchildren", "expired on 2020-01-31"} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %q", want)
		}
	}
}
