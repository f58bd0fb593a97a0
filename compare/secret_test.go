package compare_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/compare/ticket"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// configHost is a host whose MailScanner.conf sets DB Password through a
// variable, stored the way fleetcheck stored it before variables were
// checked: the variable in clear, the setting as a fingerprint.
func configHost(name, password string) *fleet.Snapshot {
	return &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: name, Status: fleet.HostOK,
		Probes: map[string]fleet.ProbeResult{"mailscanner_config": {Status: fleet.ProbeOK}},
		Facts: fleet.Facts{Config: &fleet.MailScannerConfig{Path: "/etc/MailScanner/MailScanner.conf",
			Values: map[string]fleet.ConfigValue{
				"%sqlauth%":  {Key: "%sqlauth%", Value: password, File: "/etc/MailScanner/MailScanner.conf", Line: 3},
				"dbpassword": {Key: "DB Password", Value: fleet.Fingerprint(password), Secret: true, File: "/etc/MailScanner/MailScanner.conf", Line: 9},
			}}}}
}

// TestSecretVariableInEveryFormat: the clear value of a %variable% that a
// secret setting uses reaches no format.
func TestSecretVariableInEveryFormat(t *testing.T) {
	snaps := []*fleet.Snapshot{configHost("mail1", "hunter2"), configHost("mail2", "s3cr3t-Pw")}
	rep, err := compare.Compare(snaps, compare.Baseline{Host: "mail1"}, compare.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := rep.Hosts[1].Finding("mailscanner_config.%sqlauth%")
	if !ok || !strings.HasPrefix(f.Value, "secret:") || !strings.HasPrefix(f.Baseline, "secret:") {
		t.Fatalf("%%sqlauth%% finding = %+v (found %v), want fingerprints on both sides", f, ok)
	}
	formats := map[string]func(*bytes.Buffer) error{
		"json":     func(b *bytes.Buffer) error { return render.JSON(b, rep) },
		"table":    func(b *bytes.Buffer) error { return render.Table(b, rep, render.TableOptions{}) },
		"markdown": func(b *bytes.Buffer) error { return ticket.Markdown(b, rep, snaps, ticket.Options{}) },
		"html":     func(b *bytes.Buffer) error { return ticket.HTML(b, rep, snaps, ticket.Options{}) },
	}
	for name, write := range formats {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, secret := range []string{"hunter2", "s3cr3t-Pw"} {
			if strings.Contains(b.String(), secret) {
				t.Errorf("%s report shows the secret %q", name, secret)
			}
		}
		if !strings.Contains(b.String(), "sqlauth") {
			t.Errorf("%s report does not mention the differing %%sqlauth%% at all", name)
		}
	}
}
