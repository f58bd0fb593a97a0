package preflight

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// Constructed hosts: the scenario hosts of package fleettest, before an
// upgrade.

const (
	sitearch  = fleettest.IncSiteArch
	sitelib   = fleettest.IncSite
	vendorlib = fleettest.IncVendor
	// localperl is where CPAN installs go when told to, early in @INC.
	localperl  = "/usr/local/lib/perl5"
	msPackager = fleettest.MSPackager
)

// centos5 returns an assessed CentOS 5 host running MailScanner 4.84.1,
// /tmp mounted with exec, no modules yet, /usr/local/lib/perl5 second in
// @INC.
func centos5(name string) *fleet.Snapshot {
	s := fleettest.GoodHost(name, 1)
	f := &s.Facts
	f.Perl.INC = slices.Insert(f.Perl.INC, 1, localperl)
	f.Mounts.Paths = f.Mounts.Paths[:1]
	f.Packages.Tools = map[string]string{"spamassassin": "3.2.5", "clamscan": "0.95.3"}
	f.Packages.Packages = slices.DeleteFunc(f.Packages.Packages, func(p fleet.Package) bool { return p.Name != "mailscanner" && p.Name != "perl" })
	fleettest.SetPackage(s, fleet.Package{Name: "mailscanner", Version: "4.84.1", Release: "1", Arch: "noarch", Packager: msPackager})
	f.PerlModules = &fleet.PerlModules{Modules: []fleet.PerlModule{}, CPANLog: []fleet.CPANInstall{}}
	f.MailScanner.Version = "4.84.1"
	f.MailScanner.Modules, f.MailScanner.Optional = nil, nil
	return s
}

// msOwner is the owner of a module MailScanner's RPM installer built.
func msOwner(d Dist, version string) fleet.Owner {
	return fleettest.MSRPM("perl-"+d.Name, version+"-1")
}

// distroOwner is the owner of a module the distribution packaged.
func distroOwner(d Dist, version string) fleet.Owner {
	return fleettest.CentOSRPM("perl-"+d.Name, version+"-1.el5")
}

// withModules gives the host every module of the release, at the version
// and owner the functions say, one copy each in site_perl (vendor_perl for
// distribution packages), and the owning RPMs in the package list.
func withModules(s *fleet.Snapshot, r *Release, version func(Dist) string, owner func(Dist, string) fleet.Owner) {
	for _, d := range r.Dists {
		v := version(d)
		o := owner(d, v)
		dir := sitelib
		if o.Vendor != "" {
			dir = vendorlib
		}
		setModule(s, d.Module(), fleettest.ModCopy(dir, d.Module(), v, o))
		if o.Manager == "rpm" {
			ver, rel, _ := strings.Cut(o.Version, "-")
			s.Facts.Packages.Packages = append(s.Facts.Packages.Packages, fleet.Package{Name: o.Package, Version: ver, Release: rel, Vendor: o.Vendor, Packager: o.Packager})
		}
	}
}

// setModule replaces (or adds) a module that loads, with these copies in
// @INC order; no copies means not installed.
func setModule(s *fleet.Snapshot, name string, copies ...fleet.ModuleCopy) *fleet.PerlModule {
	m := fleettest.Loads(name, copies...)
	m.Source = "list"
	if len(copies) == 0 {
		m.Loads, m.Copies = false, []fleet.ModuleCopy{}
		m.LoadError = "Can't locate " + strings.ReplaceAll(name, "::", "/") + ".pm in @INC"
	}
	return fleettest.SetModule(s, m)
}

// bundled is the release's own version; newer a later one.
func bundled(d Dist) string { return d.Version }
func newer(d Dist) string   { return d.Version + "1" }

// openRelease opens a release archive made of names, as Check's reports
// name it (by its base name).
func openRelease(t testing.TB, file string, names []string) *Release {
	t.Helper()
	r, err := Open(writeTarGz(t, t.TempDir(), file, names))
	if err != nil {
		t.Fatal(err)
	}
	r.Path = filepath.Base(r.Path)
	return r
}

func openRPM4843(t testing.TB) *Release {
	return openRelease(t, "MailScanner-4.84.3-1.rpm.tar.gz", rpmInstallerNames("4.84.3-1", rpm4843))
}

func openTar4843(t testing.TB) *Release {
	return openRelease(t, "MailScanner-install-4.84.3-1.tar.gz", tarInstallerNames("4.84.3-1", rpm4843))
}

func openClamSA(t testing.TB) *Release {
	return openRelease(t, "install-Clam-0.96.5-SA-3.3.1.tar.gz", clamSANames())
}
