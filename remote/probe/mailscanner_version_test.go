package probe

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func moduleVersion(ms []fleet.ModuleVersion, name string) (fleet.ModuleVersion, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return fleet.ModuleVersion{}, false
}

func TestParseMailScannerVersion(t *testing.T) {
	tests := []struct {
		file, product, version, perl string
		osLines, modules, optional   int
		missing                      []string
		extra                        int
	}{
		{"centos4-4.66-seed", "MailScanner", "4.66.5", "5.008005 (5.8.5)", 1, 36, 11, []string{"Mail::ClamAV", "Mail::SpamAssassin"}, 1},
		{"centos6-baruwa", "Baruwa", "4.86.1", "5.010001 (5.10.1)", 1, 2, 2, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var f fleet.Facts
			if err := MailScannerVersion.Parse(Result{Stdout: readCase(t, "mailscanner_version", tt.file)}, &f); err != nil {
				t.Fatal(err)
			}
			ms := f.MailScanner
			if ms.Product != tt.product || ms.Version != tt.version || ms.PerlVersion != tt.perl || ms.Path != "/usr/sbin/MailScanner" {
				t.Errorf("got %q %q %q %q", ms.Product, ms.Version, ms.PerlVersion, ms.Path)
			}
			if len(ms.OSLines) != tt.osLines || len(ms.Modules) != tt.modules || len(ms.Optional) != tt.optional || len(ms.Extra) != tt.extra {
				t.Errorf("%d OS lines, %d modules, %d optional, %d extra: %+v", len(ms.OSLines), len(ms.Modules), len(ms.Optional), len(ms.Extra), ms)
			}
			if !strings.HasPrefix(ms.Uname, "Linux ") {
				t.Errorf("uname = %q", ms.Uname)
			}
			for _, name := range tt.missing {
				if m, ok := moduleVersion(ms.Optional, name); !ok || !m.Missing || m.Version != "missing" {
					t.Errorf("%s = %+v, want missing", name, m)
				}
			}
		})
	}
}

func TestParseMailScannerVersionErrors(t *testing.T) {
	var f fleet.Facts
	if err := MailScannerVersion.Parse(Result{Stdout: []byte("@@fc none\n")}, &f); !errors.Is(err, ErrNotApplicable) {
		t.Errorf("not installed: err = %v, want ErrNotApplicable", err)
	}
	out := "@@fc path /usr/sbin/MailScanner\nCan't locate MIME/Parser.pm in @INC at /usr/sbin/MailScanner line 80.\n"
	if err := MailScannerVersion.Parse(Result{Stdout: []byte(out), ExitCode: 2}, &f); err == nil || f.MailScanner != nil {
		t.Errorf("broken MailScanner: err = %v, want an error", err)
	}
}

func TestMailScannerVersionNotInstalled(t *testing.T) {
	if _, err := exec.LookPath("MailScanner"); err == nil {
		t.Skip("MailScanner is installed here")
	}
	for _, sh := range shells {
		r := runShell(t, sh, MailScannerVersion.Command, nil)
		var f fleet.Facts
		if err := MailScannerVersion.Parse(r, &f); !errors.Is(err, ErrNotApplicable) {
			t.Errorf("%s: err = %v, want ErrNotApplicable\n%s", sh, err, r.Stdout)
		}
	}
}

// TestMailScannerVersionStandIn runs the command against a stand-in for
// MailScanner -v (testdata/mailscanner_version/MailScanner.standin, the -v
// code of 4.84/5.x) installed as /opt/MailScanner/bin/MailScanner on this
// host's real Perl, in a private mount namespace.
func TestMailScannerVersionStandIn(t *testing.T) {
	setup := `set -e
mount -t tmpfs tmpfs /opt
mkdir -p /opt/MailScanner/bin
cp "$1" /opt/MailScanner/bin/MailScanner
exec dash -c "$2"`
	out := inNamespace(t, setup, "testdata/mailscanner_version/MailScanner.standin", MailScannerVersion.Command)
	var f fleet.Facts
	if err := MailScannerVersion.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ms := f.MailScanner
	if ms.Path != "/opt/MailScanner/bin/MailScanner" || ms.Version != "5.5.3" || len(ms.Modules) != 48 || len(ms.Optional) != 39 || len(ms.Extra) != 0 {
		t.Errorf("got %+v", ms)
	}
	want, _ := exec.Command("perl", "-e", `printf "%f (%vd)", $], $^V`).Output()
	if ms.PerlVersion != string(want) {
		t.Errorf("perl version = %q, want %q", ms.PerlVersion, want)
	}
	if m, _ := moduleVersion(ms.Optional, "Mail::ClamAV"); !m.Missing {
		t.Errorf("Mail::ClamAV = %+v, want missing (not installed here)", m)
	}
	if m, _ := moduleVersion(ms.Modules, "Archive::Zip"); m.Missing || m.Version == "" {
		t.Errorf("Archive::Zip = %+v", m)
	}
	// NetAddr::IP's $VERSION starts with a space: the line still counts
	if m, ok := moduleVersion(ms.Optional, "NetAddr::IP"); ok && (m.Missing || strings.HasPrefix(m.Version, " ")) {
		t.Errorf("NetAddr::IP = %+v", m)
	}
	saveCapture(t, "mailscanner_version", "debian12-standin", out)
}

func FuzzParseMailScannerVersion(f *testing.F) {
	seedCorpus(f, "mailscanner_version")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, MailScannerVersion, data) })
}

// TestModuleLineMatchesPattern: the written-out moduleLine matches what
// moduleLineRe (the remote filter's pattern) matches, with the same
// groups, on lines built from the pieces that matter.
func TestModuleLineMatchesPattern(t *testing.T) {
	pieces := []string{" ", "  ", "\t", "\t\t", "\n", "\r", "\f", "\v", "1.23", "missing", "x", "_", "9", "::", ":", "Mail",
		"SpamAssassin", "é", "\xff", "-", "(", "Net::DNS"}
	matchesPattern(t, 7, pieces, 9, moduleLineRe, func(l string) []string {
		if version, name, ok := moduleLine(l); ok {
			return []string{version, name}
		}
		return nil
	})
}
