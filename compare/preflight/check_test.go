package preflight

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

var now = time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)

func cause(h *compare.HostReport, rule string) (compare.Cause, bool) {
	for _, c := range h.Causes {
		if c.Rule == rule {
			return c, true
		}
	}
	return compare.Cause{}, false
}

func rules(h *compare.HostReport) []string {
	var out []string
	for _, c := range h.Causes {
		out = append(out, string(c.Severity)+" "+c.Rule)
	}
	return out
}

// wantCause fails unless the host has the cause with that severity,
// covering (at least) these findings, none unexplained.
func wantCause(t *testing.T, h *compare.HostReport, rule string, sev compare.Severity, facts ...string) compare.Cause {
	t.Helper()
	c, ok := cause(h, rule)
	if !ok {
		t.Fatalf("%s: no %s cause; causes: %v", h.Host, rule, rules(h))
	}
	if c.Severity != sev {
		t.Errorf("%s: %s severity %s, want %s", h.Host, rule, c.Severity, sev)
	}
	for _, f := range facts {
		if !slices.Contains(c.Findings, f) {
			t.Errorf("%s: %s covers %v, want %s among them", h.Host, rule, c.Findings, f)
		}
		if _, ok := h.Finding(f); !ok {
			t.Errorf("%s: no finding %s", h.Host, f)
		}
	}
	if c.Summary == "" || c.Fix == "" || len(c.Evidence) == 0 {
		t.Errorf("%s: %s lacks summary, fix or evidence: %+v", h.Host, rule, c)
	}
	if len(h.Unexplained) > 0 {
		t.Errorf("%s: unexplained findings %v", h.Host, h.Unexplained)
	}
	return c
}

func noCause(t *testing.T, h *compare.HostReport, rule string) {
	t.Helper()
	if c, ok := cause(h, rule); ok {
		t.Errorf("%s: unexpected %s: %s %v", h.Host, rule, c.Summary, c.Evidence)
	}
}

func evidenceHas(c compare.Cause, s string) bool {
	return slices.ContainsFunc(c.Evidence, func(e string) bool { return strings.Contains(e, s) })
}

func TestReadyHost(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mx-ready")
	withModules(s, r, newer, distroOwner)
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	if h.Differs() || rep.ExitCode() != compare.ExitOK {
		t.Fatalf("ready host differs (exit %d): %v", rep.ExitCode(), rules(h))
	}
	c := wantCause(t, h, RuleModuleCurrent, compare.Info)
	if len(c.Evidence) != len(rpm4843)-1 || !evidenceHas(c, "Archive::Zip 1.301 >= 1.30 (rpm perl-Archive-Zip-1.301-1.el5, CentOS)") {
		t.Errorf("current evidence = %v", c.Evidence)
	}
	// install.sh rebuilds ExtUtils-MakeMaker whatever is installed; rpm
	// -Uvh then refuses the older package, harmlessly.
	mm := wantCause(t, h, RuleModuleRebuild, compare.Info, "preflight.ExtUtils::MakeMaker")
	if !evidenceHas(mm, "install.sh always rebuilds ExtUtils-MakeMaker") {
		t.Errorf("rebuild evidence = %v", mm.Evidence)
	}
	m := wantCause(t, h, RuleMailScannerVersion, compare.Info, "preflight.MailScanner")
	if m.Summary != "MailScanner 4.84.1 will be upgraded to 4.84.3" {
		t.Errorf("MailScanner summary = %q", m.Summary)
	}
	for _, rule := range []string{RuleTmpNoexec, RuleModuleConflict, RuleUnknown} {
		noCause(t, h, rule)
	}
	if rep.Baseline.Kind != BaselineRelease || rep.Baseline.Note != "MailScanner 4.84.3 RPM installer, 41 bundled distributions" ||
		rep.Baseline.Source != "MailScanner-4.84.3-1.rpm.tar.gz" {
		t.Errorf("baseline = %+v", rep.Baseline)
	}
	ready, attention, na := Hosts(rep)
	if !slices.Equal(ready, []string{"mx-ready"}) || attention != nil || na != nil {
		t.Errorf("Hosts = %v %v %v", ready, attention, na)
	}
}

// seedBox is the seed's box before its upgrade: a 4.66 install with
// MailScanner's RPM builds, /tmp noexec, Digest::SHA1 half-installed (the
// .pm of 2.11 over the .so of 2.10), Mail::ClamAV never built and
// SpamAssassin failing on Digest::SHA1.
func seedBox(t *testing.T, r *Release) *fleet.Snapshot {
	s := centos5("mail03")
	s.Facts.MailScanner.Version = "4.66.5"
	fleettest.SetPackage(s, fleet.Package{Name: "mailscanner", Version: "4.66.5", Release: "1", Arch: "noarch", Packager: msPackager})
	withModules(s, r, bundled, msOwner)
	d := func(name string) Dist {
		dd, ok := distByName(r, name)
		if !ok {
			dd = Dist{Name: name, Version: "0"}
		}
		return dd
	}
	setModule(s, "Archive::Zip", fleettest.ModCopy(sitelib, "Archive::Zip", "1.16", msOwner(d("Archive-Zip"), "1.16")))
	setModule(s, "MIME::Tools", fleettest.ModCopy(sitelib, "MIME::Tools", "5.425", msOwner(d("MIME-tools"), "5.425")))
	fleettest.SetPackage(s, fleet.Package{Name: "perl-Archive-Zip", Version: "1.16", Release: "1", Packager: msPackager})
	fleettest.SetPackage(s, fleet.Package{Name: "perl-MIME-tools", Version: "5.425", Release: "1", Packager: msPackager})
	// The seed's damage, as on the scenario's seed box.
	seed := fleettest.SeedBox(s.Host, 3)
	for _, m := range seed.Facts.PerlModules.Modules {
		switch m.Name {
		case "Digest::SHA1", "Mail::ClamAV", "Mail::SpamAssassin":
			m.Source = "list"
			fleettest.SetModule(s, m)
		}
	}
	s.Facts.PerlModules.CPANLog = seed.Facts.PerlModules.CPANLog
	s.Facts.Mounts.Paths[0] = seed.Facts.Mounts.Paths[0]
	return s
}

func TestSeedBoxRPM(t *testing.T) {
	r := openRPM4843(t)
	rep := Check(r, []*fleet.Snapshot{seedBox(t, r)}, now)
	h := &rep.Hosts[0]
	if !h.Differs() || rep.ExitCode() != compare.ExitDifferences {
		t.Fatalf("seed box does not need attention: %v", rules(h))
	}
	if top, _ := h.Top(); top.Rule != RuleModuleBroken {
		t.Errorf("top cause = %s, want %s", top.Rule, RuleModuleBroken)
	}
	b := wantCause(t, h, RuleModuleBroken, compare.Warning, "preflight.Digest::SHA1")
	if !evidenceHas(b, "object version 2.10 does not match bootstrap parameter 2.11") ||
		!evidenceHas(b, "install.sh removes perl-Digest-SHA1-2.11-1, which it built, then rebuilds it: the installed mailscanner RPM 4.66.5 is older than 4.76.11") {
		t.Errorf("broken evidence = %v", b.Evidence)
	}
	// The RPM installer builds in its rpmbuild tree: a noexec /tmp is no
	// obstacle to it.
	c := wantCause(t, h, RuleTmpNoexec, compare.Info, "preflight./tmp")
	if !evidenceHas(c, "/tmp is on /tmp (ext3 /dev/md2) mounted rw,noexec,nosuid,nodev") || !evidenceHas(c, "rpmbuild tree") {
		t.Errorf("noexec evidence = %v", c.Evidence)
	}
	u := wantCause(t, h, RuleModuleUpgrade, compare.Info, "preflight.Archive::Zip")
	if !evidenceHas(u, "Archive::Zip 1.16 -> 1.30 (rpm perl-Archive-Zip-1.16-1, built by MailScanner's installer; perl-Archive-Zip-1.30-1.src.rpm)") {
		t.Errorf("upgrade evidence = %v", u.Evidence)
	}
	// Upgrading from 4.66.5 (< 4.76.11), install.sh removes and rebuilds
	// every module RPM it built, current or not.
	rb := wantCause(t, h, RuleModuleRebuild, compare.Info, "preflight.DBI", "preflight.IO")
	if len(rb.Findings) != len(rpm4843)-3 {
		t.Errorf("rebuild covers %d modules, want %d", len(rb.Findings), len(rpm4843)-3)
	}
	wantCause(t, h, RuleBuildToolsUnknown, compare.Info)
	// Mail::ClamAV is not in the RPM installer: not its business.
	if _, ok := h.Finding("preflight.Mail::ClamAV"); ok {
		t.Error("Mail::ClamAV reported against the RPM installer")
	}
	// MailScanner's own builds never conflict.
	noCause(t, h, RuleModuleConflict)
	noCause(t, h, RuleModuleShadowed)
	f, _ := h.Finding("preflight.Archive::Zip")
	if !f.Noise || f.Kind != compare.Changed || f.Baseline != "1.30 (perl-Archive-Zip-1.30-1.src.rpm)" {
		t.Errorf("Archive::Zip finding = %+v; want changed, noise (only info covers it)", f)
	}

	// The tarball installer builds in /tmp: there it is critical.
	rep = Check(openTar4843(t), []*fleet.Snapshot{seedBox(t, r)}, now)
	h = &rep.Hosts[0]
	if top, _ := h.Top(); top.Rule != RuleTmpNoexec {
		t.Errorf("tarball: top cause = %s, want %s", top.Rule, RuleTmpNoexec)
	}
	c = wantCause(t, h, RuleTmpNoexec, compare.Critical, "preflight./tmp", "preflight.Archive::Zip", "preflight.MIME::Tools", "preflight.Digest::SHA1")
	if !evidenceHas(c, "TMPBUILDDIR=/tmp") || !evidenceHas(c, "cannot map its shared object from a noexec /tmp: Digest::SHA1") {
		t.Errorf("tarball noexec evidence = %v", c.Evidence)
	}
	if f, _ := h.Finding("preflight.Archive::Zip"); f.Noise {
		t.Errorf("tarball: Archive::Zip finding is noise although noexec covers it")
	}
	noCause(t, h, RuleModuleRebuild)
}

func TestSeedBoxClamSA(t *testing.T) {
	r := openClamSA(t)
	s := seedBox(t, openRPM4843(t))
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleTmpNoexec, compare.Critical, "preflight./tmp", "preflight.Mail::ClamAV", "preflight.Mail::SpamAssassin")
	if !evidenceHas(c, "ClamAV 0.96.5 is configured and built in /tmp") || !evidenceHas(c, "Mail::ClamAV") {
		t.Errorf("noexec evidence = %v", c.Evidence)
	}
	f, _ := h.Finding("preflight.Mail::ClamAV")
	if f.Kind != compare.Missing || f.Baseline != "0.29 (Mail-ClamAV-0.29.tar.gz)" {
		t.Errorf("Mail::ClamAV finding = %+v", f)
	}
	wantCause(t, h, RuleModuleBuild, compare.Info, "preflight.Mail::ClamAV")
	wantCause(t, h, RuleModuleBroken, compare.Warning, "preflight.Mail::SpamAssassin")
	// Clam-SA carries no MailScanner version and no Perl minimum.
	noCause(t, h, RuleMailScannerVersion)
	noCause(t, h, RulePerlTooOld)
}

func TestCPANShadow(t *testing.T) {
	r := openTar4843(t)
	s := centos5("mail-cpan")
	withModules(s, r, bundled, msOwner)
	setModule(s, "Archive::Zip",
		fleet.ModuleCopy{Path: localperl + "/Archive/Zip.pm", IncDir: localperl, Version: "1.16"},
		fleet.ModuleCopy{Path: sitelib + "/Archive/Zip.pm", IncDir: sitelib, Version: "1.30", Owner: msOwner(Dist{Name: "Archive-Zip"}, "1.30")})
	s.Facts.PerlModules.CPANLog = []fleet.CPANInstall{{Module: "Archive::Zip", Version: "1.16", Date: "Mon Jan  7 09:12:44 2008", Dir: localperl}}
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleModuleShadowed, compare.Warning, "preflight.Archive::Zip")
	if !evidenceHas(c, "Archive::Zip 1.16 in /usr/local/lib/perl5/Archive/Zip.pm (no package, @INC #2) comes before "+sitelib+" (@INC #4)") ||
		!evidenceHas(c, "perllocal.pod: Archive::Zip 1.16 installed Mon Jan  7 09:12:44 2008") {
		t.Errorf("shadow evidence = %v", c.Evidence)
	}
	if !h.Differs() {
		t.Error("a shadowed module must need attention")
	}
	if f, _ := h.Finding("preflight.Archive::Zip"); f.Noise {
		t.Error("the shadowed module's finding is noise")
	}
	// The tarball installer does not rpm -Uvh anything.
	noCause(t, h, RuleModuleConflict)

	// A pure-Perl module goes to sitelib: an old copy in sitearch, which
	// comes first in @INC, shadows it too.
	setModule(s, "Archive::Zip", fleet.ModuleCopy{Path: sitearch + "/Archive/Zip.pm", IncDir: sitearch, Version: "1.16"})
	rep = Check(r, []*fleet.Snapshot{s}, now)
	wantCause(t, &rep.Hosts[0], RuleModuleShadowed, compare.Warning, "preflight.Archive::Zip")
	// A compiled one goes to sitearch and replaces it.
	setModule(s, "Digest::SHA1", fleet.ModuleCopy{Path: sitearch + "/Digest/SHA1.pm", IncDir: sitearch, Version: "2.10"})
	rep = Check(r, []*fleet.Snapshot{s}, now)
	if c, _ := cause(&rep.Hosts[0], RuleModuleShadowed); slices.Contains(c.Findings, "preflight.Digest::SHA1") {
		t.Errorf("Digest::SHA1 in sitearch reported shadowed: %v", c.Evidence)
	}
}

func TestDistributionRPMConflict(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mail-el5")
	withModules(s, r, bundled, msOwner)
	az, _ := distByName(r, "Archive-Zip")
	o := fleettest.CentOSRPM("perl-Archive-Zip", "1.16-1.2.1")
	setModule(s, "Archive::Zip", fleet.ModuleCopy{Path: vendorlib + "/Archive/Zip.pm", IncDir: vendorlib, Version: "1.16", Owner: o})
	fleettest.SetPackage(s, fleet.Package{Name: "perl-Archive-Zip", Version: "1.16", Release: "1.2.1", Vendor: o.Vendor, Packager: o.Packager})
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleModuleConflict, compare.Warning, "preflight.Archive::Zip")
	if !evidenceHas(c, "owned by rpm perl-Archive-Zip-1.16-1.2.1, CentOS; install.sh will rpm -Uvh "+rpmName(az)+" over it") {
		t.Errorf("conflict evidence = %v", c.Evidence)
	}
	if !strings.Contains(c.Fix, "yum update perl-Archive-Zip") {
		t.Errorf("conflict fix = %q", c.Fix)
	}
	noCause(t, h, RuleModuleShadowed) // vendor_perl comes after site_perl
	// The tarball installer installs to site_perl beside it: no conflict.
	rep = Check(openTar4843(t), []*fleet.Snapshot{s}, now)
	noCause(t, &rep.Hosts[0], RuleModuleConflict)
}

func TestExactRPMInstalledStaysBroken(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mail-sha1")
	withModules(s, r, bundled, msOwner)
	sha := setModule(s, "Digest::SHA1", fleet.ModuleCopy{Path: sitearch + "/Digest/SHA1.pm", IncDir: sitearch, Version: "2.11",
		Owner: fleettest.MSRPM("perl-Digest-SHA1", "2.11-3")})
	sha.Loads = false
	sha.LoadError = "Can't load '" + sitearch + "/auto/Digest/SHA1/SHA1.so'"
	s.Facts.Packages.Packages = append(s.Facts.Packages.Packages, fleet.Package{Name: "perl-Digest-SHA1", Version: "2.11", Release: "3", Packager: msPackager})
	rep := Check(r, []*fleet.Snapshot{s}, now)
	c := wantCause(t, &rep.Hosts[0], RuleModuleBroken, compare.Warning, "preflight.Digest::SHA1")
	if !evidenceHas(c, "install.sh skips Digest::SHA1: perl-Digest-SHA1-2.11-3 is already installed") {
		t.Errorf("evidence = %v", c.Evidence)
	}
}

func TestBelowMinimum(t *testing.T) {
	r := openClamSA(t) // ships neither MIME-tools nor IO
	s := centos5("mail-old-mime")
	setModule(s, "MIME::Tools", fleet.ModuleCopy{Path: sitelib + "/MIME/Tools.pm", IncDir: sitelib, Version: "5.411"})
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleBelowMinimum, compare.Critical, "preflight.MIME::Tools")
	if c.Summary != "MIME::Tools will be 5.411 after the upgrade, below MailScanner's minimum 5.412" {
		t.Errorf("summary = %q", c.Summary)
	}

	s = centos5("mail-old-io")
	setModule(s, "MIME::Tools", fleet.ModuleCopy{Path: sitelib + "/MIME/Tools.pm", IncDir: sitelib, Version: "5.425"})
	setModule(s, "IO", fleet.ModuleCopy{Path: "/usr/lib64/perl5/5.8.8/x86_64-linux-thread-multi/IO.pm", IncDir: "/usr/lib64/perl5/5.8.8/x86_64-linux-thread-multi", Version: "1.22",
		Owner: fleet.Owner{Manager: "rpm", Package: "perl", Version: "5.8.8-41.el5", Vendor: "CentOS"}})
	rep = Check(r, []*fleet.Snapshot{s}, now)
	c = wantCause(t, &rep.Hosts[0], RuleBelowMinimum, compare.Critical, "preflight.IO")
	if !evidenceHas(c, "applies because MIME::Tools will be 5.425, above 5.420") {
		t.Errorf("IO evidence = %v", c.Evidence)
	}

	// The RPM installer ships IO 1.2301: it fixes that host.
	rep = Check(openRPM4843(t), []*fleet.Snapshot{s}, now)
	noCause(t, &rep.Hosts[0], RuleBelowMinimum)
}

func TestPerlTooOld(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mail-rh73")
	withModules(s, r, newer, distroOwner)
	s.Facts.Perl.Version = "5.005"
	rep := Check(r, []*fleet.Snapshot{s}, now)
	c := wantCause(t, &rep.Hosts[0], RulePerlTooOld, compare.Critical, "preflight.perl")
	if c.Summary != "perl 5.005 is older than 5.6.1, the oldest this release runs on" {
		t.Errorf("summary = %q", c.Summary)
	}
	// Without the perl probe, MailScanner -v's Perl line is used.
	s.Probes[fleet.ProbePerl] = fleet.ProbeResult{Status: fleet.ProbeFailed, Error: "perl: not found"}
	s.Facts.MailScanner.PerlVersion = "5.006001 (5.6.1)"
	rep = Check(r, []*fleet.Snapshot{s}, now)
	noCause(t, &rep.Hosts[0], RulePerlTooOld)
}

func TestUnknownIsNeverAbsent(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mail-noprobe")
	s.Probes[fleet.ProbePerlModules] = fleet.ProbeResult{Status: fleet.ProbeTimeout, Error: "deadline exceeded"}
	s.Facts.PerlModules = nil
	s.Facts.MailScanner.Modules = []fleet.ModuleVersion{{Name: "Archive::Zip", Version: "1.16"}, {Name: "Convert::TNEF", Version: "missing", Missing: true}}
	s.Probes[fleet.ProbeMounts] = fleet.ProbeResult{Status: fleet.ProbeFailed, Error: "df: hung NFS"}
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleUnknown, compare.Warning, "preflight./tmp", "preflight.DBI")
	if !evidenceHas(c, "probe perl_modules: timeout: deadline exceeded") || !evidenceHas(c, "probe mounts: failed: df: hung NFS") {
		t.Errorf("unknown evidence = %v", c.Evidence)
	}
	if f, _ := h.Finding("preflight.DBI"); f.Kind != compare.Unknown {
		t.Errorf("DBI finding = %+v, want unknown", f)
	}
	// MailScanner -v still tells about the modules it lists.
	if f, _ := h.Finding("preflight.Archive::Zip"); f.Kind != compare.Changed || !strings.Contains(f.Value, "MailScanner -v") {
		t.Errorf("Archive::Zip from -v = %+v", f)
	}
	if f, _ := h.Finding("preflight.Convert::TNEF"); f.Kind != compare.Missing {
		t.Errorf("Convert::TNEF from -v = %+v", f)
	}
	noCause(t, h, RuleTmpNoexec)
	if !h.Differs() {
		t.Error("a host with unknown facts was called ready")
	}
}

func TestNotAssessed(t *testing.T) {
	r := openRPM4843(t)
	down := &fleet.Snapshot{Host: "mail06", Status: fleet.HostUnreachable, Error: "dial tcp 192.0.2.16:22: connect: no route to host"}
	ready := centos5("mx-ready")
	withModules(ready, r, newer, distroOwner)
	rep := Check(r, []*fleet.Snapshot{ready, nil, down}, now)
	if len(rep.Hosts) != 2 || rep.ExitCode() != compare.ExitNotAssessed || rep.Exit != compare.ExitNotAssessed {
		t.Fatalf("hosts %d, exit %d", len(rep.Hosts), rep.ExitCode())
	}
	if c, ok := cause(&rep.Hosts[1], "host-unreachable"); !ok || c.Severity != compare.Critical {
		t.Errorf("unreachable host causes = %v", rules(&rep.Hosts[1]))
	}
	if s := rep.Summary; s.Hosts != 2 || s.Assessed != 1 || s.NotAssessed != 1 || s.Differing != 0 || s.Critical != 1 {
		t.Errorf("summary = %+v", s)
	}
	_, _, na := Hosts(rep)
	if !slices.Equal(na, []string{"mail06"}) {
		t.Errorf("not assessed = %v", na)
	}
}

func TestRequirements(t *testing.T) {
	r := &Release{Path: "requirements.txt", Kind: KindRequirements, Perl: "5.8.8", Dists: []Dist{
		{Name: "Archive::Zip", Version: "1.30", Min: "1.30", Modules: []string{"Archive::Zip"}},
		{Name: "Mail::ClamAV", Version: "0.29", Min: "0.29", Modules: []string{"Mail::ClamAV"}},
		{Name: "DBI", Modules: []string{"DBI"}},
	}}
	s := centos5("mail-req")
	s.Facts.Mounts.Paths[0] = fleettest.TmpNoexec()
	setModule(s, "Archive::Zip", fleet.ModuleCopy{Path: sitelib + "/Archive/Zip.pm", IncDir: sitelib, Version: "1.16"})
	setModule(s, "Mail::ClamAV")
	setModule(s, "DBI", fleet.ModuleCopy{Path: sitearch + "/DBI.pm", IncDir: sitearch, Version: "1.52"})
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleRequirementUnmet, compare.Warning, "preflight.Archive::Zip", "preflight.Mail::ClamAV")
	if !evidenceHas(c, "Mail::ClamAV: not installed, required >= 0.29") {
		t.Errorf("evidence = %v", c.Evidence)
	}
	wantCause(t, h, RuleModuleCurrent, compare.Info)
	// Nothing is built from a requirements file: /tmp does not matter.
	noCause(t, h, RuleTmpNoexec)
	noCause(t, h, RuleBuildToolsUnknown)
	if rep.Baseline.Note != "3 module requirements from requirements.txt" {
		t.Errorf("note = %q", rep.Baseline.Note)
	}
}

// withBuildTools records the packages probe's build_tools answer: the
// tools found (at /usr/bin) and the tools missing.
func withBuildTools(s *fleet.Snapshot, found []string, missing ...string) {
	bt := &fleet.BuildTools{Found: map[string]string{}, Missing: append([]string{}, missing...)}
	for _, t := range found {
		bt.Found[t] = "/usr/bin/" + t
	}
	s.Facts.Packages.BuildTools = bt
}

var allBuildTools = []string{"make", "gcc", "cc", "patch", "rpmbuild"}

func TestBuildToolsPresent(t *testing.T) {
	for _, r := range []*Release{openRPM4843(t), openTar4843(t), openClamSA(t)} {
		s := seedBox(t, openRPM4843(t))
		withBuildTools(s, allBuildTools)
		h := &Check(r, []*fleet.Snapshot{s}, now).Hosts[0]
		noCause(t, h, RuleNoCompiler)
		noCause(t, h, RuleBuildToolsUnknown)
		if _, ok := h.Finding("preflight.tool.gcc"); ok {
			t.Errorf("%s: finding for a present gcc", r.Kind)
		}
	}
	// cc alone is a C compiler; the tarball installer needs neither patch
	// nor rpmbuild.
	s := seedBox(t, openRPM4843(t))
	withBuildTools(s, []string{"make", "cc"}, "gcc", "patch", "rpmbuild")
	h := &Check(openTar4843(t), []*fleet.Snapshot{s}, now).Hosts[0]
	noCause(t, h, RuleNoCompiler)
	noCause(t, h, RuleBuildToolsUnknown)
}

func TestNoCompiler(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("mail-nocc")
	withModules(s, r, bundled, msOwner)
	withBuildTools(s, []string{"make", "patch"}, "cc", "gcc", "rpmbuild")
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleNoCompiler, compare.Critical, "preflight.tool.gcc", "preflight.tool.cc", "preflight.tool.rpmbuild")
	if c.Summary != "gcc or cc, rpmbuild not installed: the installer cannot build the modules" {
		t.Errorf("summary = %q", c.Summary)
	}
	if c.Fix != "install them before the upgrade: yum install gcc rpm-build" {
		t.Errorf("fix = %q", c.Fix)
	}
	if !evidenceHas(c, "not found on the host (command -v, /usr/bin") || !evidenceHas(c, "gcc, cc, rpmbuild") || !evidenceHas(c, "found: make /usr/bin/make, patch /usr/bin/patch") {
		t.Errorf("evidence = %v", c.Evidence)
	}
	if f, _ := h.Finding("preflight.tool.gcc"); f.Kind != compare.Missing || f.Probe != fleet.ProbePackages {
		t.Errorf("gcc finding = %+v", f)
	}
	if _, ok := h.Finding("preflight.tool.make"); ok {
		t.Error("finding for a present make")
	}
	noCause(t, h, RuleBuildToolsUnknown)
	if !h.Differs() || rep.ExitCode() != compare.ExitDifferences {
		t.Errorf("host without a compiler does not need attention: %v", rules(h))
	}

	// The tarball installer on Debian: make and a compiler, apt-get.
	s = seedBox(t, r) // with modules to build
	s.Facts.Packages.Manager = "dpkg"
	withBuildTools(s, []string{"gcc", "cc"}, "make", "patch", "rpmbuild")
	h = &Check(openTar4843(t), []*fleet.Snapshot{s}, now).Hosts[0]
	c = wantCause(t, h, RuleNoCompiler, compare.Critical, "preflight.tool.make")
	if c.Summary != "make not installed: the installer cannot build the modules" || c.Fix != "install them before the upgrade: apt-get install build-essential" {
		t.Errorf("tarball: %q, fix %q", c.Summary, c.Fix)
	}
	// install-Clam-SA always builds ClamAV.
	withBuildTools(s, []string{"make", "patch"}, "cc", "gcc")
	h = &Check(openClamSA(t), []*fleet.Snapshot{s}, now).Hosts[0]
	wantCause(t, h, RuleNoCompiler, compare.Critical, "preflight.tool.gcc", "preflight.tool.cc")

	// Nothing is built from a requirements file.
	req := &Release{Path: "requirements.txt", Kind: KindRequirements, Dists: []Dist{{Name: "DBI", Modules: []string{"DBI"}}}}
	noCause(t, &Check(req, []*fleet.Snapshot{s}, now).Hosts[0], RuleNoCompiler)
}

func TestBuildToolsUnknown(t *testing.T) {
	r := openRPM4843(t)
	// An older fleetcheck's snapshot: no build_tools answer.
	s := seedBox(t, r)
	h := &Check(r, []*fleet.Snapshot{s}, now).Hosts[0]
	c := wantCause(t, h, RuleBuildToolsUnknown, compare.Info)
	if c.Summary != "unknown whether make, gcc or cc, patch, rpmbuild are installed: not collected" ||
		!evidenceHas(c, "a snapshot from an older fleetcheck") || !strings.Contains(c.Fix, "--probes packages mail03") {
		t.Errorf("unknown cause = %+v", c)
	}
	noCause(t, h, RuleNoCompiler)
	// A failed packages probe: its facts are unknown, even the missing tools.
	withBuildTools(s, []string{"make"}, "gcc", "cc", "patch", "rpmbuild")
	s.Probes[fleet.ProbePackages] = fleet.ProbeResult{Status: fleet.ProbeFailed, Error: "rpm: database locked"}
	h = &Check(r, []*fleet.Snapshot{s}, now).Hosts[0]
	c = wantCause(t, h, RuleBuildToolsUnknown, compare.Info)
	if !evidenceHas(c, "probe packages: failed: rpm: database locked") {
		t.Errorf("evidence = %v", c.Evidence)
	}
	noCause(t, h, RuleNoCompiler)
	// Some tools reported, the rest not (output cut short): only those unknown.
	s = seedBox(t, r)
	withBuildTools(s, []string{"make", "gcc"})
	h = &Check(r, []*fleet.Snapshot{s}, now).Hosts[0]
	if c := wantCause(t, h, RuleBuildToolsUnknown, compare.Info); c.Summary != "unknown whether patch, rpmbuild are installed: not collected" {
		t.Errorf("summary = %q", c.Summary)
	}
	noCause(t, h, RuleNoCompiler)
}

func TestInstallCommand(t *testing.T) {
	for _, tc := range []struct {
		absent  []string
		manager string
		want    string
	}{
		{[]string{"gcc", "cc", "make", "rpmbuild"}, "rpm", "yum install gcc make rpm-build"},
		{[]string{"make"}, "dpkg", "apt-get install build-essential"},
		{[]string{"rpmbuild"}, "dpkg", "apt-get install build-essential rpm"},
		{[]string{"gcc", "cc"}, "", "yum install gcc (RHEL, CentOS) or apt-get install build-essential (Debian, Ubuntu)"},
	} {
		if got := installCommand(tc.absent, tc.manager); got != tc.want {
			t.Errorf("installCommand(%q, %q) = %q, want %q", tc.absent, tc.manager, got, tc.want)
		}
	}
}

func TestRenderers(t *testing.T) {
	r := openRPM4843(t)
	ready := centos5("mx-ready")
	withModules(ready, r, newer, distroOwner)
	rep := Check(r, []*fleet.Snapshot{ready, seedBox(t, r)}, now)
	var b bytes.Buffer
	if err := render.Table(&b, rep, render.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"preflight-tmp-noexec", "preflight.Archive::Zip", "mail03"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := render.JSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"kind": "release"`) {
		t.Errorf("json lacks the release baseline")
	}
}

func TestWrongInstaller(t *testing.T) {
	r := openRPM4843(t)
	s := centos5("deb12")
	s.Facts.OS = &fleet.OS{Family: "debian", ID: "debian", VersionID: "12", Distro: "Debian GNU/Linux 12 (bookworm)"}
	s.Facts.Packages.Manager = "dpkg"
	s.Facts.Packages.Packages = nil
	withModules(s, r, newer, func(d Dist, v string) fleet.Owner {
		return fleet.Owner{Manager: "dpkg", Package: "lib" + strings.ToLower(d.Name) + "-perl", Version: v + "-1"}
	})
	rep := Check(r, []*fleet.Snapshot{s}, now)
	h := &rep.Hosts[0]
	c := wantCause(t, h, RuleWrongInstaller, compare.Critical, "preflight.installer")
	if !evidenceHas(c, "package manager: dpkg") || !evidenceHas(c, "Debian GNU/Linux 12") {
		t.Errorf("evidence = %v", c.Evidence)
	}
	rep = Check(openTar4843(t), []*fleet.Snapshot{s}, now)
	noCause(t, &rep.Hosts[0], RuleWrongInstaller)
	if rep.Hosts[0].Differs() {
		t.Errorf("Debian host with newer modules differs for the tarball installer: %v", rules(&rep.Hosts[0]))
	}
}

// TestBuildsBeyondModules: with every Perl module current, the tarball
// installer still builds tnef (unless /usr/local/bin/tnef exists) and
// install-Clam-SA still builds ClamAV: a noexec /tmp and a missing
// compiler matter all the same. Unknown presence builds nothing.
func TestBuildsBeyondModules(t *testing.T) {
	tar := openTar4843(t)
	ready := func(tnef *bool) *fleet.Snapshot {
		s := centos5("mx-ready")
		withModules(s, tar, newer, distroOwner)
		s.Facts.Mounts.Paths[0] = fleettest.TmpNoexec()
		withBuildTools(s, []string{"make", "patch"}, "cc", "gcc", "rpmbuild")
		if tnef != nil {
			s.Facts.Packages.Programs = map[string]bool{fleet.TarballTnef: *tnef}
		}
		return s
	}
	yes, no := true, false
	h := &Check(tar, []*fleet.Snapshot{ready(&no)}, now).Hosts[0]
	c := wantCause(t, h, RuleTmpNoexec, compare.Critical)
	if !evidenceHas(c, "tnef 1.4.5 is configured and built in /tmp (/usr/local/bin/tnef is not there)") || evidenceHas(c, "module(s) to build") {
		t.Errorf("tarball without tnef: evidence %v", c.Evidence)
	}
	wantCause(t, h, RuleNoCompiler, compare.Critical, "preflight.tool.gcc", "preflight.tool.cc")
	for name, tnef := range map[string]*bool{"with /usr/local/bin/tnef": &yes, "unknown": nil} {
		h := &Check(tar, []*fleet.Snapshot{ready(tnef)}, now).Hosts[0]
		noCause(t, h, RuleTmpNoexec)
		noCause(t, h, RuleNoCompiler)
		if t.Failed() {
			t.Fatalf("tarball %s: %v", name, rules(h))
		}
	}
	// install-Clam-SA builds ClamAV whatever the modules and tnef.
	clam := openClamSA(t)
	s := ready(&yes)
	withModules(s, clam, newer, distroOwner)
	h = &Check(clam, []*fleet.Snapshot{s}, now).Hosts[0]
	c = wantCause(t, h, RuleTmpNoexec, compare.Critical)
	if !evidenceHas(c, "ClamAV 0.96.5 is configured and built in /tmp") {
		t.Errorf("Clam-SA evidence %v", c.Evidence)
	}
}
