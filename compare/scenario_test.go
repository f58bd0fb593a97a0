package compare

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

var update = flag.Bool("update", false, "rewrite golden files and builder-made scenario snapshots")

// The scenario hosts: CentOS 5 x86_64 mail gateways running MailScanner
// 4.66.5 with SpamAssassin 3.2.4 and ClamAV 0.92 from install-Clam-SA,
// as in the seed story.

const (
	incSiteArch   = "/usr/lib64/perl5/site_perl/5.8.8/x86_64-linux-thread-multi"
	incSite       = "/usr/lib/perl5/site_perl/5.8.8"
	incVendorArch = "/usr/lib64/perl5/vendor_perl/5.8.8/x86_64-linux-thread-multi"
	incVendor     = "/usr/lib/perl5/vendor_perl/5.8.8"
	incArch       = "/usr/lib64/perl5/5.8.8/x86_64-linux-thread-multi"
	incPriv       = "/usr/lib/perl5/5.8.8"
	msPackager    = "Julian Field <mailscanner@ecs.soton.ac.uk>"
	msConf        = "/etc/MailScanner/MailScanner.conf"
)

var scenarioTime = time.Date(2026, 11, 28, 2, 10, 0, 0, time.UTC)

func i64(n int64) *int64 { return &n }

func msRPM(pkg, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: pkg, Version: version, Packager: msPackager}
}

func centosRPM(pkg, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: pkg, Version: version, Vendor: "CentOS", Packager: "CentOS BuildSystem <http://bugs.centos.org>"}
}

func modCopy(dir, name, version string, owner fleet.Owner) fleet.ModuleCopy {
	return fleet.ModuleCopy{Path: dir + "/" + modulePath(name), IncDir: dir, Version: version, Owner: owner}
}

func loads(name string, copies ...fleet.ModuleCopy) fleet.PerlModule {
	return fleet.PerlModule{Name: name, Loads: true, Copies: copies}
}

func pathMountOn(path, source, mp, dev string, opts ...string) fleet.PathMount {
	pm := fleet.PathMount{Path: path, Exists: true, MountPoint: mp, Device: dev, Type: "ext3", Source: source,
		SizeKB: i64(151_225_344), FreeKB: i64(98_113_220)}
	pm.SetOptions(opts)
	return pm
}

func cfg(key string, line int, value string) fleet.ConfigValue {
	return fleet.ConfigValue{Key: key, Value: value, File: msConf, Line: line}
}

// goodHost is a healthy gateway; n varies the volatile facts.
func goodHost(name string, n int) *fleet.Snapshot {
	probe := func(ms int64) fleet.ProbeResult {
		return fleet.ProbeResult{Status: fleet.ProbeOK, DurationMS: ms, Bytes: 1024}
	}
	yes := true
	s := &fleet.Snapshot{
		SchemaVersion: fleet.SchemaVersion,
		Host:          name,
		Address:       "192.0.2.1" + string(rune('0'+n%10)) + ":22",
		Status:        fleet.HostOK,
		StartedAt:     scenarioTime,
		DurationMS:    21_400 + int64(n)*37,
		Transport:     "native",
		ToolVersion:   "0.1.0",
		Security:      fleet.Security{HostKeyFingerprint: "SHA256:q0ZLmSGjGnJuk6vV4o0y2mS0tFq8b2Wc9w0Xh5vU0c" + string(rune('A'+n%26))},
		Probes: map[string]fleet.ProbeResult{
			fleet.ProbeOS: probe(120), fleet.ProbeMounts: probe(80), fleet.ProbePerl: probe(300), fleet.ProbePerlModules: probe(2400),
			fleet.ProbePackages: probe(1900), fleet.ProbeMailScannerConfig: probe(150), fleet.ProbeProcesses: probe(60),
			fleet.ProbeMailScannerVersion: probe(3100), fleet.ProbeMailScannerLint: probe(14_200), "sendmail_version": probe(90),
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
			pathMountOn("/tmp", "default", "/", "/dev/md1", "rw"),
			pathMountOn("/var/tmp", "default", "/", "/dev/md1", "rw"),
			pathMountOn("/var/spool/MailScanner/incoming", "incomingworkdir", "/", "/dev/md1", "rw"),
		},
	}
	*f.Mounts.Paths[0].FreeKB -= int64(n%10) * 100_000
	f.Perl = &fleet.Perl{
		Path: "/usr/bin/perl", Version: "5.8.8", Archname: "x86_64-linux-thread-multi",
		INC: []string{"/usr/lib/MailScanner", incSiteArch, incSite, "/usr/lib/perl5/site_perl", incVendorArch, incVendor,
			"/usr/lib/perl5/vendor_perl", incArch, incPriv},
		Dirs: map[string]string{"privlib": incPriv, "archlib": incArch, "sitelib": incSite, "sitearch": incSiteArch,
			"vendorlib": incVendor, "vendorarch": incVendorArch},
	}
	f.PerlModules = &fleet.PerlModules{
		Modules: []fleet.PerlModule{
			loads("Archive::Zip", modCopy(incSite, "Archive::Zip", "1.16", msRPM("perl-Archive-Zip", "1.16-1"))),
			loads("DBD::SQLite", modCopy(incSiteArch, "DBD::SQLite", "1.12", msRPM("perl-DBD-SQLite", "1.12-1"))),
			loads("Digest::SHA1", modCopy(incSiteArch, "Digest::SHA1", "2.11", fleet.Owner{})),
			loads("HTML::Parser", modCopy(incSiteArch, "HTML::Parser", "3.56", msRPM("perl-HTML-Parser", "3.56-1"))),
			loads("IO", modCopy(incSiteArch, "IO", "1.2301", msRPM("perl-IO", "1.2301-5"))),
			loads("MIME::Tools", modCopy(incSite, "MIME::Tools", "5.425", msRPM("perl-MIME-tools", "5.425-3"))),
			loads("Mail::ClamAV", modCopy(incSiteArch, "Mail::ClamAV", "0.22", fleet.Owner{})),
			loads("Mail::SpamAssassin", modCopy(incSite, "Mail::SpamAssassin", "3.002004", fleet.Owner{})),
			loads("Net::DNS", modCopy(incVendorArch, "Net::DNS", "0.59", centosRPM("perl-Net-DNS", "0.59-3.el5"))),
			loads("Time::HiRes", modCopy(incSiteArch, "Time::HiRes", "1.9707", msRPM("perl-Time-HiRes", "1.9707-3"))),
		},
		CPANLog: []fleet.CPANInstall{
			{Module: "Digest::SHA1", Version: "2.11", Date: "Wed Jan 23 10:02:17 2008", Dir: incSiteArch},
			{Module: "Mail::ClamAV", Version: "0.22", Date: "Wed Jan 23 10:09:51 2008", Dir: incSiteArch},
			{Module: "Mail::SpamAssassin", Version: "3.002004", Date: "Wed Jan 23 10:12:44 2008", Dir: incSite},
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
			{Name: "mailscanner", Version: "4.66.5", Release: "3", Arch: "noarch", Packager: msPackager},
			{Name: "perl", Epoch: "4", Version: "5.8.8", Release: "41.el5", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "perl-Archive-Zip", Version: "1.16", Release: "1", Arch: "noarch", Packager: msPackager},
			{Name: "perl-MIME-tools", Version: "5.425", Release: "3", Arch: "noarch", Packager: msPackager},
			{Name: "perl-Net-DNS", Version: "0.59", Release: "3.el5", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "sendmail", Version: "8.13.8", Release: "10.el5_11", Arch: "x86_64", Vendor: "CentOS"},
			{Name: "tnef", Version: "1.4.5", Release: "1", Arch: "x86_64", Packager: msPackager},
		},
		Tools: map[string]string{"spamassassin": "3.2.4", "clamscan": "0.92", "sa-update": "3.2.4"},
	}
	f.Config = &fleet.MailScannerConfig{
		Path: msConf, Files: []string{msConf},
		Values: map[string]fleet.ConfigValue{
			"maxchildren":              cfg("Max Children", 75, "5"),
			"restartevery":             cfg("Restart Every", 120, "7200"),
			"usespamassassin":          cfg("Use SpamAssassin", 1702, "yes"),
			"virusscanning":            cfg("Virus Scanning", 590, "yes"),
			"virusscanners":            cfg("Virus Scanners", 605, "clamav"),
			"incomingworkdir":          cfg("Incoming Work Dir", 160, "/var/spool/MailScanner/incoming"),
			"spamassassintemporarydir": cfg("SpamAssassin Temporary Dir", 1790, "/var/spool/MailScanner/incoming/SpamAssassin-Temp"),
			"mta":                      cfg("MTA", 150, "sendmail"),
			"queuescaninterval":        cfg("Queue Scan Interval", 128, "6"),
			"spamassassintimeout":      cfg("SpamAssassin Timeout", 1830, "75"),
			"mailscannerversionnumber": cfg("MailScanner Version Number", 3040, "4.66.5"),
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

func setModule(s *fleet.Snapshot, m fleet.PerlModule) {
	mods := s.Facts.PerlModules.Modules
	for i := range mods {
		if mods[i].Name == m.Name {
			mods[i] = m
			return
		}
	}
	s.Facts.PerlModules.Modules = append(mods, m)
}

func setMSModule(s *fleet.Snapshot, name, version string) {
	for _, l := range [][]fleet.ModuleVersion{s.Facts.MailScanner.Modules, s.Facts.MailScanner.Optional} {
		for i := range l {
			if l[i].Name == name {
				l[i].Version = version
				l[i].Missing = version == "missing"
			}
		}
	}
}

const seedINC = "(@INC contains: /usr/lib/MailScanner " + incSiteArch + " " + incSite + " /usr/lib/perl5/site_perl " +
	incVendorArch + " " + incVendor + " /usr/lib/perl5/vendor_perl " + incArch + " " + incPriv + " .)"

// seedBox is the seed's broken server: /tmp on its own noexec mount, so
// install-Clam-SA left Digest::SHA1 half-built, Mail::SpamAssassin unable
// to load and Mail::ClamAV not installed.
func seedBox(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	f := &s.Facts
	f.Mounts.All = append(f.Mounts.All, fleet.Mount{Device: "/dev/md2", MountPoint: "/tmp", Type: "ext3", Options: []string{"rw", "noexec", "nosuid", "nodev"}})
	f.Mounts.Paths[0] = pathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec", "nosuid", "nodev")
	f.Mounts.Paths[0].SizeKB, f.Mounts.Paths[0].FreeKB = i64(1_015_704), i64(948_212)
	shaErr := "Digest::SHA1 object version 2.10 does not match bootstrap parameter 2.11 at " + incArch + "/DynaLoader.pm line 253."
	setModule(s, fleet.PerlModule{Name: "Digest::SHA1", Loads: false,
		LoadError: shaErr + "\nCompilation failed in require at -e line 1.",
		Copies:    []fleet.ModuleCopy{modCopy(incSiteArch, "Digest::SHA1", "2.11", fleet.Owner{})}})
	setModule(s, fleet.PerlModule{Name: "Mail::SpamAssassin", Loads: false,
		LoadError: shaErr + "\nCompilation failed in require at " + incSite + "/Mail/SpamAssassin/Util.pm line 60.\n" +
			"BEGIN failed--compilation aborted at " + incSite + "/Mail/SpamAssassin/Util.pm line 60.\n" +
			"Compilation failed in require at " + incSite + "/Mail/SpamAssassin.pm line 71.",
		Copies: []fleet.ModuleCopy{modCopy(incSite, "Mail::SpamAssassin", "3.002004", fleet.Owner{})}})
	setModule(s, fleet.PerlModule{Name: "Mail::ClamAV", Loads: false,
		LoadError: "Can't locate Mail/ClamAV.pm in @INC " + seedINC + " at -e line 1.\nBEGIN failed--compilation aborted at -e line 1.",
		Copies:    []fleet.ModuleCopy{}})
	f.PerlModules.CPANLog = f.PerlModules.CPANLog[:1]
	setMSModule(s, "Digest::SHA1", "missing")
	setMSModule(s, "Mail::SpamAssassin", "missing")
	setMSModule(s, "Mail::ClamAV", "missing")
	f.Packages.Tools["spamassassin"] = "3.2.3"
	f.Packages.Tools["clamscan"] = "0.91.2"
	f.Lint.Warnings = []fleet.LintMessage{{Text: "You want to use SpamAssassin but have not installed it.",
		File: "/usr/lib/MailScanner/MailScanner/SA.pm", Line: 170}}
	f.Lint.SpamAssassin = ""
	return s
}

// shadowBox has CPAN installs: Net::DNS 0.63 in site_perl shadows CentOS's
// 0.59 in vendor_perl, Archive::Zip comes from CentOS instead of
// MailScanner's RPM, and MIME::Tools is older.
func shadowBox(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	f := &s.Facts
	setModule(s, loads("Net::DNS",
		modCopy(incSiteArch, "Net::DNS", "0.63", fleet.Owner{}),
		modCopy(incVendorArch, "Net::DNS", "0.59", centosRPM("perl-Net-DNS", "0.59-3.el5"))))
	setModule(s, loads("Archive::Zip", modCopy(incVendor, "Archive::Zip", "1.16", centosRPM("perl-Archive-Zip", "1.16-1.2.1"))))
	setModule(s, loads("MIME::Tools", modCopy(incSite, "MIME::Tools", "5.420", msRPM("perl-MIME-tools", "5.420-2"))))
	setMSModule(s, "Net::DNS", "0.63")
	setMSModule(s, "MIME::Tools", "5.420")
	f.PerlModules.CPANLog = append(f.PerlModules.CPANLog, fleet.CPANInstall{Module: "Net::DNS", Version: "0.63", Date: "Mon Jan 21 14:02:11 2008", Dir: incSiteArch})
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

// hangBox is the seed's symptom: MailScanner --lint never finishes, the
// children burn CPU, and the admin's workarounds are in MailScanner.conf.
func hangBox(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	f := &s.Facts
	s.Status = fleet.HostPartial
	s.Probes[fleet.ProbeMailScannerLint] = fleet.ProbeResult{Status: fleet.ProbeTimeout, DurationMS: 60_000, ExitCode: -1,
		Error: "timed out after 1m0s; process group killed", Command: "MailScanner --lint"}
	f.Lint = &fleet.Lint{TimedOut: true, Infections: -1,
		Raw: "Trying to setlogsock(unix)\nReading configuration file /etc/MailScanner/MailScanner.conf\n"}
	f.OS.Load = [3]float64{3.42, 3.10, 2.95}
	f.Config.Values["maxchildren"] = cfg("Max Children", 75, "2")
	f.Config.Values["restartevery"] = cfg("Restart Every", 120, "28800")
	f.Config.Values["usespamassassin"] = cfg("Use SpamAssassin", 1702, "no")
	f.Processes.MaxChildren = 2
	f.Processes.Children = []fleet.Process{
		{PID: 5120, PPID: 3011, Stat: "R", ElapsedSec: 11_400, CPUSec: 10_920, Args: "MailScanner: starting child"},
		{PID: 5121, PPID: 3011, Stat: "R", ElapsedSec: 11_400, CPUSec: 10_860, Args: "MailScanner: starting child"},
	}
	return s
}

func unreachableBox(name string) *fleet.Snapshot {
	return &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: name, Address: "192.0.2.16:22",
		Status: fleet.HostUnreachable, Error: "dial tcp 192.0.2.16:22: connect: no route to host",
		StartedAt: scenarioTime, DurationMS: 10_000, Transport: "native", ToolVersion: "0.1.0",
		Probes: map[string]fleet.ProbeResult{}}
}

func failedProbesBox(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
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

func statusBox(name string, st fleet.HostStatus, err string) *fleet.Snapshot {
	s := unreachableBox(name)
	s.Status, s.Error = st, err
	s.Security.HostKeyFingerprint = "SHA256:1Bq8jMZ0mXoS9b0E0Hqv2m3I4tRz8gqkC0xYw6u3p9Q"
	return s
}

// scenario is a named set of snapshots and the baseline spec written
// beside them.
type scenario struct {
	name     string
	baseline string // "host NAME", "majority" or "drift before"
	snaps    []*fleet.Snapshot
	before   []*fleet.Snapshot // written to before/ for drift
}

func scenarios() []scenario {
	legacy := goodHost("mail12", 12)
	legacy.Security.LegacyAlgorithms = []string{"diffie-hellman-group1-sha1", "aes128-cbc"}
	return []scenario{
		{name: "seed", baseline: "host mail01", snaps: []*fleet.Snapshot{
			goodHost("mail01", 1), goodHost("mail02", 2), seedBox("mail03", 3), shadowBox("mail04", 4),
			hangBox("mail05", 5), unreachableBox("mail06"), goodHost("mail07", 7),
		}},
		{name: "identical", baseline: "majority", snaps: []*fleet.Snapshot{
			goodHost("mx1", 1), goodHost("mx2", 2), goodHost("mx3", 3),
		}},
		{name: "majority", baseline: "majority", snaps: []*fleet.Snapshot{
			seedBox("gw1", 1), goodHost("gw2", 2), goodHost("gw3", 3), shadowBox("gw4", 4),
		}},
		{name: "drift", baseline: "drift before",
			before: []*fleet.Snapshot{goodHost("mail01", 1), goodHost("mail02", 2), goodHost("mail03", 3)},
			snaps:  []*fleet.Snapshot{goodHost("mail01", 1), hangBox("mail02", 2), seedBox("mail03", 3)},
		},
		{name: "access", baseline: "host mail01", snaps: []*fleet.Snapshot{
			goodHost("mail01", 1), failedProbesBox("mail08", 8),
			statusBox("mail09", fleet.HostKeyMismatch, "ssh: handshake failed: knownhosts: key mismatch"),
			statusBox("mail10", fleet.HostKeyUnknown, "ssh: handshake failed: knownhosts: key is unknown"),
			statusBox("mail11", fleet.HostAuthFailed, "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"),
			legacy,
		}},
	}
}

// TestScenarioFiles keeps testdata/scenarios/<name>/ in step with the
// builders above; -update rewrites them. Scenario directories not built
// here (captured from a lab) are left alone.
func TestScenarioFiles(t *testing.T) {
	for _, sc := range scenarios() {
		dir := filepath.Join("testdata", "scenarios", sc.name)
		files := map[string][]byte{"baseline": []byte(sc.baseline + "\n")}
		for sub, snaps := range map[string][]*fleet.Snapshot{"": sc.snaps, "before": sc.before} {
			for _, s := range snaps {
				b, err := json.MarshalIndent(s, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				files[filepath.Join(sub, s.Host+".json")] = append(b, '\n')
			}
		}
		if *update {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(dir, "before"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for name, want := range files {
			p := filepath.Join(dir, name)
			if *update {
				if err := os.WriteFile(p, want, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run go test -update to generate)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s is out of date with the scenario builders (run go test -update)", p)
			}
		}
	}
}
