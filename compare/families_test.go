package compare

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// zipParts are Archive::Zip's submodules, as a CPAN install of 1.30 lays
// them out.
var zipParts = []string{"Archive", "BufferedFileHandle", "DirectoryMember", "FileMember", "Member",
	"MemberRead", "MockFileHandle", "NewFileMember", "StringMember", "Tree", "ZipFileMember", "Extra"}

// cpanZip gives h a CPAN Archive::Zip 1.30 in site_perl with its 12
// submodules, each shadowing the CentOS RPM's copy in vendor_perl; the
// submodules are listed only for their duplicates.
func cpanZip(h *fleet.Snapshot) {
	rpm := centosRPM("perl-Archive-Zip", "1.68-1.el5")
	setModule(h, loads("Archive::Zip",
		modCopy(incSite, "Archive::Zip", "1.30", fleet.Owner{}),
		modCopy(incVendor, "Archive::Zip", "1.68", rpm)))
	for _, p := range zipParts {
		name := "Archive::Zip::" + p
		m := loads(name, modCopy(incSite, name, "1.30", fleet.Owner{}), modCopy(incVendor, name, "1.68", rpm))
		m.Source = "duplicate"
		setModule(h, m)
	}
	h.Facts.PerlModules.CPANLog = append(h.Facts.PerlModules.CPANLog,
		fleet.CPANInstall{Module: "Archive::Zip", Version: "1.30", Date: "Wed Mar 11 14:02:17 2009", Dir: incSite})
}

func unexplainedOf(h *HostReport, prefix string) []string {
	var out []string
	for _, f := range h.Unexplained {
		if strings.HasPrefix(f, prefix) {
			out = append(out, f)
		}
	}
	return out
}

func TestShadowedDistributionIsOneCause(t *testing.T) {
	base := goodHost("base", 1)
	setModule(base, loads("Archive::Zip", modCopy(incVendor, "Archive::Zip", "1.68", centosRPM("perl-Archive-Zip", "1.68-1.el5"))))
	host := goodHost("h", 2)
	cpanZip(host)
	h := run(t, base, host, Options{})
	got := causesOf(h, "perl-module-shadowed")
	if len(got) != 1 {
		var sums []string
		for _, c := range got {
			sums = append(sums, c.Summary)
		}
		t.Fatalf("%d perl-module-shadowed causes, want 1 for the distribution:\n%s", len(got), strings.Join(sums, "\n"))
	}
	c := got[0]
	if n := len(c.Findings); n < 1+len(zipParts) {
		t.Errorf("the cause covers %d findings, want at least %d: %v", n, 1+len(zipParts), c.Findings)
	}
	for _, p := range zipParts {
		if !slices.Contains(c.Findings, "perl_modules.Archive::Zip::"+p+".copies") {
			t.Errorf("the cause does not cover Archive::Zip::%s", p)
		}
	}
	if u := unexplainedOf(h, "perl_modules.Archive::Zip"); len(u) > 0 {
		t.Errorf("unexplained: %v", u)
	}
	ev := strings.Join(c.Evidence, "\n")
	if want := "also shadowed: 12 submodules under " + incSite + "/Archive/Zip/"; !strings.Contains(ev, want) {
		t.Errorf("evidence lacks %q:\n%s", want, ev)
	}
	if !strings.HasPrefix(c.Summary, "Archive::Zip and 12 submodule(s)") {
		t.Errorf("summary = %q", c.Summary)
	}
	if want := "mv " + incSite + "/Archive/Zip.pm " + incSite + "/Archive/Zip ~/fleetcheck-shadowed/Archive-Zip/"; !strings.Contains(c.Fix, want) {
		t.Errorf("fix = %q, want it to contain %q", c.Fix, want)
	}
	if !strings.Contains(c.Fix, "yum reinstall perl-Archive-Zip") {
		t.Errorf("fix does not name the package to reinstall: %q", c.Fix)
	}
}

// A submodule whose loaded copy is not in the root's directory tree is
// moved file by file.
func TestShadowedDistributionScatteredFiles(t *testing.T) {
	host := goodHost("h", 2)
	cpanZip(host)
	m := loads("Archive::Zip::Tree",
		modCopy(incSiteArch, "Archive::Zip::Tree", "1.30", fleet.Owner{}),
		modCopy(incVendor, "Archive::Zip::Tree", "1.68", centosRPM("perl-Archive-Zip", "1.68-1.el5")))
	m.Source = "duplicate"
	setModule(host, m)
	h := run(t, goodHost("base", 1), host, Options{})
	for _, c := range causesOf(h, "perl-module-shadowed") {
		if strings.HasPrefix(c.Summary, "Archive::Zip ") {
			if !strings.Contains(c.Fix, incSiteArch+"/Archive/Zip/Tree.pm") || strings.Contains(c.Fix, incSite+"/Archive/Zip ") {
				t.Errorf("fix = %q, want each file named", c.Fix)
			}
			return
		}
	}
	t.Fatalf("no Archive::Zip cause: %v", rulesOf(h))
}

// Modules that share a name prefix but not a source stay apart.
func TestFamiliesNeedTheSameSource(t *testing.T) {
	host := goodHost("h", 2)
	cpanZip(host)
	// Archive::Zip::Member here comes from the RPM: it is not shadowed and
	// not part of the CPAN distribution.
	m := loads("Archive::Zip::Member", modCopy(incVendor, "Archive::Zip::Member", "1.68", centosRPM("perl-Archive-Zip", "1.68-1.el5")))
	m.Source = "list"
	setModule(host, m)
	base := goodHost("base", 1)
	in := Input{Host: host, Base: base}
	in.Findings = diff(newSide(base, nil), newSide(host, nil), false)
	fams := groupFamilies(in, []string{"Archive::Zip"}, nil)
	if len(fams) != 1 || slices.Contains(fams[0].members, "Archive::Zip::Member") || len(fams[0].members) != len(zipParts)-1 {
		t.Errorf("families = %+v", fams)
	}
}

func TestMissingDistributionIsOneCause(t *testing.T) {
	base := goodHost("base", 1)
	setModule(base, loads("Mail::SpamAssassin::Conf", modCopy(incSite, "Mail::SpamAssassin::Conf", "3.002004", fleet.Owner{})))
	setModule(base, loads("Mail::SpamAssassin::Util", modCopy(incSite, "Mail::SpamAssassin::Util", "3.002004", fleet.Owner{})))
	host := goodHost("h", 2)
	for _, n := range []string{"Mail::SpamAssassin", "Mail::SpamAssassin::Conf", "Mail::SpamAssassin::Util"} {
		setModule(host, fleet.PerlModule{Name: n, LoadError: "Can't locate " + modulePath(n) + " in @INC " + seedINC, Copies: []fleet.ModuleCopy{}})
	}
	h := run(t, base, host, Options{})
	got := causesOf(h, "perl-module-missing")
	if len(got) != 1 {
		t.Fatalf("%d perl-module-missing causes, want 1: %+v", len(got), got)
	}
	c := got[0]
	if !strings.Contains(strings.Join(c.Evidence, "\n"), "also failing: 2 submodules") {
		t.Errorf("evidence: %q", c.Evidence)
	}
	if !slices.Contains(c.Findings, "perl_modules.Mail::SpamAssassin::Conf.loads") || c.Severity != Critical {
		t.Errorf("cause %s covers %v", c.Severity, c.Findings)
	}
	if u := unexplainedOf(h, "perl_modules.Mail::SpamAssassin"); len(u) > 0 {
		t.Errorf("unexplained: %v", u)
	}
}

func TestVersionDistributionIsOneLine(t *testing.T) {
	base := goodHost("base", 1)
	host := goodHost("h", 2)
	for _, n := range []string{"MIME::Tools", "MIME::Parser", "MIME::Head"} {
		setModule(base, loads(n, modCopy(incSite, n, "5.425", msRPM("perl-MIME-tools", "5.425-3"))))
	}
	for _, n := range []string{"MIME::Tools", "MIME::Tools::Parser", "MIME::Tools::Head"} {
		setModule(host, loads(n, modCopy(incSite, n, "5.420", msRPM("perl-MIME-tools", "5.420-2"))))
		if n != "MIME::Tools" {
			setModule(base, loads(n, modCopy(incSite, n, "5.425", msRPM("perl-MIME-tools", "5.425-3"))))
		}
	}
	h := run(t, base, host, Options{})
	got := causesOf(h, "perl-module-version")
	if len(got) != 1 || len(got[0].Evidence) != 1 {
		t.Fatalf("perl-module-version: %+v", got)
	}
	c := got[0]
	if !strings.Contains(c.Evidence[0], "MIME::Tools 5.420 (baseline 5.425): older, with 2 submodule(s)") {
		t.Errorf("evidence = %q", c.Evidence)
	}
	// The baseline's RPM is a MailScanner build: it comes from the
	// installer, not from yum.
	if !strings.HasPrefix(c.Summary, "1 Perl module(s)") || !strings.Contains(c.Fix, "MailScanner's installer") ||
		!strings.Contains(c.Fix, "`rpm -Uvh --oldpackage perl-MIME-tools-5.425-3.*.rpm`") || strings.Contains(c.Fix, "yum install") {
		t.Errorf("summary %q, fix %q", c.Summary, c.Fix)
	}
	for _, s := range []*fleet.Snapshot{base, host} {
		for i, m := range s.Facts.PerlModules.Modules {
			if strings.HasPrefix(m.Name, "MIME::") {
				o := &s.Facts.PerlModules.Modules[i].Copies[0].Owner
				*o = centosRPM(o.Package, o.Version)
			}
		}
	}
	if c := causesOf(run(t, base, host, Options{}), "perl-module-version"); len(c) != 1 || !strings.Contains(c[0].Fix, "`yum install perl-MIME-tools-5.425-3`") {
		t.Errorf("distribution's RPM: %+v", c)
	}
	if u := unexplainedOf(h, "perl_modules.MIME::Tools"); len(u) > 0 {
		t.Errorf("unexplained: %v", u)
	}
}

// debianINC is @INC of Debian 12's perl, as perl prints it in errors.
const debianINC = "(@INC contains: /etc/perl /usr/local/lib/x86_64-linux-gnu/perl/5.36.0 /usr/local/share/perl/5.36.0 " +
	"/usr/lib/x86_64-linux-gnu/perl5/5.36 /usr/share/perl5 /usr/lib/x86_64-linux-gnu/perl-base " +
	"/usr/lib/x86_64-linux-gnu/perl/5.36 /usr/share/perl/5.36 /usr/local/lib/site_perl)"

// halfInstalledSHA1 is the demo's mail02: Digest::SHA1's .pm is there but
// its .so is not, so Mail::SpamAssassin (a CPAN copy) fails to load; the
// baseline has no Digest::SHA1 at all.
func halfInstalledSHA1() (base, host *fleet.Snapshot) {
	base = goodHost("base", 1)
	setModule(base, fleet.PerlModule{Name: "Digest::SHA1", LoadError: "Can't locate Digest/SHA1.pm in @INC", Copies: []fleet.ModuleCopy{}})
	setMSModule(base, "Digest::SHA1", "missing")
	host = goodHost("h", 2)
	setModule(host, fleet.PerlModule{Name: "Digest::SHA1", LoadError: "Attempt to reload Digest/SHA1.pm aborted.",
		Copies: []fleet.ModuleCopy{modCopy(incSiteArch, "Digest::SHA1", "2.11", fleet.Owner{})}})
	setModule(host, fleet.PerlModule{Name: "Mail::SpamAssassin",
		LoadError: "Can't locate loadable object for module Digest::SHA1 in @INC " + debianINC + " at " + incSite + "/Mail/SpamAssassin.pm line 11.",
		Copies: []fleet.ModuleCopy{modCopy(incSite, "Mail::SpamAssassin", "3.002004", fleet.Owner{}),
			modCopy(incVendor, "Mail::SpamAssassin", "3.002004", centosRPM("spamassassin", "3.2.4-1.el5"))}})
	setMSModule(host, "Mail::SpamAssassin", "missing")
	host.Facts.Lint.Errors = []fleet.LintMessage{{Text: "Can't locate loadable object for module Digest::SHA1 in @INC " + debianINC}}
	return base, host
}

func TestLoadErrorBlamesAnotherModule(t *testing.T) {
	h := run(t, first(halfInstalledSHA1()), second(halfInstalledSHA1()), Options{})
	got := causesOf(h, "perl-module-missing")
	if len(got) != 1 {
		t.Fatalf("perl-module-missing: %+v", got)
	}
	c := got[0]
	if want := "Mail::SpamAssassin fails because Digest::SHA1 is half-installed (no .so)"; !strings.HasPrefix(c.Summary, want) {
		t.Errorf("summary = %q, want %q", c.Summary, want)
	}
	for _, f := range []string{"perl_modules.Digest::SHA1.copies", "perl_modules.Digest::SHA1.version", "mailscanner_version.module.Digest::SHA1"} {
		if !slices.Contains(c.Findings, f) {
			t.Errorf("cause does not cover %s: %v", f, c.Findings)
		}
	}
	if u := unexplainedOf(h, "perl_modules.Digest::SHA1"); len(u) > 0 {
		t.Errorf("unexplained: %v", u)
	}
	ev := strings.Join(c.Evidence, "\n")
	for _, want := range []string{"not its compiled part (no SHA1.so under auto/)", "(@INC: 9 dirs)", "shadows " + incVendor + "/Mail/SpamAssassin.pm"} {
		if !strings.Contains(ev, want) {
			t.Errorf("evidence lacks %q:\n%s", want, ev)
		}
	}
	if !strings.Contains(c.Fix, "cpan -f Digest::SHA1") || !strings.Contains(c.Fix, "~/fleetcheck-shadowed/Mail-SpamAssassin/") {
		t.Errorf("fix = %q", c.Fix)
	}
}

func first(a, _ *fleet.Snapshot) *fleet.Snapshot  { return a }
func second(_, b *fleet.Snapshot) *fleet.Snapshot { return b }

func TestLongINCIsShortenedInCausesOnly(t *testing.T) {
	base, host := halfInstalledSHA1()
	h := run(t, base, host, Options{})
	for _, c := range h.Causes {
		text := c.Summary + "\n" + strings.Join(c.Evidence, "\n") + "\n" + c.Fix
		if strings.Contains(text, "@INC contains") {
			t.Errorf("%s cause quotes the whole @INC:\n%s", c.Rule, text)
		}
	}
	full := "mailscanner_lint.errors[Can't locate loadable object for module Digest::SHA1 in @INC " + debianINC + "]"
	if _, ok := h.Finding(full); !ok {
		t.Errorf("the finding lost the full lint text; findings: %v", h.Findings)
	}
}

func TestShortINC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Can't locate Foo.pm in @INC " + debianINC + " at -e line 1.", "Can't locate Foo.pm in @INC (@INC: 9 dirs) at -e line 1."},
		{"Can't locate Foo.pm in @INC (you may need to install the Foo module) (@INC entries checked: /a /b)", "Can't locate Foo.pm in @INC (you may need to install the Foo module) (@INC: 2 dirs)"},
		{"Can't locate Foo.pm in @INC (@INC contains: /a", "Can't locate Foo.pm in @INC (@INC: 1+ dirs)"},
		{"(@INC contains: /a)", "(@INC: 1 dir)"},
		{"no list here", "no list here"},
	}
	for _, tt := range tests {
		if got := ShortINC(tt.in); got != tt.want {
			t.Errorf("ShortINC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDependency(t *testing.T) {
	_, host := halfInstalledSHA1()
	in := Input{Host: host}
	tests := []struct {
		self, err  string
		dep, state string
	}{
		{"Mail::SpamAssassin", "Can't locate loadable object for module Digest::SHA1 in @INC " + debianINC, "Digest::SHA1", "half-installed (no .so)"},
		{"Mail::SpamAssassin", "Can't locate loadable object for module Digest::HMAC in @INC", "Digest::HMAC", "missing its compiled part (no .so)"},
		{"Mail::SpamAssassin", "Digest::SHA1 object version 2.10 does not match bootstrap parameter 2.11 at x line 1.", "Digest::SHA1", "half-installed (.so 2.10, .pm 2.11)"},
		{"Mail::SpamAssassin", "Can't locate Net/DNS.pm in @INC (you may need to install the Net::DNS module)", "Net::DNS", "not installed"},
		{"Mail::SPF", "NetAddr::IP version 4.007 required--this is only version 4.004 at x line 3.", "NetAddr::IP", "too old (4.007 needed, 4.004 installed)"},
		{"Mail::ClamAV", "Can't load '/usr/lib/auto/Mail/ClamAV/ClamAV.so' for module Mail::ClamAV: libclamav.so.2: cannot open shared object file", "", ""},
		{"Net::DNS", "Can't locate Net/DNS.pm in @INC " + debianINC, "", ""},
	}
	for _, tt := range tests {
		d, ok := dependency(in, tt.self, tt.err)
		if got := fmt.Sprintf("%s|%s", d.module, d.state); got != tt.dep+"|"+tt.state || ok != (tt.dep != "") {
			t.Errorf("dependency(%s, %q) = %q, %v; want %q", tt.self, tt.err, got, ok, tt.dep+"|"+tt.state)
		}
	}
}

func TestLintErrorsPointToTheirCause(t *testing.T) {
	base, host := halfInstalledSHA1()
	host.Facts.Mounts.Paths[0] = pathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec")
	host.Facts.Lint.Errors = append(host.Facts.Lint.Errors, fleet.LintMessage{Text: `Your /tmp needs to be set to "chmod 1777 /tmp"`},
		fleet.LintMessage{Text: "Unrar is not installed"})
	h := run(t, base, host, Options{})
	lint := causesOf(h, "mailscanner-lint")
	if len(lint) != 1 {
		t.Fatalf("mailscanner-lint: %+v", lint)
	}
	ev := strings.Join(lint[0].Evidence, "\n")
	for _, want := range []string{
		"Digest::SHA1 in @INC (@INC: 9 dirs) (see perl-module-missing: Mail::SpamAssassin)",
		`"chmod 1777 /tmp" (see tmp-noexec)`,
		"error: Unrar is not installed\n",
	} {
		if !strings.Contains(ev+"\n", want) {
			t.Errorf("lint evidence lacks %q:\n%s", want, ev)
		}
	}
	// tmp-noexec rests on the mount and the damaged modules: real lint
	// never tests /tmp for exec, and no lint line is its evidence.
	noexec := causesOf(h, "tmp-noexec")
	if len(noexec) != 1 {
		t.Fatalf("tmp-noexec: %+v", noexec)
	}
	ev = strings.Join(noexec[0].Evidence, "\n")
	if strings.Contains(ev, "MailScanner --lint") || !strings.Contains(ev, "mounted rw,noexec") || !strings.Contains(ev, "Digest::SHA1, Mail::SpamAssassin") {
		t.Errorf("tmp-noexec evidence:\n%s", ev)
	}
}

// lintDiesIn gives h the real 4.84.3 death of --lint in its Archive::Zip
// (remote/lab/testdata/captures/4.84.3/lint-dies).
func lintDiesIn(h *fleet.Snapshot) {
	msg := fleet.LintMessage{Text: "Undefined subroutine &Archive::Zip::setErrorHandler called",
		File: "/usr/lib/MailScanner/MailScanner/Message.pm", Line: 3342}
	h.Facts.Lint.ExitCode = 255
	h.Facts.Lint.Errors = append(h.Facts.Lint.Errors, msg)
	h.Facts.Lint.Died = &fleet.LintDeath{LintMessage: msg, Package: "Archive::Zip"}
}

func TestLintDiedIsCriticalAndRanksItsModule(t *testing.T) {
	base := goodHost("base", 1)
	setModule(base, loads("Archive::Zip", modCopy(incVendor, "Archive::Zip", "1.68", centosRPM("perl-Archive-Zip", "1.68-1.el5"))))
	host := goodHost("h", 2)
	cpanZip(host)
	lintDiesIn(host)
	h := run(t, base, host, Options{})
	died := causesOf(h, "mailscanner-lint-died")
	if len(died) != 1 || died[0].Severity != Critical {
		t.Fatalf("mailscanner-lint-died: %+v", died)
	}
	c := died[0]
	if !strings.Contains(c.Summary, "Undefined subroutine &Archive::Zip::setErrorHandler called") || !strings.Contains(c.Summary, "(in Archive::Zip)") {
		t.Errorf("summary = %q", c.Summary)
	}
	if ev := strings.Join(c.Evidence, "\n"); !strings.Contains(ev, "Message.pm line 3342, exit status 255") || !strings.Contains(ev, "perl loads Archive::Zip from "+incSite) {
		t.Errorf("evidence:\n%s", ev)
	}
	if !slices.Contains(c.Findings, "mailscanner_lint.died") {
		t.Errorf("findings %v lack mailscanner_lint.died", c.Findings)
	}
	// The shadowing copy is the cause of the death: it ranks critical and says so.
	sh := causesOf(h, "perl-module-shadowed")
	if len(sh) != 1 || sh[0].Severity != Critical || !strings.Contains(strings.Join(sh[0].Evidence, "\n"), "MailScanner --lint dies in this module") {
		t.Errorf("perl-module-shadowed: %+v", sh)
	}
	// mailscanner-lint does not repeat the death.
	for _, l := range causesOf(h, "mailscanner-lint") {
		if strings.Contains(strings.Join(l.Evidence, "\n"), "setErrorHandler") {
			t.Errorf("mailscanner-lint repeats the death: %+v", l)
		}
	}
	if h.Causes[0].Rule != "mailscanner-lint-died" && h.Causes[0].Rule != "perl-module-shadowed" {
		t.Errorf("top cause %s, want the death or its module", h.Causes[0].Rule)
	}

	// The same death on the baseline is no cause; a healthy host neither.
	lintDiesIn(base)
	if got := causesOf(run(t, base, host, Options{}), "mailscanner-lint-died"); len(got) != 0 {
		t.Errorf("shared death is a cause: %+v", got)
	}
	if got := causesOf(run(t, goodHost("base", 1), goodHost("h", 2), Options{}), "mailscanner-lint-died"); len(got) != 0 {
		t.Errorf("healthy host: %+v", got)
	}
}
