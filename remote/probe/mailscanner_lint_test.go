package probe

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func hasLint(ms []fleet.LintMessage, sub string) (fleet.LintMessage, bool) {
	for _, m := range ms {
		if strings.Contains(m.Text, sub) {
			return m, true
		}
	}
	return fleet.LintMessage{}, false
}

// realCaptures is where the lab keeps what the real MailScanner 4.84.3 and
// 5.5.3 printed on each lab profile (remote/lab/capture/README.md).
const realCaptures = "../lab/testdata/captures"

// realLint frames a real capture as the probe's command does: stderr folded
// into stdout after the path line, the exit status last (a hung lint never
// gets there).
func realLint(t *testing.T, version, profile string) (Result, []string) {
	t.Helper()
	dir := filepath.Join(realCaptures, version, profile)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	body := read("lint.stderr") + read("lint.stdout")
	out := "@@fc path /usr/sbin/MailScanner\n" + body
	exit := strings.TrimSpace(read("lint.exit"))
	r := Result{}
	if strings.HasPrefix(exit, "hung") {
		r.TimedOut = true
	} else {
		out += "@@fc exit " + exit + "\n"
	}
	r.Stdout = []byte(out)
	return r, strings.Split(body, "\n")
}

func realVersions(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(realCaptures)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	if len(out) < 2 {
		t.Fatalf("captures of %v, want 4.84.3 and 5.5.3", out)
	}
	return out
}

func parseReal(t *testing.T, version, profile string) (*fleet.Lint, []string) {
	t.Helper()
	r, lines := realLint(t, version, profile)
	var f fleet.Facts
	if err := MailScannerLint.Parse(r, &f); err != nil {
		t.Fatalf("%s/%s: %v", version, profile, err)
	}
	return f.Lint, lines
}

// TestParseLintClassifiesEveryRealLine parses every real capture and checks
// that each line it holds is accounted for: a known line of a healthy lint,
// perl's noise, or a fact (error, warning, SpamAssassin line, version,
// scanners, death).
func TestParseLintClassifiesEveryRealLine(t *testing.T) {
	for _, version := range realVersions(t) {
		profiles, err := os.ReadDir(filepath.Join(realCaptures, version))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range profiles {
			l, lines := parseReal(t, version, p.Name())
			for _, line := range lines {
				if line = strings.TrimSpace(line); line != "" && !lintAccounted(l, line) {
					t.Errorf("%s/%s: line not classified: %q", version, p.Name(), line)
				}
			}
		}
	}
}

// lintAccounted reports whether the parser put line somewhere.
func lintAccounted(l *fleet.Lint, line string) bool {
	if hasPrefixAny(line, lintInfo) || hasPrefixAny(line, lintNoise) {
		return true
	}
	for _, ms := range [][]fleet.LintMessage{l.Errors, l.Warnings} {
		for _, m := range ms {
			if m == lintMessage(line) {
				return true
			}
		}
	}
	for _, s := range l.SpamAssassinLines {
		if s == line {
			return true
		}
	}
	switch {
	case versionOKRe.MatchString(line), versionConfRe.MatchString(line), scannersConfRe.MatchString(line),
		scannersFound.MatchString(line), strings.HasPrefix(line, "Checking for SpamAssassin errors"),
		line == "SpamAssassin reported no errors.",
		strings.HasPrefix(line, "Your envelope_sender_header in") && strings.HasSuffix(line, "is correct."):
		return true
	}
	return false
}

// TestParseLintReal checks the facts of each real capture, both releases.
func TestParseLintReal(t *testing.T) {
	saLine := map[string]int{"4.84.3": 177, "5.5.3": 170}
	diesAt := map[string]int{"4.84.3": 3342, "5.5.3": 3766}
	for _, version := range realVersions(t) {
		t.Run(version, func(t *testing.T) {
			good, _ := parseReal(t, version, "good")
			if good.SpamAssassin != "ok" || good.Died != nil || good.ExitCode != 0 || good.TimedOut {
				t.Errorf("good: sa %q died %+v exit %d timed out %v", good.SpamAssassin, good.Died, good.ExitCode, good.TimedOut)
			}
			if good.VersionOK == nil || !*good.VersionOK || good.InstalledVersion != version {
				t.Errorf("good: version ok %v installed %q", good.VersionOK, good.InstalledVersion)
			}
			if _, ok := hasLint(good.Warnings, "Unrar is not installed"); !ok {
				t.Errorf("good: warnings %+v lack the Unrar line", good.Warnings)
			}
			// 4.84.3 finds clamscan (clamavmodule with the lab's Mail::ClamAV);
			// 5.5.3 only knows clamd, which the lab does not run.
			wantFound := map[string]string{"4.84.3": "clamavmodule", "5.5.3": ""}[version]
			if strings.Join(good.VirusScannersConfigured, ",") != "clamav" || strings.Join(good.VirusScannersFound, ",") != wantFound {
				t.Errorf("good: scanners %q / %q, want found %q", good.VirusScannersConfigured, good.VirusScannersFound, wantFound)
			}
			if strings.Contains(good.Raw, "Parameterless") {
				t.Errorf("good: raw keeps perl's deprecation noise")
			}
			for _, m := range good.Warnings {
				if strings.Contains(m.Text, "Parameterless") {
					t.Errorf("good: perl's deprecation noise is a warning: %+v", m)
				}
			}

			seed, _ := parseReal(t, version, "seed")
			m, ok := hasLint(seed.Errors, "You want to use SpamAssassin but have not installed it.")
			if !ok || !strings.HasSuffix(m.File, "/MailScanner/SA.pm") || m.Line != saLine[version] || seed.SpamAssassin != "error" {
				t.Errorf("seed: SA not installed = %+v (found %v), sa %q", m, ok, seed.SpamAssassin)
			}
			if _, ok := hasLint(seed.Errors, "SpamAssassin reported an error"); ok {
				t.Errorf("seed: a line no real MailScanner prints: %+v", seed.Errors)
			}
			if seed.Died != nil || seed.ExitCode != 0 {
				t.Errorf("seed: died %+v exit %d: real lint exits 0 with errors", seed.Died, seed.ExitCode)
			}

			shadow, _ := parseReal(t, version, "shadow")
			if _, ok := hasLint(shadow.Warnings, "dns: resolver create failed: Net::DNS 0.69 required"); !ok {
				t.Errorf("shadow: warnings %+v", shadow.Warnings)
			}

			config, _ := parseReal(t, version, "config")
			if config.SpamAssassin != "" || len(config.SpamAssassinLines) != 0 {
				t.Errorf("config (Use SpamAssassin = no): sa %q lines %q", config.SpamAssassin, config.SpamAssassinLines)
			}

			hang, _ := parseReal(t, version, "hang")
			if !hang.TimedOut || hang.Infections != -1 || hang.SpamAssassin != "" {
				t.Errorf("hang: timed out %v infections %d", hang.TimedOut, hang.Infections)
			}

			dies, _ := parseReal(t, version, "lint-dies")
			if d := dies.Died; d == nil || d.Package != "Archive::Zip" || d.Line != diesAt[version] ||
				!strings.HasSuffix(d.File, "/MailScanner/Message.pm") || d.Text != "Undefined subroutine &Archive::Zip::setErrorHandler called" {
				t.Errorf("lint-dies: died %+v", dies.Died)
			}
			if dies.ExitCode != 255 {
				t.Errorf("lint-dies: exit %d, want 255", dies.ExitCode)
			}
		})
	}
}

func TestParseLintDeathForms(t *testing.T) {
	for _, tc := range []struct {
		out, pkg string
		died     bool
	}{
		{"Can't locate object method \"new\" via package \"Net::DNS::Resolver\" at /usr/share/perl5/Mail/SpamAssassin/DnsResolver.pm line 205.\n@@fc exit 255\n", "Net::DNS::Resolver", true},
		{"Undefined subroutine &Archive::Zip::setErrorHandler called at /x/Message.pm line 3766.\n@@fc exit 255\n", "Archive::Zip", true},
		// Exit 255 with a located last line: perl died, package unknown.
		{"Reading configuration file /etc/MailScanner/MailScanner.conf\nDied at /usr/sbin/MailScanner line 12.\n@@fc exit 255\n", "", true},
		// Exit 0 with a located warning: nothing died.
		{"Looked up unknown string x in language translation file  at /a/Config.pm line 1372.\n@@fc exit 0\n", "", false},
	} {
		var f fleet.Facts
		if err := MailScannerLint.Parse(Result{Stdout: []byte("@@fc path /usr/sbin/MailScanner\n" + tc.out)}, &f); err != nil {
			t.Fatal(err)
		}
		if d := f.Lint.Died; (d != nil) != tc.died || (d != nil && d.Package != tc.pkg) {
			t.Errorf("%q: died %+v, want died %v package %q", tc.out, d, tc.died, tc.pkg)
		}
	}
}

func TestParseLintHungSilently(t *testing.T) {
	var f fleet.Facts
	if err := MailScannerLint.Parse(Result{TimedOut: true}, &f); err != nil || !f.Lint.TimedOut {
		t.Errorf("silent hang: err %v lint %+v", err, f.Lint)
	}
}

func TestParseLintRawCapped(t *testing.T) {
	out := "@@fc path /usr/sbin/MailScanner\n" + strings.Repeat("\x1b[31mWarning: x\x1b[0m at /a.pm line 1.\n", 10000)
	var f fleet.Facts
	if err := MailScannerLint.Parse(Result{Stdout: []byte(out)}, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Lint.Raw) > maxLintRaw || strings.Contains(f.Lint.Raw, "\x1b") || len(f.Lint.Warnings) != 1 {
		t.Errorf("raw %d bytes, %d warnings", len(f.Lint.Raw), len(f.Lint.Warnings))
	}
}

func TestMailScannerLintNotInstalled(t *testing.T) {
	if _, err := exec.LookPath("MailScanner"); err == nil {
		t.Skip("MailScanner is installed here")
	}
	for _, sh := range shells {
		r := runShell(t, sh, MailScannerLint.Command, nil)
		var f fleet.Facts
		if err := MailScannerLint.Parse(r, &f); !errors.Is(err, ErrNotApplicable) {
			t.Errorf("%s: err = %v, want ErrNotApplicable", sh, err)
		}
	}
}

func FuzzParseMailScannerLint(f *testing.F) {
	seedCorpus(f, "mailscanner_lint")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, MailScannerLint, data) })
}

// TestMailScannerLintHangs runs the real command against a MailScanner
// whose --lint prints a few lines and then hangs (installed as
// /opt/MailScanner/bin/MailScanner in a private mount namespace), kills it
// after a second as collect's watchdog would, and parses what arrived.
func TestMailScannerLintHangs(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	stub := "#!/bin/sh\necho 'Reading configuration file /opt/MailScanner/etc/MailScanner.conf' >&2\n" +
		"echo 'Checking for SpamAssassin errors (if you use it)...' >&2\nexec sleep 30\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "MailScanner"), []byte(stub), 0o755); err != nil {
		t.Fatal(err)
	}
	setup := `set -e
mount -t tmpfs tmpfs /opt
mkdir -p /opt/MailScanner/bin
cp "$1/MailScanner" /opt/MailScanner/bin/MailScanner
exec dash -c "$2"`
	c := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", setup, "sh", dir, MailScannerLint.Command)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	c.Stdout = &out
	if err := c.Start(); err != nil {
		t.Skip(err)
	}
	timer := time.AfterFunc(time.Second, func() { _ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL) })
	defer timer.Stop()
	_ = c.Wait()
	if !strings.Contains(out.String(), "@@fc path") {
		t.Skipf("mount namespace unavailable: %q", out.String())
	}
	var f fleet.Facts
	if err := MailScannerLint.Parse(Result{Stdout: out.Bytes(), TimedOut: true, ExitCode: -1}, &f); err != nil {
		t.Fatal(err)
	}
	l := f.Lint
	if !l.TimedOut || l.SpamAssassin != "" || !strings.Contains(l.Raw, "Checking for SpamAssassin errors") {
		t.Errorf("lint = %+v", l)
	}
}

// TestParseLintFirstConf parses the real 4.84.3 lint of the lab's first
// MailScanner.conf (testdata/mailscanner_lint/README.md): unknown keyword,
// no Custom Functions directory, no languages.conf, a wrong
// envelope_sender_header and clamscan without a virus database.
func TestParseLintFirstConf(t *testing.T) {
	b := readCase(t, "mailscanner_lint", "lab-4.84.3-first-conf")
	var f fleet.Facts
	if err := MailScannerLint.Parse(Result{Stdout: b}, &f); err != nil {
		t.Fatal(err)
	}
	l := f.Lint
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "@@fc") && !lintAccounted(l, line) {
			t.Errorf("line not classified: %q", line)
		}
	}
	for _, want := range []string{`Unrecognised keyword "password" at line 113`, "Syntax error(s) in configuration file:",
		`ERROR: The "envelope_sender_header" in your spam.assassin.prefs.conf`,
		"LibClamAV Error: cli_loaddbdir: No supported database files found in /var/lib/clamav", "ERROR: Can't open file or directory"} {
		if _, ok := hasLint(l.Errors, want); !ok {
			t.Errorf("no error %q in %+v", want, l.Errors)
		}
	}
	for _, want := range []string{"Could not read Custom Functions directory", "Looked up unknown string mailscanner",
		"Warning: syntax errors in /etc/MailScanner/MailScanner.conf."} {
		if _, ok := hasLint(l.Warnings, want); !ok {
			t.Errorf("no warning %q in %+v", want, l.Warnings)
		}
	}
	if l.Died != nil || l.ExitCode != 0 {
		t.Errorf("died %+v exit %d", l.Died, l.ExitCode)
	}
}
