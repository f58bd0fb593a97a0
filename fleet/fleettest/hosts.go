package fleettest

import (
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// The scenario hosts' Perl directories, MailScanner's RPM packager and its
// configuration file.
const (
	IncSiteArch   = "/usr/lib64/perl5/site_perl/5.8.8/x86_64-linux-thread-multi"
	IncSite       = "/usr/lib/perl5/site_perl/5.8.8"
	IncVendorArch = "/usr/lib64/perl5/vendor_perl/5.8.8/x86_64-linux-thread-multi"
	IncVendor     = "/usr/lib/perl5/vendor_perl/5.8.8"
	IncArch       = "/usr/lib64/perl5/5.8.8/x86_64-linux-thread-multi"
	IncPriv       = "/usr/lib/perl5/5.8.8"
	MSPackager    = "Julian Field <mailscanner@ecs.soton.ac.uk>"
	MSConf        = "/etc/MailScanner/MailScanner.conf"
)

// SHA1Mismatch is perl's complaint about the seed's half-installed
// Digest::SHA1: the .pm of 2.11 over the .so of 2.10.
const SHA1Mismatch = "Digest::SHA1 object version 2.10 does not match bootstrap parameter 2.11 at " + IncArch + "/DynaLoader.pm line 253."

// Time is when the scenario hosts were collected.
var Time = time.Date(2026, 11, 28, 2, 10, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

// MSRPM is the owner of a package MailScanner's RPM installer built.
func MSRPM(pkg, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: pkg, Version: version, Packager: MSPackager}
}

// CentOSRPM is the owner of a package CentOS shipped.
func CentOSRPM(pkg, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: pkg, Version: version, Vendor: "CentOS", Packager: "CentOS BuildSystem <http://bugs.centos.org>"}
}

// ModCopy is a copy of module name in the @INC directory dir.
func ModCopy(dir, name, version string, owner fleet.Owner) fleet.ModuleCopy {
	return fleet.ModuleCopy{Path: dir + "/" + strings.ReplaceAll(name, "::", "/") + ".pm", IncDir: dir, Version: version, Owner: owner}
}

// Loads is a module that loads, with these copies in @INC order.
func Loads(name string, copies ...fleet.ModuleCopy) fleet.PerlModule {
	return fleet.PerlModule{Name: name, Loads: true, Copies: copies}
}

// PathMountOn is path on the filesystem mounted at mp from dev, with these
// mount options; source says where the path came from (MailScanner.conf's
// key, or "default").
func PathMountOn(path, source, mp, dev string, opts ...string) fleet.PathMount {
	pm := fleet.PathMount{Path: path, Exists: true, MountPoint: mp, Device: dev, Type: "ext3", Source: source,
		SizeKB: i64(151_225_344), FreeKB: i64(98_113_220)}
	pm.SetOptions(opts)
	return pm
}

// TmpNoexec is the seed box's /tmp: a filesystem of its own, mounted noexec.
func TmpNoexec() fleet.PathMount {
	pm := PathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec", "nosuid", "nodev")
	pm.SizeKB, pm.FreeKB = i64(1_015_704), i64(948_212)
	return pm
}

// Cfg is a MailScanner.conf setting at line of MSConf.
func Cfg(key string, line int, value string) fleet.ConfigValue {
	return fleet.ConfigValue{Key: key, Value: value, File: MSConf, Line: line}
}

// GoodHost is a healthy gateway; n varies the volatile facts (address,
// uptime, load, free space, PIDs).
func GoodHost(name string, n int) *fleet.Snapshot {
	probe := func(ms int64) fleet.ProbeResult {
		return fleet.ProbeResult{Status: fleet.ProbeOK, DurationMS: ms, Bytes: 1024}
	}
	yes := true
	s := &fleet.Snapshot{
		SchemaVersion: fleet.SchemaVersion,
		Host:          name,
		Address:       "192.0.2.1" + string(rune('0'+n%10)) + ":22",
		Status:        fleet.HostOK,
		StartedAt:     Time,
		DurationMS:    21_400 + int64(n)*37,
		Transport:     "native",
		ToolVersion:   "0.1.0",
		Security:      fleet.Security{HostKeyFingerprint: "SHA256:q0ZLmSGjGnJuk6vV4o0y2mS0tFq8b2Wc9w0Xh5vU0c" + string(rune('A'+n%26))},
		Probes: map[string]fleet.ProbeResult{
			"os": probe(120), "mounts": probe(80), "perl": probe(300), "perl_modules": probe(2400),
			"packages": probe(1900), "mailscanner_config": probe(150), "processes": probe(60),
			"mailscanner_version": probe(3100), "mailscanner_lint": probe(14_200), "sendmail_version": probe(90),
		},
	}
	f := &s.Facts
	f.OS = &fleet.OS{
		Hostname:      name + ".example.net",
		Uname:         "Linux " + name + ".example.net 2.6.18-419.el5 #1 SMP Fri Feb 24 22:47:42 UTC 2017 x86_64 x86_64 x86_64 GNU/Linux",
		KernelRelease: "2.6.18-419.el5", Arch: "x86_64", Distro: "CentOS release 5.11 (Final)",
		ID: "centos", VersionID: "5.11", Family: "rhel", CPUs: 2, MemTotalKB: 2_059_504,
		UptimeSeconds: float64(8_640_000 + n*3600), Load: [3]float64{0.08 + float64(n%5)/100, 0.12, 0.10},
	}
	f.Mounts = &fleet.Mounts{
		All: []fleet.Mount{
			{Device: "/dev/md1", MountPoint: "/", Type: "ext3", Options: []string{"rw"}},
			{Device: "/dev/md0", MountPoint: "/boot", Type: "ext3", Options: []string{"rw"}},
			{Device: "proc", MountPoint: "/proc", Type: "proc", Options: []string{"rw"}},
		},
		Paths: []fleet.PathMount{
			PathMountOn("/tmp", "default", "/", "/dev/md1", "rw"),
			PathMountOn("/var/tmp", "default", "/", "/dev/md1", "rw"),
			PathMountOn("/var/spool/MailScanner/incoming", "incomingworkdir", "/", "/dev/md1", "rw"),
		},
	}
	*f.Mounts.Paths[0].FreeKB -= int64(n%10) * 100_000
	f.Perl = &fleet.Perl{
		Path: "/usr/bin/perl", Version: "5.8.8", Archname: "x86_64-linux-thread-multi",
		INC: []string{"/usr/lib/MailScanner", IncSiteArch, IncSite, "/usr/lib/perl5/site_perl", IncVendorArch, IncVendor,
			"/usr/lib/perl5/vendor_perl", IncArch, IncPriv},
		Dirs: map[string]string{"privlib": IncPriv, "archlib": IncArch, "sitelib": IncSite, "sitearch": IncSiteArch,
			"vendorlib": IncVendor, "vendorarch": IncVendorArch},
	}
	f.PerlModules = &fleet.PerlModules{
		Modules: []fleet.PerlModule{
			Loads("Archive::Zip", ModCopy(IncSite, "Archive::Zip", "1.16", MSRPM("perl-Archive-Zip", "1.16-1"))),
			Loads("DBD::SQLite", ModCopy(IncSiteArch, "DBD::SQLite", "1.12", MSRPM("perl-DBD-SQLite", "1.12-1"))),
			Loads("Digest::SHA1", ModCopy(IncSiteArch, "Digest::SHA1", "2.11", fleet.Owner{})),
			Loads("HTML::Parser", ModCopy(IncSiteArch, "HTML::Parser", "3.56", MSRPM("perl-HTML-Parser", "3.56-1"))),
			Loads("IO", ModCopy(IncSiteArch, "IO", "1.2301", MSRPM("perl-IO", "1.2301-5"))),
			Loads("MIME::Tools", ModCopy(IncSite, "MIME::Tools", "5.425", MSRPM("perl-MIME-tools", "5.425-3"))),
			Loads("Mail::ClamAV", ModCopy(IncSiteArch, "Mail::ClamAV", "0.22", fleet.Owner{})),
			Loads("Mail::SpamAssassin", ModCopy(IncSite, "Mail::SpamAssassin", "3.002004", fleet.Owner{})),
			Loads("Net::DNS", ModCopy(IncVendorArch, "Net::DNS", "0.59", CentOSRPM("perl-Net-DNS", "0.59-3.el5"))),
			Loads("Time::HiRes", ModCopy(IncSiteArch, "Time::HiRes", "1.9707", MSRPM("perl-Time-HiRes", "1.9707-3"))),
		},
		CPANLog: []fleet.CPANInstall{
			{Module: "Digest::SHA1", Version: "2.11", Date: "Wed Jan 23 10:02:17 2008", Dir: IncSiteArch},
			{Module: "Mail::ClamAV", Version: "0.22", Date: "Wed Jan 23 10:09:51 2008", Dir: IncSiteArch},
			{Module: "Mail::SpamAssassin", Version: "3.002004", Date: "Wed Jan 23 10:12:44 2008", Dir: IncSite},
		},
	}
	f.MailScanner = &fleet.MailScanner{
		Path: "/usr/sbin/MailScanner", Version: "4.66.5", Product: "MailScanner", PerlVersion: "5.008008 (5.8.8)",
		Uname: f.OS.Uname, OSLines: []string{"This is CentOS release 5.11 (Final)"},
		Modules: []fleet.ModuleVersion{
			{Name: "Archive::Zip", Version: "1.16"}, {Name: "IO", Version: "1.2301"},
			{Name: "MIME::Tools", Version: "5.425"}, {Name: "Time::HiRes", Version: "1.9707"},
		},
		Optional: []fleet.ModuleVersion{
			{Name: "DBD::SQLite", Version: "1.12"}, {Name: "Digest::SHA1", Version: "2.11"},
			{Name: "Mail::ClamAV", Version: "0.22"}, {Name: "Mail::SpamAssassin", Version: "3.002004"},
			{Name: "Net::DNS", Version: "0.59"},
		},
	}
	f.Lint = &fleet.Lint{
		ExitCode: 0, Errors: []fleet.LintMessage{}, Warnings: []fleet.LintMessage{}, VersionOK: &yes,
		ConfVersion: "4.66.5", InstalledVersion: "4.66.5", SpamAssassin: "ok",
		VirusScannersConfigured: []string{"clamav"}, VirusScannersFound: []string{"clamav"}, Infections: 2,
		Raw: "Reading configuration file /etc/MailScanner/MailScanner.conf\nSpamAssassin reported no errors.\nVirus Scanning: Found 2 viruses\n",
	}
	f.Packages = &fleet.Packages{
		Manager: "rpm",
		Packages: []fleet.Package{
			{Name: "mailscanner", Version: "4.66.5", Release: "3", Arch: "noarch", Packager: MSPackager},
			{Name: "perl", Epoch: "4", Version: "5.8.8", Release: "41.el5", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "perl-Archive-Zip", Version: "1.16", Release: "1", Arch: "noarch", Packager: MSPackager},
			{Name: "perl-MIME-tools", Version: "5.425", Release: "3", Arch: "noarch", Packager: MSPackager},
			{Name: "perl-Net-DNS", Version: "0.59", Release: "3.el5", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "sendmail", Version: "8.13.8", Release: "10.el5_11", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "tnef", Version: "1.4.5", Release: "1", Arch: "x86_64", Packager: MSPackager},
		},
		Tools: map[string]string{"spamassassin": "3.2.4", "clamscan": "0.92", "sa-update": "3.2.4"},
	}
	f.Config = &fleet.MailScannerConfig{
		Path: MSConf, Files: []string{MSConf},
		Values: map[string]fleet.ConfigValue{
			"maxchildren":              Cfg("Max Children", 75, "5"),
			"restartevery":             Cfg("Restart Every", 120, "7200"),
			"usespamassassin":          Cfg("Use SpamAssassin", 1702, "yes"),
			"virusscanning":            Cfg("Virus Scanning", 590, "yes"),
			"virusscanners":            Cfg("Virus Scanners", 605, "clamav"),
			"incomingworkdir":          Cfg("Incoming Work Dir", 160, "/var/spool/MailScanner/incoming"),
			"spamassassintemporarydir": Cfg("SpamAssassin Temporary Dir", 1790, "/var/spool/MailScanner/incoming/SpamAssassin-Temp"),
			"mta":                      Cfg("MTA", 150, "sendmail"),
			"queuescaninterval":        Cfg("Queue Scan Interval", 128, "6"),
			"spamassassintimeout":      Cfg("SpamAssassin Timeout", 1830, "75"),
			"mailscannerversionnumber": Cfg("MailScanner Version Number", 3040, "4.66.5"),
		},
	}
	kids := make([]fleet.Process, 5)
	for i := range kids {
		kids[i] = fleet.Process{PID: 4100 + n*10 + i, PPID: 3011 + n, Stat: "S", ElapsedSec: 3000 + int64(i)*700,
			CPUSec: 40 + int64(i)*15, Args: "MailScanner: waiting for messages"}
	}
	f.Processes = &fleet.Processes{
		Master:      []fleet.Process{{PID: 3011 + n, PPID: 1, Stat: "Ss", ElapsedSec: 864_000, CPUSec: 12, Args: "MailScanner: master waiting for children, sleeping"}},
		Children:    kids,
		MaxChildren: 5,
	}
	f.Custom = map[string]*fleet.Custom{
		"sendmail_version": {Command: "sendmail -d0.1 -bv root", ExitCode: 0, Lines: []string{
			"Version 8.13.8",
			" Compiled with: DNSMAP HESIOD HES_GETMAILHOST LDAPMAP LOG MAP_REGEX",
			"============ SYSTEM IDENTITY (after readcf) ============",
			"root... deliverable: mailer local, user root",
		}},
	}
	return s
}

// SeedINC is the @INC list as perl quotes it in a "Can't locate" error.
const SeedINC = "(@INC contains: /usr/lib/MailScanner " + IncSiteArch + " " + IncSite + " /usr/lib/perl5/site_perl " +
	IncVendorArch + " " + IncVendor + " /usr/lib/perl5/vendor_perl " + IncArch + " " + IncPriv + " .)"

// SeedBox is the seed's broken server: /tmp on its own noexec mount, so
// install-Clam-SA left Digest::SHA1 half-built, Mail::SpamAssassin unable
// to load and Mail::ClamAV not installed.
func SeedBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	f := &s.Facts
	f.Mounts.All = append(f.Mounts.All, fleet.Mount{Device: "/dev/md2", MountPoint: "/tmp", Type: "ext3", Options: []string{"rw", "noexec", "nosuid", "nodev"}})
	f.Mounts.Paths[0] = TmpNoexec()
	shaErr := SHA1Mismatch
	SetModule(s, fleet.PerlModule{Name: "Digest::SHA1", Loads: false,
		LoadError: shaErr + "\nCompilation failed in require at -e line 1.",
		Copies:    []fleet.ModuleCopy{ModCopy(IncSiteArch, "Digest::SHA1", "2.11", fleet.Owner{})}})
	SetModule(s, fleet.PerlModule{Name: "Mail::SpamAssassin", Loads: false,
		LoadError: shaErr + "\nCompilation failed in require at " + IncSite + "/Mail/SpamAssassin/Util.pm line 60.\n" +
			"BEGIN failed--compilation aborted at " + IncSite + "/Mail/SpamAssassin/Util.pm line 60.\n" +
			"Compilation failed in require at " + IncSite + "/Mail/SpamAssassin.pm line 71.",
		Copies: []fleet.ModuleCopy{ModCopy(IncSite, "Mail::SpamAssassin", "3.002004", fleet.Owner{})}})
	SetModule(s, fleet.PerlModule{Name: "Mail::ClamAV", Loads: false,
		LoadError: "Can't locate Mail/ClamAV.pm in @INC " + SeedINC + " at -e line 1.\nBEGIN failed--compilation aborted at -e line 1.",
		Copies:    []fleet.ModuleCopy{}})
	f.PerlModules.CPANLog = f.PerlModules.CPANLog[:1]
	SetMSModule(s, "Digest::SHA1", "missing")
	SetMSModule(s, "Mail::SpamAssassin", "missing")
	SetMSModule(s, "Mail::ClamAV", "missing")
	f.Packages.Tools["spamassassin"] = "3.2.3"
	f.Packages.Tools["clamscan"] = "0.91.2"
	f.Lint.Warnings = []fleet.LintMessage{{Text: "You want to use SpamAssassin but have not installed it.",
		File: "/usr/lib/MailScanner/MailScanner/SA.pm", Line: 170}}
	f.Lint.SpamAssassin = ""
	return s
}

// ShadowBox has CPAN installs: Net::DNS 0.63 in site_perl shadows CentOS's
// 0.59 in vendor_perl, Archive::Zip comes from CentOS instead of
// MailScanner's RPM, and MIME::Tools is older.
func ShadowBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	f := &s.Facts
	SetModule(s, Loads("Net::DNS",
		ModCopy(IncSiteArch, "Net::DNS", "0.63", fleet.Owner{}),
		ModCopy(IncVendorArch, "Net::DNS", "0.59", CentOSRPM("perl-Net-DNS", "0.59-3.el5"))))
	SetModule(s, Loads("Archive::Zip", ModCopy(IncVendor, "Archive::Zip", "1.16", CentOSRPM("perl-Archive-Zip", "1.16-1.2.1"))))
	SetModule(s, Loads("MIME::Tools", ModCopy(IncSite, "MIME::Tools", "5.420", MSRPM("perl-MIME-tools", "5.420-2"))))
	SetMSModule(s, "Net::DNS", "0.63")
	SetMSModule(s, "MIME::Tools", "5.420")
	f.PerlModules.CPANLog = append(f.PerlModules.CPANLog, fleet.CPANInstall{Module: "Net::DNS", Version: "0.63", Date: "Mon Jan 21 14:02:11 2008", Dir: IncSiteArch})
	for i, p := range f.Packages.Packages {
		switch p.Name {
		case "perl-Archive-Zip":
			f.Packages.Packages[i] = fleet.Package{Name: p.Name, Version: "1.16", Release: "1.2.1", Arch: "noarch", Vendor: "CentOS"}
		case "perl-MIME-tools":
			f.Packages.Packages[i].Version, f.Packages.Packages[i].Release = "5.420", "2"
		case "sendmail":
			f.Packages.Packages[i].Version, f.Packages.Packages[i].Release = "8.14.4", "1"
		}
	}
	f.Custom["sendmail_version"].Lines[0] = "Version 8.14.4"
	return s
}

// HangBox is the seed's symptom: MailScanner --lint never finishes, the
// children burn CPU, and the admin's workarounds are in MailScanner.conf.
func HangBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	f := &s.Facts
	s.Status = fleet.HostPartial
	s.Probes[fleet.ProbeMailScannerLint] = fleet.ProbeResult{Status: fleet.ProbeTimeout, DurationMS: 60_000, ExitCode: -1,
		Error: "timed out after 1m0s; process group killed", Command: "MailScanner --lint"}
	f.Lint = &fleet.Lint{TimedOut: true, Infections: -1,
		Raw: "Trying to setlogsock(unix)\nReading configuration file /etc/MailScanner/MailScanner.conf\n"}
	f.OS.Load = [3]float64{3.42, 3.10, 2.95}
	f.Config.Values["maxchildren"] = Cfg("Max Children", 75, "2")
	f.Config.Values["restartevery"] = Cfg("Restart Every", 120, "28800")
	f.Config.Values["usespamassassin"] = Cfg("Use SpamAssassin", 1702, "no")
	f.Processes.MaxChildren = 2
	f.Processes.Children = []fleet.Process{
		{PID: 5120, PPID: 3011, Stat: "R", ElapsedSec: 11_400, CPUSec: 10_920, Args: "MailScanner: starting child"},
		{PID: 5121, PPID: 3011, Stat: "R", ElapsedSec: 11_400, CPUSec: 10_860, Args: "MailScanner: starting child"},
	}
	return s
}

// UnreachableBox is a host whose address does not answer.
func UnreachableBox(name string) *fleet.Snapshot {
	return &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: name, Address: "192.0.2.16:22",
		Status: fleet.HostUnreachable, Error: "dial tcp 192.0.2.16:22: connect: no route to host",
		StartedAt: Time, DurationMS: 10_000, Transport: "native", ToolVersion: "0.1.0",
		Probes: map[string]fleet.ProbeResult{}}
}

// FailedProbesBox is a good host whose perl_modules probe failed (perl
// cannot start) and whose sudo was refused for mailscanner_config: both
// probes' facts are unknown.
func FailedProbesBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	s.Status = fleet.HostPartial
	s.Probes[fleet.ProbePerlModules] = fleet.ProbeResult{Status: fleet.ProbeFailed, ExitCode: 2, DurationMS: 40,
		Error:   "perl: error while loading shared libraries: libperl.so: cannot open shared object file: No such file or directory",
		Command: "LC_ALL=C perl -e '...'"}
	s.Facts.PerlModules = nil
	s.Probes[fleet.ProbeMailScannerConfig] = fleet.ProbeResult{Status: fleet.ProbeSudoDenied, ExitCode: 1, DurationMS: 20,
		Error: "sudo: a password is required", Command: "LC_ALL=C cat /etc/MailScanner/MailScanner.conf", Sudo: true}
	s.Facts.Config = nil
	return s
}

// StatusBox is a host not assessed because of st (a host key or login
// problem), with the error collect reported.
func StatusBox(name string, st fleet.HostStatus, err string) *fleet.Snapshot {
	s := UnreachableBox(name)
	s.Status, s.Error = st, err
	s.Security.HostKeyFingerprint = "SHA256:1Bq8jMZ0mXoS9b0E0Hqv2m3I4tRz8gqkC0xYw6u3p9Q"
	return s
}
