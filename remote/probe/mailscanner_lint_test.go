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

func lintCase(t *testing.T, name string, timedOut bool) *fleet.Lint {
	t.Helper()
	var f fleet.Facts
	if err := MailScannerLint.Parse(Result{Stdout: readCase(t, "mailscanner_lint", name), TimedOut: timedOut}, &f); err != nil {
		t.Fatal(err)
	}
	return f.Lint
}

func TestParseLintClean(t *testing.T) {
	l := lintCase(t, "v5-clean", false)
	if len(l.Errors) != 0 || len(l.Warnings) != 0 {
		t.Errorf("errors %+v warnings %+v, want none", l.Errors, l.Warnings)
	}
	if l.VersionOK == nil || !*l.VersionOK || l.ConfVersion != "5.0.6" || l.InstalledVersion != "5.0.6" {
		t.Errorf("version = %v %q %q", l.VersionOK, l.ConfVersion, l.InstalledVersion)
	}
	if l.SpamAssassin != "ok" || l.Infections != 2 || l.TimedOut || l.ExitCode != 0 {
		t.Errorf("sa %q infections %d timedout %v exit %d", l.SpamAssassin, l.Infections, l.TimedOut, l.ExitCode)
	}
	if strings.Join(l.VirusScannersConfigured, ",") != "clamd" || strings.Join(l.VirusScannersFound, ",") != "clamd" {
		t.Errorf("scanners %q / %q", l.VirusScannersConfigured, l.VirusScannersFound)
	}
	if !strings.Contains(l.Raw, "Reading configuration file") {
		t.Errorf("raw = %q", l.Raw)
	}
}

func TestParseLintNoexecTmp(t *testing.T) {
	l := lintCase(t, "centos4-noexec-tmp", false)
	if l.VersionOK == nil || *l.VersionOK || l.InstalledVersion != "4.66.5" || l.ConfVersion != "4.63.8" {
		t.Errorf("version = %v %q %q", l.VersionOK, l.InstalledVersion, l.ConfVersion)
	}
	if l.SpamAssassin != "error" || len(l.SpamAssassinLines) != 3 {
		t.Errorf("sa %q lines %q", l.SpamAssassin, l.SpamAssassinLines)
	}
	if m, ok := hasLint(l.Errors, "You want to use SpamAssassin but have not installed it."); !ok || m.File != "/usr/lib/MailScanner/MailScanner/SA.pm" || m.Line != 170 {
		t.Errorf("SA not installed = %+v, %v", m, ok)
	}
	if m, ok := hasLint(l.Errors, "Unrecognised keyword"); !ok || m.Line != 2163 || !strings.HasSuffix(m.Text, "at line 1410") {
		t.Errorf("unrecognised keyword = %+v", m)
	}
	for _, s := range []string{"failed to map segment", "bad interpreter: Permission denied", "SpamAssassin reported an error."} {
		if _, ok := hasLint(l.Errors, s); !ok {
			t.Errorf("no error %q in %+v", s, l.Errors)
		}
	}
	if _, ok := hasLint(l.Warnings, "Warning: syntax errors in /etc/MailScanner/MailScanner.conf."); !ok {
		t.Errorf("warnings = %+v", l.Warnings)
	}
	if _, ok := hasLint(l.Warnings, "does not match version"); !ok {
		t.Errorf("version mismatch not a warning: %+v", l.Warnings)
	}
	if l.Infections != 0 || strings.Join(l.VirusScannersConfigured, ",") != "clamav" {
		t.Errorf("infections %d scanners %q", l.Infections, l.VirusScannersConfigured)
	}
}

func TestParseLintHang(t *testing.T) {
	l := lintCase(t, "centos5-hang", true)
	if !l.TimedOut || l.SpamAssassin != "" || l.Infections != -1 {
		t.Errorf("timed out %v sa %q infections %d", l.TimedOut, l.SpamAssassin, l.Infections)
	}
	if !l.TmpPermission {
		t.Errorf("no /tmp permission complaint")
	}
	if len(l.SpamAssassinLines) != 1 || !strings.Contains(l.SpamAssassinLines[0], "warn: dns") {
		t.Errorf("sa lines %q", l.SpamAssassinLines)
	}
	if !strings.Contains(l.Raw, "Checking for SpamAssassin errors") {
		t.Errorf("partial output not kept: %q", l.Raw)
	}
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

func TestParseLintSAMissing(t *testing.T) {
	l := lintCase(t, "v5-sa-missing", false)
	if _, ok := hasLint(l.Errors, `ERROR: The "envelope_sender_header" in your spamassassin.conf`); !ok {
		t.Errorf("envelope_sender_header error missing: %+v", l.Errors)
	}
	if m, ok := hasLint(l.Errors, "You want to use SpamAssassin but have not installed it."); !ok || m.Line != 170 {
		t.Errorf("SA not installed = %+v", m)
	}
	if l.SpamAssassin != "ok" || len(l.SpamAssassinLines) != 2 {
		t.Errorf("sa %q lines %q", l.SpamAssassin, l.SpamAssassinLines)
	}
	if strings.Join(l.VirusScannersConfigured, ",") != "sophos,clamd" || strings.Join(l.VirusScannersFound, ",") != "sophos,clamd" {
		t.Errorf("scanners %q / %q", l.VirusScannersConfigured, l.VirusScannersFound)
	}
	if l.Infections != 2 {
		t.Errorf("infections = %d, want 2 (sum of per-scanner lines)", l.Infections)
	}
	if len(l.Warnings) != 0 {
		t.Errorf("warnings = %+v", l.Warnings)
	}
}
