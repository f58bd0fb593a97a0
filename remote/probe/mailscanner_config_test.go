package probe

import (
	"errors"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestMailScannerConfigReal runs the command on a v4 tarball layout built
// from testdata/mailscanner_config/tree in /opt, in a private mount namespace.
func TestMailScannerConfigReal(t *testing.T) {
	setup := `set -e
mount -t tmpfs tmpfs /opt
mkdir -p /opt/MailScanner
cp -R "$1/etc" /opt/MailScanner/etc
exec dash -c "$2"`
	out := inNamespace(t, setup, "testdata/mailscanner_config/tree", MailScannerConfig.Command)
	for _, sh := range []string{"bash"} {
		out2 := inNamespace(t, strings.Replace(setup, "exec dash", "exec "+sh, 1), "testdata/mailscanner_config/tree", MailScannerConfig.Command)
		if string(out2) != string(out) {
			t.Errorf("%s output differs from dash:\n%s\n---\n%s", sh, out2, out)
		}
	}
	saveCapture(t, "mailscanner_config", "debian12-tarball-layout", out)
	checkTarballConfig(t, out)
}

func TestParseMailScannerConfig(t *testing.T) {
	checkTarballConfig(t, readCase(t, "mailscanner_config", "debian12-tarball-layout"))
}

func checkTarballConfig(t *testing.T, out []byte) {
	t.Helper()
	var f fleet.Facts
	if err := MailScannerConfig.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	c := f.Config
	wantFiles := []string{
		"/opt/MailScanner/etc/MailScanner.conf",
		"/opt/MailScanner/etc/conf.d/50-mailwatch.conf",
		"/opt/MailScanner/etc/conf.d/nested/with space.conf",
		"/opt/MailScanner/etc/conf.d/90-local.conf",
		"/opt/MailScanner/etc/conf.d/README",
	}
	if strings.Join(c.Files, "|") != strings.Join(wantFiles, "|") {
		t.Errorf("Files = %q, want %q", c.Files, wantFiles)
	}
	// the main file's own line after the include wins over the includes
	if v := c.Values["maxchildren"]; v.Value != "6" || v.File != wantFiles[0] || v.Line != 28 || v.Key != "Max Children" {
		t.Errorf("maxchildren = %+v", v)
	}
	if v := c.Values["virusscanners"]; v.Value != "clamav" {
		t.Errorf("comment not stripped: %+v", v)
	}
	if v := c.Values["informationheader"]; v.Value != "X-example-MailScanner-Information" || !strings.HasSuffix(v.File, "50-mailwatch.conf") {
		t.Errorf("most recent %%org-name%% not used: %+v", v)
	}
	if v := c.Values["allowpasswordprotectedarchives"]; v.Secret || v.Value != "/opt/MailScanner/etc/rules/password.rules" {
		t.Errorf("allowpasswordprotectedarchives = %+v", v)
	}
	for _, k := range []string{"dbpassword", "dbpass", "sqldsn", "licencekey"} {
		v := c.Values[k]
		if !v.Secret || !strings.HasPrefix(v.Value, "sha256:") || len(v.Value) != len("sha256:")+12 {
			t.Errorf("%s = %+v, want a fingerprint", k, v)
		}
	}
	if v := c.Values["dbpassword"]; v.Value != fleet.Fingerprint("s3cret") {
		t.Errorf("dbpassword fingerprint %q, want that of %q (comment stripped)", v.Value, "s3cret")
	}
	if v := c.Values["runasuser"]; v.Value != "" || v.Secret {
		t.Errorf("runasuser = %+v", v)
	}
	for _, k := range []string{"spamassassinuserstatedir", "spamscore"} {
		if c.Values[k].Secret {
			t.Errorf("%s taken for a secret", k)
		}
	}
	if len(c.Problems) != 1 || c.Problems[0] != "/opt/MailScanner/etc/MailScanner.conf:25: not a \"key = value\" line (28 characters)" {
		t.Errorf("Problems = %q", c.Problems)
	}
	if strings.Contains(string(mustJSON(t, c)), "hunter2") {
		t.Errorf("a secret is stored in clear")
	}
}

func TestParseMailScannerConfigNone(t *testing.T) {
	var f fleet.Facts
	if err := MailScannerConfig.Parse(Result{Stdout: []byte("@@fc none\n")}, &f); !errors.Is(err, ErrNotApplicable) {
		t.Errorf("err = %v, want ErrNotApplicable", err)
	}
	err := MailScannerConfig.Parse(Result{Stdout: []byte("@@fc conf /etc/MailScanner/MailScanner.conf\n@@fc unreadable /etc/MailScanner/MailScanner.conf\n")}, &f)
	if err == nil || errors.Is(err, ErrNotApplicable) || f.Config != nil {
		t.Errorf("unreadable: err = %v", err)
	}
}

func TestMailScannerConfigNotInstalled(t *testing.T) {
	for _, sh := range shells {
		r := runShell(t, sh, MailScannerConfig.Command, nil)
		var f fleet.Facts
		err := MailScannerConfig.Parse(r, &f)
		if strings.Contains(string(r.Stdout), "@@fc conf ") {
			continue // MailScanner is installed here
		}
		if !errors.Is(err, ErrNotApplicable) {
			t.Errorf("%s: err = %v, want ErrNotApplicable", sh, err)
		}
	}
}

func TestSecretKeys(t *testing.T) {
	secret := []string{"dbpassword", "dbpass", "sqlpassword", "apikey", "licensekey", "sqldsn", "ldappw", "dkimprivatekey", "%dbpass%"}
	plain := []string{"spamassassinuserstatedir", "allowpasswordprotectedarchives", "maxchildren", "spamassassinlocalstatedir", "informationheader", "keepspamandmcparchiveclean", "virusscanners"}
	for _, k := range secret {
		if !isSecretKey(k) {
			t.Errorf("isSecretKey(%q) = false", k)
		}
	}
	for _, k := range plain {
		if isSecretKey(k) {
			t.Errorf("isSecretKey(%q) = true", k)
		}
	}
}

func TestConfigSubstitutionBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("@@fc conf /c\n@@fc file /c\n%a% = xxxxxxxxxxxxxxxx\n")
	for i := 0; i < 12; i++ {
		b.WriteString("%a% = %a%%a%%a%%a%\n")
	}
	var f fleet.Facts
	if err := MailScannerConfig.Parse(Result{Stdout: []byte(b.String())}, &f); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Config.Values["%a%"].Value); n > maxConfigValueLen {
		t.Errorf("value grew to %d bytes", n)
	}
}

func FuzzParseMailScannerConfig(f *testing.F) {
	seedCorpus(f, "mailscanner_config")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, MailScannerConfig, data) })
}

// TestConfigSecretThroughVariable: a %variable% that a secret setting uses
// holds the secret itself, and so does any setting built from it.
func TestConfigSecretThroughVariable(t *testing.T) {
	out := "@@fc conf /etc/MailScanner/MailScanner.conf\n@@fc file /etc/MailScanner/MailScanner.conf\n" +
		"%org-name% = acme\n" +
		"%sqlauth% = hunter2\n" +
		"%sqlpart% = pre-%sqlauth%\n" +
		"DB Password = %sqlpart%\n" +
		"Custom Header = X-%sqlauth%\n" +
		"Information Header = X-%org-name%-Info\n" +
		"%unused% = plain\n"
	var f fleet.Facts
	if err := MailScannerConfig.Parse(Result{Stdout: []byte(out)}, &f); err != nil {
		t.Fatal(err)
	}
	c := f.Config
	for _, k := range []string{"dbpassword", "%sqlauth%", "%sqlpart%", "customheader"} {
		if v := c.Values[k]; !v.Secret || !strings.HasPrefix(v.Value, "sha256:") {
			t.Errorf("%s = %+v, want a fingerprint", k, v)
		}
	}
	if v := c.Values["dbpassword"]; v.Value != fleet.Fingerprint("pre-hunter2") {
		t.Errorf("dbpassword = %q, want the fingerprint of the substituted value", v.Value)
	}
	for k, want := range map[string]string{"%org-name%": "acme", "informationheader": "X-acme-Info", "%unused%": "plain"} {
		if v := c.Values[normaliseKey(k)]; v.Secret || v.Value != want {
			t.Errorf("%s = %+v, want %q in clear", k, v, want)
		}
	}
	if b := mustJSON(t, c); strings.Contains(string(b), "hunter2") {
		t.Errorf("a secret reached the facts:\n%s", b)
	}
}

// TestMaskConfigOutput: the masked output holds no secret, and reads back
// with the same settings, the secrets still secret.
func TestMaskConfigOutput(t *testing.T) {
	out := readCase(t, "mailscanner_config", "debian12-tarball-layout")
	masked := MaskConfigOutput(out)
	for _, secret := range []string{"s3cret", "hunter2"} {
		if strings.Contains(string(masked), secret) {
			t.Errorf("masked output keeps %q:\n%s", secret, masked)
		}
	}
	var before, after fleet.Facts
	if err := MailScannerConfig.Parse(Result{Stdout: out}, &before); err != nil {
		t.Fatal(err)
	}
	if err := MailScannerConfig.Parse(Result{Stdout: masked}, &after); err != nil {
		t.Fatalf("%v\n%s", err, masked)
	}
	if len(after.Config.Values) != len(before.Config.Values) {
		t.Errorf("masked output has %d settings, want %d", len(after.Config.Values), len(before.Config.Values))
	}
	for k, v := range before.Config.Values {
		w := after.Config.Values[k]
		if w.Secret != v.Secret || (!v.Secret && w.Value != v.Value) {
			t.Errorf("%s: masked output reads %+v, want %+v", k, w, v)
		}
	}
}

// TestSplitSettingMatchesPattern: the written-out splitSetting and the
// include check give what settingRe and includeRe give, groups and all,
// on lines built from the pieces that matter.
func TestSplitSettingMatchesPattern(t *testing.T) {
	pieces := []string{"=", " = ", "==", " ", "\t", "\n", "\r", "\f", "\v", "Key", "%org-name%", "value", "x", "é", "\xff",
		"include", "Include", "INCLUDE", "İnclude", "ınclude", "\u212a", "/etc/MailScanner/conf.d/*.conf", "#"}
	matchesPattern(t, 9, pieces, 8, settingRe, func(l string) []string {
		if key, value, ok := splitSetting(l); ok {
			return []string{key, value}
		}
		return nil
	})
	matchesPattern(t, 11, pieces, 8, includeRe, func(l string) []string {
		if m := includeMatch(l); m != nil {
			return m[1:]
		}
		return nil
	})
}
