package ticket

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Scenario reports are built with compare.Compare from constructed
// snapshots, so they follow the real rules.

var scenarioTime = time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)

// probeCommands are stand-ins for the probes' constant commands.
var probeCommands = map[string]string{
	"os":                  "LC_ALL=C; export LC_ALL; uname -a; uname -r; uname -m; hostname; cat /etc/redhat-release /etc/os-release 2>/dev/null",
	"mounts":              "LC_ALL=C; export LC_ALL; cat /proc/mounts; for d in /tmp /var/tmp /var/spool/MailScanner; do df -P \"$d\"; done",
	"perl":                "LC_ALL=C perl -V:version -V:archname -e 'print join(\"\\n\", @INC), \"\\n\"'",
	"perl_modules":        "LC_ALL=C; export LC_ALL; perl - <<'EOF'\nfor my $m (@ARGV) { eval \"require $m\"; print \"$m\\t\", ($@ ? \"fail\\t$@\" : \"ok\"), \"\\n\" }\nEOF",
	"mailscanner_version": "LC_ALL=C MailScanner -v",
	"mailscanner_lint":    "LC_ALL=C MailScanner --lint 2>&1",
	"processes":           "LC_ALL=C ps -eo pid,ppid,stat,etime,time,args",
}

func probes(status fleet.ProbeStatus) map[string]fleet.ProbeResult {
	m := map[string]fleet.ProbeResult{}
	for name, cmd := range probeCommands {
		m[name] = fleet.ProbeResult{Status: status, Command: cmd, DurationMS: 120, Sudo: name == "mailscanner_lint"}
	}
	return m
}

func rpm(pkg, version string) fleet.Owner {
	return fleet.Owner{Manager: "rpm", Package: pkg, Version: version, Packager: "MailScanner build"}
}

// goodHost is a healthy CentOS 5 MailScanner gateway.
func goodHost(name string, n int) *fleet.Snapshot {
	site := "/usr/lib/perl5/site_perl/5.8.8/"
	vendor := "/usr/lib/perl5/vendor_perl/5.8.8/"
	return &fleet.Snapshot{
		SchemaVersion: fleet.SchemaVersion, Host: name, Address: fmt.Sprintf("192.0.2.%d:22", 10+n%200),
		Status: fleet.HostOK, StartedAt: scenarioTime, Probes: probes(fleet.ProbeOK),
		Facts: fleet.Facts{
			OS: &fleet.OS{Hostname: name + ".example.com", Uname: "Linux " + name + " 2.6.18-398.el5", KernelRelease: "2.6.18-398.el5",
				Arch: "x86_64", Distro: "CentOS release 5.11 (Final)", ID: "centos", VersionID: "5.11", Family: "rhel",
				CPUs: 2, MemTotalKB: 2048000, UptimeSeconds: 86400, Load: [3]float64{0.2, 0.2, 0.1}},
			Mounts: &fleet.Mounts{Paths: []fleet.PathMount{
				{Path: "/tmp", Exists: true, MountPoint: "/", Device: "/dev/md0", Type: "ext3", Options: []string{"rw"}, Source: "default"},
				{Path: "/var/spool/MailScanner", Exists: true, MountPoint: "/var", Device: "/dev/md1", Type: "ext3", Options: []string{"rw"}, Source: "default"},
			}},
			MailScanner: &fleet.MailScanner{Path: "/usr/sbin/MailScanner", Version: "4.84.6", Product: "MailScanner",
				Modules:  []fleet.ModuleVersion{{Name: "Archive::Zip", Version: "1.30"}, {Name: "Mail::SpamAssassin", Version: "3.002004"}},
				Optional: []fleet.ModuleVersion{{Name: "Mail::ClamAV", Version: "0.22"}}},
			Lint: &fleet.Lint{SpamAssassin: "ok", Infections: 2, Raw: "Read 868 hostnames from the phishing whitelist\nMailScanner.conf says \"Virus Scanners = clamav\""},
			Perl: &fleet.Perl{Path: "/usr/bin/perl", Version: "5.8.8", Archname: "x86_64-linux-thread-multi",
				INC: []string{"/usr/lib/MailScanner", site, vendor, "/usr/lib/perl5/5.8.8"}},
			PerlModules: &fleet.PerlModules{Modules: []fleet.PerlModule{
				{Name: "Archive::Zip", Source: "list", Loads: true, LoadedPath: vendor + "Archive/Zip.pm",
					Copies: []fleet.ModuleCopy{{Path: vendor + "Archive/Zip.pm", IncDir: vendor, Version: "1.30", Owner: fleet.Owner{Manager: "rpm", Package: "perl-Archive-Zip", Version: "1.30-1.el5", Vendor: "CentOS"}}}},
				{Name: "Mail::ClamAV", Source: "list", Loads: true, LoadedPath: site + "Mail/ClamAV.pm",
					Copies: []fleet.ModuleCopy{{Path: site + "x86_64-linux-thread-multi/Mail/ClamAV.pm", IncDir: site, Version: "0.22", Owner: rpm("perl-Mail-ClamAV", "0.22-1")}}},
				{Name: "Mail::SpamAssassin", Source: "list", Loads: true, LoadedPath: site + "Mail/SpamAssassin.pm",
					Copies: []fleet.ModuleCopy{{Path: site + "Mail/SpamAssassin.pm", IncDir: site, Version: "3.002004", Owner: rpm("perl-Mail-SpamAssassin", "3.2.4-1")}}},
			}},
			Processes: &fleet.Processes{Master: []fleet.Process{{PID: 2100 + n, PPID: 1, Stat: "Ss", ElapsedSec: 86000, CPUSec: 2, Args: "MailScanner: master waiting for children, sleeping"}},
				Children: []fleet.Process{{PID: 2200 + n, PPID: 2100 + n, Stat: "S", ElapsedSec: 3000, CPUSec: 4, Args: "MailScanner: waiting for messages"}}, MaxChildren: 5},
			Config: &fleet.MailScannerConfig{Path: "/etc/MailScanner/MailScanner.conf", Files: []string{"/etc/MailScanner/MailScanner.conf"},
				Values: map[string]fleet.ConfigValue{
					"maxchildren":   {Key: "Max Children", Value: "5", File: "/etc/MailScanner/MailScanner.conf", Line: 63},
					"virusscanners": {Key: "Virus Scanners", Value: "clamav", File: "/etc/MailScanner/MailScanner.conf", Line: 540},
				}},
		},
	}
}

// seedHost is the seed's box: /tmp noexec, Mail::SpamAssassin fails to
// load, Mail::ClamAV missing.
func seedHost(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	tmp := &s.Facts.Mounts.Paths[0]
	tmp.MountPoint, tmp.Device, tmp.Type, tmp.Options, tmp.NoExec, tmp.NoSuid = "/tmp", "/dev/md2", "ext3", []string{"rw", "noexec", "nosuid"}, true, true
	mods := s.Facts.PerlModules.Modules
	mods[1] = fleet.PerlModule{Name: "Mail::ClamAV", Source: "list", Loads: false, Copies: []fleet.ModuleCopy{},
		LoadError: "Can't locate Mail/ClamAV.pm in @INC (@INC contains: /usr/lib/MailScanner /usr/lib/perl5/site_perl/5.8.8) at -e line 1.\nBEGIN failed--compilation aborted at -e line 1."}
	mods[2].Loads = false
	mods[2].LoadedPath = ""
	mods[2].LoadError = "Can't locate Mail/SpamAssassin/Conf.pm in @INC at /usr/lib/perl5/site_perl/5.8.8/Mail/SpamAssassin.pm line 71."
	s.Facts.MailScanner.Modules[1].Version, s.Facts.MailScanner.Modules[1].Missing = "missing", true
	s.Facts.MailScanner.Optional[0].Version, s.Facts.MailScanner.Optional[0].Missing = "missing", true
	return s
}

// shadowHost loads a CPAN copy of Archive::Zip ahead of the RPM one.
func shadowHost(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	site := "/usr/lib/perl5/site_perl/5.8.8/"
	m := &s.Facts.PerlModules.Modules[0]
	m.LoadedPath = site + "Archive/Zip.pm"
	m.Copies = append([]fleet.ModuleCopy{{Path: site + "Archive/Zip.pm", IncDir: site, Version: "1.16"}}, m.Copies...)
	s.Facts.PerlModules.CPANLog = []fleet.CPANInstall{{Module: "Archive::Zip", Version: "1.16", Date: "Mon Jan 28 02:14:07 2008", Dir: site}}
	s.Facts.MailScanner.Modules[0].Version = "1.16"
	return s
}

// hangHost's MailScanner --lint never finishes.
func hangHost(name string, n int) *fleet.Snapshot {
	s := goodHost(name, n)
	s.Status = fleet.HostPartial
	r := s.Probes["mailscanner_lint"]
	r.Status, r.DurationMS, r.Error = fleet.ProbeTimeout, 60000, "killed after 60s: no output"
	s.Probes["mailscanner_lint"] = r
	s.Facts.Lint = &fleet.Lint{TimedOut: true, Infections: -1}
	s.Facts.Processes.Children = []fleet.Process{{PID: 3121, PPID: s.Facts.Processes.Master[0].PID, Stat: "R", ElapsedSec: 3900, CPUSec: 3600, Args: "MailScanner: starting child"}}
	return s
}

func unreachableHost(name string, n int) *fleet.Snapshot {
	return &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: name, Address: fmt.Sprintf("192.0.2.%d:22", 10+n), Status: fleet.HostUnreachable,
		StartedAt: scenarioTime, Error: fmt.Sprintf("dial tcp 192.0.2.%d:22: connect: connection refused", 10+n)}
}

// scenario returns a named scenario's report and snapshots.
func scenario(t testing.TB, name string) (*compare.Report, []*fleet.Snapshot) {
	t.Helper()
	var snaps []*fleet.Snapshot
	switch name {
	case "seed":
		snaps = []*fleet.Snapshot{goodHost("mail01", 1), goodHost("mail02", 2), seedHost("mail03", 3),
			shadowHost("mail04", 4), hangHost("mail05", 5), unreachableHost("mail06", 6), goodHost("mail07", 7)}
	case "clean":
		snaps = []*fleet.Snapshot{goodHost("mail1", 1), goodHost("mail2", 2), goodHost("mail3", 3)}
	case "fleet500":
		// 490 identical hosts and 10 that each differ in their own way,
		// with a probe command as long as the real perl_modules script.
		long := strings.Repeat("# a line of the perl_modules probe script, as long as the real one\n", 120)
		for i := 1; i <= 500; i++ {
			name := fmt.Sprintf("mail%03d", i)
			var s *fleet.Snapshot
			switch {
			case i <= 490:
				s = goodHost(name, i)
			case i%4 == 0:
				s = seedHost(name, i)
			case i%4 == 1:
				s = shadowHost(name, i)
			case i%4 == 2:
				s = hangHost(name, i)
			default:
				s = unreachableHost(name, i)
			}
			if s.Facts.Config != nil && i > 490 {
				s.Facts.Config.Values["maxchildren"] = fleet.ConfigValue{Key: "Max Children", Value: fmt.Sprint(i - 480)}
			}
			if r, ok := s.Probes["perl_modules"]; ok {
				r.Command = long
				s.Probes["perl_modules"] = r
			}
			snaps = append(snaps, s)
		}
	case "injection":
		base := goodHost("mail1", 1)
		base.Facts.Custom = map[string]*fleet.Custom{"banner": {Command: "cat /etc/issue", Lines: []string{"Welcome"}}}
		base.Probes["banner"] = fleet.ProbeResult{Status: fleet.ProbeOK, Command: "cat /etc/issue # <script>alert(2)</script>"}
		snaps = []*fleet.Snapshot{base, injectionHost("mail2", 2)}
	default:
		t.Fatalf("unknown scenario %q", name)
	}
	rep, err := compare.Compare(snaps, compare.Baseline{Host: snaps[0].Host}, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatalf("compare.Compare(%s): %v", name, err)
	}
	return rep, snaps
}
