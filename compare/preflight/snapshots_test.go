package preflight

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Constructed hosts: a CentOS 5 box as the lab's snapshots describe it.

const (
	sitearch   = "/usr/lib64/perl5/site_perl/5.8.8/x86_64-linux-thread-multi"
	sitelib    = "/usr/lib/perl5/site_perl/5.8.8"
	vendorlib  = "/usr/lib/perl5/vendor_perl/5.8.8"
	localperl  = "/usr/local/lib/perl5"
	msPackager = "Julian Field <mailscanner@ecs.soton.ac.uk>"
)

var centosINC = []string{"/usr/lib/MailScanner", localperl, sitearch, sitelib, "/usr/lib/perl5/site_perl",
	"/usr/lib64/perl5/vendor_perl/5.8.8/x86_64-linux-thread-multi", vendorlib, "/usr/lib/perl5/vendor_perl",
	"/usr/lib64/perl5/5.8.8/x86_64-linux-thread-multi", "/usr/lib/perl5/5.8.8"}

// centos5 returns an assessed CentOS 5 host running MailScanner 4.84.1,
// /tmp mounted with exec, no modules yet.
func centos5(name string) *fleet.Snapshot {
	ok := fleet.ProbeResult{Status: fleet.ProbeOK}
	s := &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: name, Status: fleet.HostOK,
		Probes: map[string]fleet.ProbeResult{fleet.ProbeOS: ok, fleet.ProbeMounts: ok, fleet.ProbePerl: ok, fleet.ProbePerlModules: ok, fleet.ProbePackages: ok, fleet.ProbeMailScannerVersion: ok}}
	s.Facts.OS = &fleet.OS{Family: "rhel", ID: "centos", VersionID: "5.11", Distro: "CentOS release 5.11 (Final)"}
	s.Facts.Perl = &fleet.Perl{Path: "/usr/bin/perl", Version: "5.8.8", Archname: "x86_64-linux-thread-multi",
		INC:  append([]string(nil), centosINC...),
		Dirs: map[string]string{"sitearch": sitearch, "sitelib": sitelib, "vendorlib": vendorlib, "privlib": "/usr/lib/perl5/5.8.8"}}
	s.Facts.Mounts = &fleet.Mounts{Paths: []fleet.PathMount{
		{Path: "/tmp", Exists: true, MountPoint: "/", Device: "/dev/md1", Type: "ext3", Options: []string{"rw"}, Source: "default"},
	}}
	s.Facts.Packages = &fleet.Packages{Manager: "rpm", Tools: map[string]string{"spamassassin": "3.2.5", "clamscan": "0.95.3"},
		Packages: []fleet.Package{
			{Name: "mailscanner", Version: "4.84.1", Release: "1", Arch: "noarch", Packager: msPackager},
			{Name: "perl", Epoch: "4", Version: "5.8.8", Release: "41.el5", Arch: "x86_64", Vendor: "CentOS"},
		}}
	s.Facts.PerlModules = &fleet.PerlModules{Modules: []fleet.PerlModule{}, CPANLog: []fleet.CPANInstall{}}
	s.Facts.MailScanner = &fleet.MailScanner{Path: "/usr/sbin/MailScanner", Version: "4.84.1", PerlVersion: "5.008008 (5.8.8)"}
	return s
}

// msOwner is the owner of a module MailScanner's RPM installer built.
func msOwner(d Dist, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: "perl-" + d.Name, Version: version + "-1", Packager: msPackager}
}

// distroOwner is the owner of a module the distribution packaged.
func distroOwner(d Dist, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: "perl-" + d.Name, Version: version + "-1.el5", Vendor: "CentOS", Packager: "CentOS BuildSystem <http://bugs.centos.org>"}
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
		setModule(s, d.Module(), fleet.ModuleCopy{Path: dir + "/" + strings.ReplaceAll(d.Module(), "::", "/") + ".pm", IncDir: dir, Version: v, Owner: o})
		if o.Manager == "rpm" {
			ver, rel, _ := strings.Cut(o.Version, "-")
			s.Facts.Packages.Packages = append(s.Facts.Packages.Packages, fleet.Package{Name: o.Package, Version: ver, Release: rel, Vendor: o.Vendor, Packager: o.Packager})
		}
	}
}

// setModule replaces (or adds) a module that loads, with these copies in
// @INC order; no copies means not installed.
func setModule(s *fleet.Snapshot, name string, copies ...fleet.ModuleCopy) *fleet.PerlModule {
	pm := s.Facts.PerlModules
	m := fleet.PerlModule{Name: name, Source: "list", Loads: len(copies) > 0, Copies: copies}
	if m.Copies == nil {
		m.Copies = []fleet.ModuleCopy{}
		m.LoadError = "Can't locate " + strings.ReplaceAll(name, "::", "/") + ".pm in @INC"
	}
	for i := range pm.Modules {
		if pm.Modules[i].Name == name {
			pm.Modules[i] = m
			return &pm.Modules[i]
		}
	}
	pm.Modules = append(pm.Modules, m)
	return &pm.Modules[len(pm.Modules)-1]
}

// bundled is the release's own version; newer a later one.
func bundled(d Dist) string { return d.Version }
func newer(d Dist) string   { return d.Version + "1" }

// tmpNoexecMount mounts /tmp noexec, as on the seed's box.
func tmpNoexecMount(s *fleet.Snapshot) {
	s.Facts.Mounts.Paths[0] = fleet.PathMount{Path: "/tmp", Exists: true, MountPoint: "/tmp", Device: "/dev/md2", Type: "ext3",
		Options: []string{"rw", "noexec", "nosuid", "nodev"}, NoExec: true, NoSuid: true, NoDev: true, Source: "default"}
}

func openRPM4843(t testing.TB) *Release {
	t.Helper()
	r, err := Open(writeTarGz(t, t.TempDir(), "MailScanner-4.84.3-1.rpm.tar.gz", rpmInstallerNames("4.84.3-1", rpm4843)))
	if err != nil {
		t.Fatal(err)
	}
	r.Path = filepath.Base(r.Path)
	return r
}

func openTar4843(t testing.TB) *Release {
	t.Helper()
	r, err := Open(writeTarGz(t, t.TempDir(), "MailScanner-install-4.84.3-1.tar.gz", tarInstallerNames("4.84.3-1", rpm4843)))
	if err != nil {
		t.Fatal(err)
	}
	r.Path = filepath.Base(r.Path)
	return r
}

func openClamSA(t testing.TB) *Release {
	t.Helper()
	r, err := Open(writeTarGz(t, t.TempDir(), "install-Clam-0.96.5-SA-3.3.1.tar.gz", clamSANames()))
	if err != nil {
		t.Fatal(err)
	}
	r.Path = filepath.Base(r.Path)
	return r
}

// setPackage replaces (or adds) an installed package by name.
func setPackage(s *fleet.Snapshot, p fleet.Package) {
	pk := s.Facts.Packages
	for i := range pk.Packages {
		if pk.Packages[i].Name == p.Name {
			pk.Packages[i] = p
			return
		}
	}
	pk.Packages = append(pk.Packages, p)
}
