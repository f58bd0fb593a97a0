package ticket

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// TestRedactedFormats redacts a report whose hosts carry names, addresses,
// a user and a company name, renders it as JSON, Markdown and HTML, and
// checks no original survives while each host keeps one token everywhere.
func TestRedactedFormats(t *testing.T) {
	base := fleettest.GoodHost("mail1", 1) // mail1.example.net, 192.0.2.11
	second := fleettest.ShadowBox("mail2", 2)
	second.Address = "[2001:db8::1]:22"
	cpan := "/home/alice/perl5/lib/perl5/"
	m := &second.Facts.PerlModules.Modules[0]
	m.Copies[0].Path, m.Copies[0].IncDir = cpan+"Archive/Zip.pm", cpan
	second.Facts.PerlModules.CPANLog[0].Dir = cpan
	second.Facts.Config.Values["%org-name%"] = fleet.ConfigValue{Key: "%org-name%", Value: "AcmeCorp", File: "/etc/MailScanner/MailScanner.conf", Line: 12}
	second.Facts.Lint.Warnings = []fleet.LintMessage{{Text: "AcmeCorp rules from alice@mail1.example.net at 192.0.2.11 are stale"}}
	third := fleettest.UnreachableBox("mail3") // 192.0.2.16
	snaps := []*fleet.Snapshot{base, second, third}
	rep, err := compare.Compare(snaps, compare.Baseline{Host: "mail1"}, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}

	// Redaction rewrites the snapshots; the report is built from them.
	red := redact.New([]string{"AcmeCorp"})
	rsnaps := red.Snapshots(snaps)[0]
	rrep, err := compare.Compare(rsnaps, compare.Baseline{Host: red.Name("mail1")}, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{ToolVersion: "test", Command: red.Text("fleetcheck compare -i acmecorp.yaml mail1 mail2 mail3"), Redacted: true}
	outputs := map[string]string{}
	j, err := json.Marshal(rrep)
	if err != nil {
		t.Fatal(err)
	}
	outputs["json"] = string(j)
	var md, page bytes.Buffer
	if err := Markdown(&md, rrep, rsnaps, opt); err != nil {
		t.Fatal(err)
	}
	outputs["markdown"] = md.String()
	if err := HTML(&page, rrep, rsnaps, opt); err != nil {
		t.Fatal(err)
	}
	outputs["html"] = page.String()
	if os.Getenv("SHOW") != "" {
		os.Stdout.WriteString(md.String())
	}

	originals := []string{"mail1", "mail2", "mail3", "example.net", "192.0.2.11", "192.0.2.16", "2001:db8::1", "alice", "AcmeCorp"}
	for format, out := range outputs {
		lower := strings.ToLower(out)
		for _, o := range originals {
			if strings.Contains(lower, strings.ToLower(o)) {
				i := strings.Index(lower, strings.ToLower(o))
				t.Errorf("%s output still holds %q: …%s…", format, o, out[max(0, i-60):min(len(out), i+60)])
			}
		}
	}

	// Same host, same token, in every format.
	for i, h := range rrep.Hosts {
		if !strings.HasPrefix(h.Host, "host-") {
			t.Errorf("host %d redacted to %q, want a host-N token", i, h.Host)
		}
		for format, out := range outputs {
			if !strings.Contains(out, h.Host) {
				t.Errorf("%s output lacks %s (the token of %s)", format, h.Host, rep.Hosts[i].Host)
			}
		}
	}
	for _, tok := range []string{"user-1", "word-1", "ip-1", "domain-1"} {
		for format, out := range outputs {
			if !strings.Contains(out, tok) {
				t.Errorf("%s output lacks token %s", format, tok)
			}
		}
	}

	path := filepath.Join(t.TempDir(), "report.md.redaction.json")
	if err := red.WriteMapping(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mapping file mode = %v, want 0600", fi.Mode().Perm())
	}
	mapping, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range originals {
		if !strings.Contains(string(mapping), o) {
			t.Errorf("mapping file lacks %q", o)
		}
	}
	if rep.Hosts[0].Host != "mail1" || snaps[1].Facts.PerlModules.Modules[0].Copies[0].Path != cpan+"Archive/Zip.pm" {
		t.Error("redaction changed the original report or snapshots")
	}
}

func TestRedactedNote(t *testing.T) {
	rep, snaps := sharedScenario(t, "identical")
	for name, render := range map[string]func(*bytes.Buffer) error{
		"markdown": func(b *bytes.Buffer) error { return Markdown(b, rep, snaps, Options{Redacted: true}) },
		"html":     func(b *bytes.Buffer) error { return HTML(b, rep, snaps, Options{Redacted: true}) },
	} {
		var b bytes.Buffer
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "replaced by tokens") {
			t.Errorf("%s of a redacted report does not say so", name)
		}
	}
}
