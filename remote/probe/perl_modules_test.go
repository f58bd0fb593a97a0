package probe

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func module(t *testing.T, pm *fleet.PerlModules, name string) fleet.PerlModule {
	t.Helper()
	for _, m := range pm.Modules {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("module %s not reported", name)
	return fleet.PerlModule{}
}

func TestParsePerlModulesCentOS4(t *testing.T) {
	var f fleet.Facts
	if err := PerlModules.Parse(Result{Stdout: readCase(t, "perl_modules", "centos4-cpan-shadow")}, &f); err != nil {
		t.Fatal(err)
	}
	pm := f.PerlModules
	sa := module(t, pm, "Mail::SpamAssassin")
	if len(sa.Copies) != 2 || !sa.Loads {
		t.Fatalf("Mail::SpamAssassin = %+v", sa)
	}
	if c, _ := sa.Loaded(); !c.Owner.Unowned() || c.Version != "3.002004" || !strings.Contains(c.Path, "site_perl") {
		t.Errorf("loaded SpamAssassin copy = %+v, want the unowned CPAN copy 3.002004 in site_perl", c)
	}
	if o := sa.Copies[1].Owner; o.Manager != "rpm" || o.Package != "spamassassin" || o.Version != "3.2.3-1.el4" || o.Vendor != "CentOS" || o.Packager != "" {
		t.Errorf("shadowed copy owner = %+v", o)
	}
	if o := module(t, pm, "File::Spec").Copies[0].Owner; o.Version != "4:5.8.5-36.el4_5.2" {
		t.Errorf("epoch kept: %+v", o)
	}
	zip := module(t, pm, "Archive::Zip")
	if o := zip.Copies[0].Owner; o.Manager != "rpm" || !strings.Contains(o.Packager, "mailscanner") {
		t.Errorf("Archive::Zip owner = %+v, want MailScanner's own RPM in site_perl", o)
	}
	clam := module(t, pm, "Mail::ClamAV")
	if clam.Loads || len(clam.Copies) != 0 || clam.Copies == nil || clam.LoadError != "Can't locate Mail/ClamAV.pm in @INC" {
		t.Errorf("Mail::ClamAV = %+v (error %q)", clam, clam.LoadError)
	}
	sha := module(t, pm, "Digest::SHA1")
	if sha.Loads || !strings.Contains(sha.LoadError, "failed to map segment") {
		t.Errorf("Digest::SHA1 = %+v", sha)
	}
	if m := module(t, pm, "DBD::SQLite"); m.Loads || !strings.Contains(m.LoadError, "killed") {
		t.Errorf("DBD::SQLite = %+v", m)
	}
	if len(pm.CPANLog) != 2 || pm.CPANLog[0].Module != "Mail::SpamAssassin" || pm.CPANLog[0].Version != "3.002004" ||
		pm.CPANLog[0].Date != "Wed Jan 30 02:11:03 2008" || pm.CPANLog[1].Dir != "/usr/lib/perl5/site_perl/5.8.5" {
		t.Errorf("CPANLog = %+v", pm.CPANLog)
	}
}

func TestParsePerlModulesIncomplete(t *testing.T) {
	b := readCase(t, "perl_modules", "centos4-cpan-shadow")
	cut := b[:strings.Index(string(b), "X\tloading")]
	var f fleet.Facts
	if err := PerlModules.Parse(Result{Stdout: cut, TimedOut: true}, &f); err == nil || f.PerlModules != nil {
		t.Errorf("output cut before the load check: err %v; want an error and unknown facts", err)
	}
}

func TestPerlModuleStdin(t *testing.T) {
	got := string(PerlModuleStdin([]string{"Net::DNS", "bad;rm -rf /", "Foo::", "X'Y", "Mail::SPF::Query", "a b"}))
	if got != "Net::DNS\nMail::SPF::Query\n" {
		t.Errorf("PerlModuleStdin = %q", got)
	}
}

// runPerlModules runs the probe under shell sh with stdin and parses it.
func runPerlModules(t *testing.T, sh, stdin string) (*fleet.PerlModules, Result) {
	t.Helper()
	r := runShell(t, sh, PerlModules.Command, []byte(stdin))
	var f fleet.Facts
	if err := PerlModules.Parse(r, &f); err != nil {
		t.Fatalf("%v\n%s", err, r.Stderr)
	}
	return f.PerlModules, r
}

func TestPerlModulesReal(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("needs a Debian host")
	}
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			pm, r := runPerlModules(t, sh, "JSON::PP\nbad;name\n")
			zip := module(t, pm, "Archive::Zip")
			if c, ok := zip.Loaded(); !ok || c.Owner.Manager != "dpkg" || c.Owner.Package != "libarchive-zip-perl" || c.Owner.Version == "" || c.Version == "" {
				t.Errorf("Archive::Zip = %+v, want a copy owned by dpkg package libarchive-zip-perl", zip)
			}
			if !zip.Loads || zip.LoadedPath != zip.Copies[0].Path {
				t.Errorf("Archive::Zip loads %v from %q, want %q", zip.Loads, zip.LoadedPath, zip.Copies[0].Path)
			}
			if m := module(t, pm, "Mail::ClamAV"); m.Loads || len(m.Copies) != 0 || !strings.HasPrefix(m.LoadError, "Can't locate Mail/ClamAV.pm") {
				t.Errorf("Mail::ClamAV = %+v", m)
			}
			if m := module(t, pm, "JSON::PP"); m.Source != "extra" || !m.Loads {
				t.Errorf("JSON::PP from stdin = %+v", m)
			}
			sa := module(t, pm, "Mail::SpamAssassin")
			if _, err := exec.LookPath("spamassassin"); err == nil && (!sa.Loads || len(sa.Copies) == 0 || sa.Copies[0].Owner.Package != "spamassassin") {
				t.Errorf("Mail::SpamAssassin = %+v", sa)
			}
			// Debian's perl/5.36 is a symbolic link to perl/5.36.0, where dpkg lists the files
			for _, c := range module(t, pm, "Config").Copies {
				if c.Owner.Manager != "dpkg" {
					t.Errorf("Config copy %s has no owner: %+v", c.Path, c.Owner)
				}
			}
			dup := 0
			for _, m := range pm.Modules {
				if m.Source == "duplicate" {
					dup++
					if len(m.Copies) < 2 {
						t.Errorf("duplicate %s has %d copies", m.Name, len(m.Copies))
					}
				}
			}
			t.Logf("%d modules, %d with duplicate copies", len(pm.Modules), dup)
			if sh == "dash" {
				saveCapture(t, "perl_modules", "debian12", r.Stdout)
			}
		})
	}
}

// TestPerlModulesRPMShadow runs the probe on this Debian host where an RPM
// built with Debian's rpmbuild owns a shadowing Archive/Zip.pm in site_perl
// and a perllocal.pod logs it (see rpmShadowHost).
func TestPerlModulesRPMShadow(t *testing.T) {
	h := rpmShadowHost(t)
	out := h.run(t, PerlModules.Command)
	var f fleet.Facts
	if err := PerlModules.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	zip := module(t, f.PerlModules, "Archive::Zip")
	if len(zip.Copies) < 2 {
		t.Fatalf("Archive::Zip copies = %+v, want the RPM copy and the dpkg copy", zip.Copies)
	}
	first, second := zip.Copies[0], zip.Copies[1]
	if first.Path != h.sitelib+"/Archive/Zip.pm" || first.Version != "1.30" || first.Owner.Manager != "rpm" ||
		first.Owner.Package != "perl-Archive-Zip" || first.Owner.Version != "1.30-1" || !strings.Contains(first.Owner.Packager, "mailscanner@") {
		t.Errorf("first copy = %+v, want the RPM-owned 1.30 in %s", first, h.sitelib)
	}
	if second.Owner.Manager != "dpkg" || second.Owner.Package != "libarchive-zip-perl" {
		t.Errorf("second copy = %+v, want dpkg's", second)
	}
	if !zip.Loads || zip.LoadedPath != first.Path {
		t.Errorf("Archive::Zip loads %v from %q, want %q", zip.Loads, zip.LoadedPath, first.Path)
	}
	if zip.Source != "list" {
		t.Errorf("source = %q", zip.Source)
	}
	log := f.PerlModules.CPANLog
	if len(log) != 1 || log[0].Module != "Archive::Zip" || log[0].Version != "1.30" || log[0].Dir != h.sitelib {
		t.Errorf("CPANLog = %+v", log)
	}
	saveCapture(t, "perl_modules", "debian12-rpm-shadow", out)
}

// TestPerlModulesRPMSharedFile: two RPMs own the same file, so the batched
// rpm -qf answers with more lines than files and the probe asks per file.
func TestPerlModulesRPMSharedFile(t *testing.T) {
	h := newRPMHost(t, true)
	out := h.run(t, PerlModules.Command)
	var f fleet.Facts
	if err := PerlModules.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	zip := module(t, f.PerlModules, "Archive::Zip")
	if len(zip.Copies) < 2 {
		t.Fatalf("copies = %+v", zip.Copies)
	}
	if o := zip.Copies[0].Owner; o.Manager != "rpm" || (o.Package != "perl-Archive-Zip" && o.Package != "mailscanner-perl-bundle") {
		t.Errorf("shared file owner = %+v", o)
	}
	if o := zip.Copies[1].Owner; o.Manager != "dpkg" || o.Package != "libarchive-zip-perl" {
		t.Errorf("dpkg copy owner = %+v", o)
	}
}

func FuzzParsePerlModules(f *testing.F) {
	seedCorpus(f, "perl_modules")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, PerlModules, data) })
}

// TestVersionFallback runs the probe's version_of without
// ExtUtils::MakeMaker (the regex used when EU::MM is missing).
func TestVersionFallback(t *testing.T) {
	prog := perlModulesProgram()
	i := strings.Index(prog, "sub version_of")
	j := strings.Index(prog[i:], "\n}\n")
	if i < 0 || j < 0 {
		t.Fatal("version_of not found")
	}
	fn := prog[i : i+j+3]
	dir := t.TempDir()
	cases := map[string]string{
		"our $VERSION = '1.23';\n":             "1.23",
		"$VERSION = \"2.0\";\n":                "2.0",
		"$Foo::VERSION = q(3.1);\n":            "3.1",
		"package Foo 1.5;\n":                   "1.5",
		"# $VERSION = '9';\nno version here\n": "",
	}
	n := 0
	for src, want := range cases {
		n++
		p := filepath.Join(dir, fmt.Sprintf("m%d.pm", n))
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("perl", "-e", "my $mm = 0;\n"+fn+"print version_of($ARGV[0]);", p).CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("version_of(%q) = %q, %v; want %q", src, out, err, want)
		}
	}
}

// TestPerlModulesLoaderSurvives: a module that kills its loader and one
// that exits do not stop the load check of the modules after them.
func TestPerlModulesLoaderSurvives(t *testing.T) {
	site, err := exec.Command("perl", "-MConfig", "-e", `print $Config{sitelibexp}`).Output()
	if err != nil || !strings.HasPrefix(string(site), "/usr/local/share/") {
		t.Skipf("site dir %q is not Debian's", site)
	}
	setup := `set -e
mount -t tmpfs tmpfs /usr/local/share
mkdir -p "` + string(site) + `" /usr/local/share/fcperl5lib
echo "package Crash; kill 9, \$\$; 1;" > "` + string(site) + `/Crash.pm"
echo "package Exiter; exit 3;" > "` + string(site) + `/Exiter.pm"
printf "Crash\nExiter\nJSON::PP\n" | PERL5LIB=/usr/local/share/fcperl5lib dash -c "$2"`
	out := inNamespace(t, setup, "", PerlModules.Command)
	var f fleet.Facts
	if err := PerlModules.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	pm := f.PerlModules
	if m := module(t, pm, "Crash"); m.Loads || m.LoadError != "loading killed the process (signal 9)" || len(m.Copies) != 1 {
		t.Errorf("Crash = %+v", m)
	}
	if m := module(t, pm, "Exiter"); m.Loads || m.LoadError != "loading exited the process (status 3)" {
		t.Errorf("Exiter = %+v", m)
	}
	if m := module(t, pm, "JSON::PP"); !m.Loads {
		t.Errorf("JSON::PP after them = %+v", m)
	}
	if strings.Contains(string(out), "/usr/local/share/fcperl5lib") {
		t.Errorf("PERL5LIB of the login reached @INC")
	}
}

// BenchmarkParsePerlModules parses a real host's output: the probe the
// coordinator spends most of its parsing time on.
func BenchmarkParsePerlModules(b *testing.B) {
	out, err := os.ReadFile(filepath.Join("testdata", "perl_modules", "debian12.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readPerlModules(out); err != nil {
			b.Fatal(err)
		}
	}
}

// randomText joins fewer than n pieces picked at random.
func randomText(r *rand.Rand, pieces []string, n int) string {
	var b strings.Builder
	for range r.IntN(n) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// matchesPattern checks, on texts built at random from pieces (fewer
// than n of them), that f returns the groups re's FindStringSubmatch
// returns, or nil when re does not match: written-out matching held to
// the regular expression it stands for.
func matchesPattern(t *testing.T, seed uint64, pieces []string, n int, re *regexp.Regexp, f func(string) []string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	for range 200000 {
		s := randomText(r, pieces, n)
		got, m := f(s), re.FindStringSubmatch(s)
		if m != nil {
			m = m[1:]
		}
		if (got == nil) != (m == nil) || !slices.Equal(got, m) {
			t.Fatalf("on %q: got %q; the pattern %s gives %q", s, got, re, m)
		}
	}
}

// TestValidModuleNameMatchesPattern: the written-out check agrees with
// the pattern the remote Perl code applies, on names built from the
// pieces that matter.
func TestValidModuleNameMatchesPattern(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*$`)
	pieces := []string{"A", "z", "_", "0", "9", ":", "::", ":::", "-", " ", "\n", "é", "'", "Mail", "\x00"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		name := randomText(r, pieces, 7)
		if got, want := validModuleName(name), re.MatchString(name); got != want {
			t.Fatalf("validModuleName(%q) = %v, the pattern says %v", name, got, want)
		}
	}
}

// TestLoadErrorMatchesPatterns: the written-out loadError gives what the
// regular expressions it stands for give, on texts built from the pieces
// that matter.
func TestLoadErrorMatchesPatterns(t *testing.T) {
	incContainsRe := regexp.MustCompile(`\s*\(@INC (contains|entries checked): [^)]*\)`)
	atLineRe := regexp.MustCompile(` at (-e|\(eval \d+\)) line \d+\.?$`)
	pieces := []string{"Can't locate YAML.pm in @INC", " ", "  ", "\t", "\n", "\r", "\f", "\v", "(@INC contains: /usr/lib /etc/perl .)",
		"(@INC entries checked: /a)", "(@INC ", "(@INC contains: ", "contains: ", "entries checked: ", "(", ")", "(@INC",
		" at -e line 1.", " at (eval 12) line 3", " at ", "-e", "(eval ", "(eval 7)", " line ", "line", "1", "42", ".", "..", "x", "é", "\xff"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		s := randomText(r, pieces, 10)
		want := strings.TrimSpace(atLineRe.ReplaceAllString(incContainsRe.ReplaceAllString(s, ""), ""))
		if got := loadError(s); got != want {
			t.Fatalf("loadError(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPerlModulesTakesMailScannerLoads runs the probe with what
// mailScannerLoads hands over: those modules are reported as loaded by
// MailScanner -v and not required again; the others are loaded as always.
func TestPerlModulesTakesMailScannerLoads(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("needs a Debian host")
	}
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			pm, _ := runPerlModules(t, sh, HandoffOK+"\nloaded Archive::Zip\nloaded Fleetcheck::NotAModule\nloaded bad;name\nloaded Mail::ClamAV\nJSON::PP\n")
			zip := module(t, pm, "Archive::Zip")
			if !zip.Loads || zip.LoadedBy != fleet.ProbeMailScannerVersion || zip.LoadedPath != "" || zip.LoadError != "" || len(zip.Copies) == 0 {
				t.Errorf("Archive::Zip handed over = %+v, want loaded by %s, path unknown, copies listed", zip, fleet.ProbeMailScannerVersion)
			}
			for _, m := range pm.Modules {
				if m.Name == "Fleetcheck::NotAModule" {
					t.Errorf("a handed-over name that is not inspected became a module: %+v", m)
				}
			}
			if m := module(t, pm, "JSON::PP"); m.Source != "extra" || !m.Loads || m.LoadedBy != "" || m.LoadedPath == "" {
				t.Errorf("JSON::PP = %+v, want loaded here", m)
			}
			if m := module(t, pm, "Mail::ClamAV"); !m.Loads || m.LoadedBy != fleet.ProbeMailScannerVersion {
				t.Errorf("Mail::ClamAV handed over = %+v, want MailScanner's word", m)
			}
			if m := module(t, pm, "Carp"); !m.Loads || m.LoadedBy != "" || m.LoadedPath == "" {
				t.Errorf("Carp, not handed over = %+v, want loaded here", m)
			}
		})
	}
}

func TestParsePerlModulesLoadedBy(t *testing.T) {
	out := "M\tA\tlist\nM\tB\tlist\nM\tC\tlist\nL\tA\t1\t\t\tmailscanner_version\nL\tB\t1\t/x/B.pm\t\tsomething_else\nL\tC\t0\t\tboom\tmailscanner_version\n"
	pm, err := readPerlModules([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if m := module(t, pm, "A"); !m.Loads || m.LoadedBy != fleet.ProbeMailScannerVersion {
		t.Errorf("A = %+v", m)
	}
	if m := module(t, pm, "B"); !m.Loads || m.LoadedBy != "" || m.LoadedPath != "/x/B.pm" {
		t.Errorf("B = %+v", m)
	}
	if m := module(t, pm, "C"); m.Loads || m.LoadedBy != "" || m.LoadError != "boom" {
		t.Errorf("C = %+v", m)
	}
}
