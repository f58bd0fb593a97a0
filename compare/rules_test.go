package compare

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// run compares host against base (as the baseline host) and returns the
// host's report.
func run(t *testing.T, base, host *fleet.Snapshot, opt Options) *HostReport {
	t.Helper()
	opt.Now = scenarioTime
	r, err := Compare([]*fleet.Snapshot{base, host}, Baseline{Kind: BaselineHost, Host: base.Host}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &r.Hosts[1]
}

func causesOf(h *HostReport, rule string) []Cause {
	var out []Cause
	for _, c := range h.Causes {
		if c.Rule == rule {
			out = append(out, c)
		}
	}
	return out
}

func rulesOf(h *HostReport) []string {
	var out []string
	for _, c := range h.Causes {
		out = append(out, c.Rule+"/"+string(c.Severity))
	}
	return out
}

func TestRules(t *testing.T) {
	good := func() *fleet.Snapshot { return goodHost("base", 1) }
	tests := []struct {
		name string
		base func() *fleet.Snapshot
		host func() *fleet.Snapshot
		rule string
		// want is the severity of each cause of rule, in order; empty
		// means the rule must not fire.
		want []Severity
		// evidence must appear in the first cause's evidence or summary.
		evidence string
		// covers must be among the first cause's findings.
		covers string
	}{
		{name: "tmp noexec with damaged modules is critical", base: good, host: func() *fleet.Snapshot { return seedBox("h", 2) },
			rule: "tmp-noexec", want: []Severity{Critical}, evidence: "Mail::SpamAssassin", covers: "mounts./tmp.noexec"},
		{name: "tmp noexec alone is a warning", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Mounts.Paths[0] = pathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec")
			return s
		}, rule: "tmp-noexec", want: []Severity{Warning}, evidence: "remount,exec", covers: "mounts./tmp.noexec"},
		{name: "noexec incoming work dir", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Mounts.Paths[2] = pathMountOn("/var/spool/MailScanner/incoming", "incomingworkdir", "/var/spool/MailScanner/incoming", "tmpfs", "rw", "noexec")
			return s
		}, rule: "tmp-noexec", want: []Severity{Warning}, covers: "mounts./var/spool/MailScanner/incoming.noexec"},
		{name: "noexec on both sides is no cause", base: func() *fleet.Snapshot {
			s := goodHost("base", 1)
			s.Facts.Mounts.Paths[0] = pathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec")
			return s
		}, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Mounts.Paths[0] = pathMountOn("/tmp", "default", "/tmp", "/dev/md2", "rw", "noexec")
			return s
		}, rule: "tmp-noexec"},
		{name: "SpamAssassin that fails to load is critical", base: good, host: func() *fleet.Snapshot { return seedBox("h", 2) },
			rule: "perl-module-missing", want: []Severity{Critical, Critical}},
		{name: "load error is named", base: good, host: func() *fleet.Snapshot { return seedBox("h", 2) },
			rule: "perl-module-missing", want: []Severity{Critical, Critical}, evidence: "does not match bootstrap parameter"},
		{name: "the module a load error blames is part of the cause", base: good, host: func() *fleet.Snapshot { return seedBox("h", 2) },
			rule: "perl-module-missing", want: []Severity{Critical, Critical},
			evidence: "Mail::SpamAssassin fails because Digest::SHA1 is half-installed (.so 2.10, .pm 2.11)"},
		{name: "module not in the required list is a warning", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			setModule(s, fleet.PerlModule{Name: "Net::DNS", LoadError: "Can't locate Net/DNS.pm in @INC", Copies: []fleet.ModuleCopy{}})
			return s
		}, rule: "perl-module-missing", want: []Severity{Warning}, evidence: "Can't locate Net/DNS.pm", covers: "perl_modules.Net::DNS.loads"},
		{name: "MailScanner -v prints missing for a module that loads", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			setMSModule(s, "Net::DNS", "missing")
			return s
		}, rule: "perl-module-missing"},
		{name: "module broken on the baseline too is no cause", base: func() *fleet.Snapshot { return seedBox("base", 1) },
			host: func() *fleet.Snapshot { return seedBox("h", 2) }, rule: "perl-module-missing"},
		{name: "failed probe is probe-failed", base: good, host: func() *fleet.Snapshot { return failedProbesBox("h", 2) },
			rule: "probe-failed", want: []Severity{Warning}, evidence: "libperl.so", covers: "perl_modules"},
		{name: "failed probe is not perl-module-missing", base: good, host: func() *fleet.Snapshot { return failedProbesBox("h", 2) },
			rule: "perl-module-missing"},
		{name: "baseline probe failed", base: func() *fleet.Snapshot { return failedProbesBox("base", 1) }, host: good,
			rule: "probe-failed", want: []Severity{Info}, covers: "perl_modules"},
		{name: "sudo denied", base: good, host: func() *fleet.Snapshot { return failedProbesBox("h", 2) },
			rule: "sudo-denied", want: []Severity{Warning}, evidence: "password is required", covers: "mailscanner_config"},
		{name: "probe timeout", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Probes[fleet.ProbePackages] = fleet.ProbeResult{Status: fleet.ProbeTimeout, Error: "timed out after 1m0s"}
			s.Facts.Packages = nil
			return s
		}, rule: "probe-timeout", want: []Severity{Warning}, covers: "packages"},
		{name: "lint timeout is the hang, not probe-timeout", base: good, host: func() *fleet.Snapshot { return hangBox("h", 2) },
			rule: "probe-timeout"},
		{name: "CPAN copy shadows the RPM", base: good, host: func() *fleet.Snapshot { return shadowBox("h", 2) },
			rule: "perl-module-shadowed", want: []Severity{Warning}, evidence: "vendor_perl/5.8.8/x86_64-linux-thread-multi/Net/DNS.pm 0.59", covers: "perl_modules.Net::DNS.owner"},
		{name: "module listed for its duplicates only here", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			m := loads("Digest::MD5",
				modCopy(incSiteArch, "Digest::MD5", "2.36", fleet.Owner{}),
				modCopy(incArch, "Digest::MD5", "2.36", centosRPM("perl", "5.8.8-41.el5")))
			m.Source = "duplicate"
			setModule(s, m)
			return s
		}, rule: "perl-module-shadowed", want: []Severity{Warning}, covers: "perl_modules.Digest::MD5.copies"},
		{name: "loaded path decides which copy is shadowed", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			m := loads("Net::DNS",
				modCopy(incSiteArch, "Net::DNS", "0.63", fleet.Owner{}),
				modCopy(incVendorArch, "Net::DNS", "0.59", centosRPM("perl-Net-DNS", "0.59-3.el5")))
			m.LoadedPath = m.Copies[1].Path
			setModule(s, m)
			return s
		}, rule: "perl-module-shadowed"},
		{name: "shadowing on the baseline only", base: func() *fleet.Snapshot { return shadowBox("base", 1) }, host: good,
			rule: "perl-module-shadowed", want: []Severity{Info}, evidence: "baseline loads"},
		{name: "module source", base: good, host: func() *fleet.Snapshot { return shadowBox("h", 2) },
			rule: "perl-module-source", want: []Severity{Warning}, evidence: "built by MailScanner's installer", covers: "perl_modules.Archive::Zip.owner"},
		{name: "older module", base: good, host: func() *fleet.Snapshot { return shadowBox("h", 2) },
			rule: "perl-module-version", want: []Severity{Warning}, evidence: "MIME::Tools 5.420 (baseline 5.425): older"},
		{name: "module below MailScanner's minimum", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			setModule(s, loads("MIME::Tools", modCopy(incSite, "MIME::Tools", "5.411", msRPM("perl-MIME-tools", "5.411-1"))))
			return s
		}, rule: "perl-module-version", want: []Severity{Critical}, evidence: "needs at least 5.412"},
		{name: "newer module is info", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			setModule(s, loads("Archive::Zip", modCopy(incSite, "Archive::Zip", "1.30", msRPM("perl-Archive-Zip", "1.30-1"))))
			return s
		}, rule: "perl-module-version", want: []Severity{Info}, evidence: "newer"},
		{name: "decimal and dotted versions are equal", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			setModule(s, loads("Mail::SpamAssassin", modCopy(incSite, "Mail::SpamAssassin", "3.2.4", fleet.Owner{})))
			return s
		}, rule: "perl-module-version"},
		{name: "perl version", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Perl.Version = "5.8.5"
			return s
		}, rule: "perl-version", want: []Severity{Warning}, evidence: "older"},
		{name: "mailscanner version", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.MailScanner.Version = "4.84.3"
			return s
		}, rule: "mailscanner-version", want: []Severity{Warning}, evidence: "MailScanner 4.84.3 here, 4.66.5 on the baseline (newer)"},
		{name: "new lint error", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Lint.Errors = []fleet.LintMessage{{Text: `Error in configuration file line 160, directory /var/spool/MailScanner/incoming for incomingworkdir does not exist (or is not readable)`}}
			return s
		}, rule: "mailscanner-lint", want: []Severity{Critical}, evidence: "does not exist"},
		{name: "lint error only on the baseline", base: func() *fleet.Snapshot {
			s := goodHost("base", 1)
			s.Facts.Lint.Errors = []fleet.LintMessage{{Text: "Unrar is not installed"}}
			return s
		}, host: good, rule: "mailscanner-lint"},
		{name: "lint warnings ignore SpamAssassin timestamps", base: func() *fleet.Snapshot {
			s := goodHost("base", 1)
			s.Facts.Lint.Warnings = []fleet.LintMessage{{Text: "Nov 12 17:49:33.123 [1234] warn: config: failed to parse line"}}
			return s
		}, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Lint.Warnings = []fleet.LintMessage{{Text: "Nov 12 18:02:01.456 [8812] warn: config: failed to parse line"}}
			return s
		}, rule: "mailscanner-lint"},
		{name: "hang", base: good, host: func() *fleet.Snapshot { return hangBox("h", 2) },
			rule: "mailscanner-hang", want: []Severity{Critical}, evidence: "Max Children = 2 (baseline 5)", covers: "mailscanner_lint"},
		{name: "hang on both sides is no cause", base: func() *fleet.Snapshot { return hangBox("base", 1) },
			host: func() *fleet.Snapshot { return hangBox("h", 2) }, rule: "mailscanner-hang"},
		{name: "config drift of a key setting", base: good, host: func() *fleet.Snapshot { return hangBox("h", 2) },
			rule: "config-drift", want: []Severity{Warning}, evidence: "Max Children = 2 (baseline 5) at /etc/MailScanner/MailScanner.conf:75"},
		{name: "config drift of another setting is info", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Config.Values["highscoringspamactions"] = cfg("High Scoring Spam Actions", 1500, "delete")
			return s
		}, rule: "config-drift", want: []Severity{Info}, covers: "mailscanner_config.highscoringspamactions"},
		{name: "yes and 1 are the same setting", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Config.Values["usespamassassin"] = cfg("Use SpamAssassin", 1702, "1")
			return s
		}, rule: "config-drift"},
		{name: "secrets compare by fingerprint only", base: func() *fleet.Snapshot {
			s := goodHost("base", 1)
			s.Facts.Config.Values["mailwatchsqlpassword"] = fleet.ConfigValue{Key: "MailWatch SQL Password", Value: "sha256:1f2e", Secret: true}
			return s
		}, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Config.Values["mailwatchsqlpassword"] = fleet.ConfigValue{Key: "MailWatch SQL Password", Value: "sha256:9a8b", Secret: true}
			return s
		}, rule: "config-drift", want: []Severity{Info}, evidence: "compared by fingerprint only"},
		{name: "high load while the baseline idles", base: good, host: func() *fleet.Snapshot { return hangBox("h", 2) },
			rule: "high-load", want: []Severity{Warning}, evidence: "load 3.42"},
		{name: "busy baseline: no high load", base: func() *fleet.Snapshot { return hangBox("base", 1) },
			host: func() *fleet.Snapshot { return hangBox("h", 2) }, rule: "high-load"},
		{name: "package missing", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Facts.Packages.Packages = slices.DeleteFunc(s.Facts.Packages.Packages, func(p fleet.Package) bool { return p.Name == "perl-Net-DNS" })
			return s
		}, rule: "package-version", want: []Severity{Warning}, evidence: "perl-Net-DNS not installed (baseline 0.59-3.el5)", covers: "packages.perl-Net-DNS"},
		{name: "same RPM version with epoch 0", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			for i := range s.Facts.Packages.Packages {
				if s.Facts.Packages.Packages[i].Name == "tnef" {
					s.Facts.Packages.Packages[i].Epoch = "0"
				}
			}
			return s
		}, rule: "package-version"},
		{name: "custom probe line diff", base: good, host: func() *fleet.Snapshot { return shadowBox("h", 2) },
			rule: "custom-probe", want: []Severity{Warning}, evidence: "+ Version 8.14.4", covers: "custom.sendmail_version"},
		{name: "unreachable", base: good, host: func() *fleet.Snapshot { return unreachableBox("h") },
			rule: "host-unreachable", want: []Severity{Critical}, evidence: "no route to host"},
		{name: "host key mismatch", base: good, host: func() *fleet.Snapshot { return statusBox("h", fleet.HostKeyMismatch, "key mismatch") },
			rule: "hostkey-mismatch", want: []Severity{Critical}, evidence: "SHA256:"},
		{name: "host key unknown", base: good, host: func() *fleet.Snapshot { return statusBox("h", fleet.HostKeyUnknown, "key is unknown") },
			rule: "hostkey-mismatch", want: []Severity{Warning}, evidence: "SHA256:"},
		{name: "auth failed", base: good, host: func() *fleet.Snapshot { return statusBox("h", fleet.HostAuthFailed, "unable to authenticate") },
			rule: "auth-failed", want: []Severity{Critical}, evidence: "unable to authenticate"},
		{name: "insecure host key", base: good, host: func() *fleet.Snapshot {
			s := goodHost("h", 2)
			s.Security.InsecureHostKey = true
			return s
		}, rule: "insecure-transport", want: []Severity{Warning}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := run(t, tt.base(), tt.host(), Options{})
			got := causesOf(h, tt.rule)
			var sev []Severity
			for _, c := range got {
				sev = append(sev, c.Severity)
			}
			slices.SortFunc(sev, func(a, b Severity) int { return b.Rank() - a.Rank() })
			if !slices.Equal(sev, tt.want) {
				t.Fatalf("%s causes: got severities %v, want %v (all causes: %v)", tt.rule, sev, tt.want, rulesOf(h))
			}
			if len(got) == 0 {
				return
			}
			if tt.evidence != "" {
				found := false
				for _, c := range got {
					text := c.Summary + "\n" + strings.Join(c.Evidence, "\n") + "\n" + c.Fix
					found = found || strings.Contains(text, tt.evidence)
				}
				if !found {
					t.Errorf("no %s cause mentions %q: %+v", tt.rule, tt.evidence, got)
				}
			}
			if tt.covers != "" && !slices.Contains(got[0].Findings, tt.covers) {
				t.Errorf("%s covers %v, want %q among them", tt.rule, got[0].Findings, tt.covers)
			}
		})
	}
}

func TestIdenticalHostsHaveNoCauses(t *testing.T) {
	h := run(t, goodHost("a", 1), goodHost("b", 7), Options{})
	if len(h.Causes) != 0 || len(h.Findings) != 0 || len(h.Unexplained) != 0 {
		t.Fatalf("identical hosts: causes %v, findings %+v", rulesOf(h), h.Findings)
	}
}

func TestUnknownIsNeverMissing(t *testing.T) {
	h := run(t, goodHost("a", 1), failedProbesBox("b", 2), Options{})
	for _, f := range h.Findings {
		if f.Probe == fleet.ProbePerlModules || f.Probe == fleet.ProbeMailScannerConfig {
			if f.Kind != Unknown || f.Fact != f.Probe {
				t.Errorf("finding %+v: want one unknown finding per failed probe", f)
			}
		}
	}
	if _, ok := h.Finding("perl_modules"); !ok {
		t.Errorf("no unknown finding for perl_modules: %+v", h.Findings)
	}
	if len(h.Unexplained) != 0 {
		t.Errorf("unexplained: %v", h.Unexplained)
	}
}

func TestDuplicateOnlyModuleIsNotExtra(t *testing.T) {
	s := goodHost("b", 2)
	m := loads("Digest::MD5",
		modCopy(incSiteArch, "Digest::MD5", "2.36", msRPM("perl-Digest-MD5", "2.36-3")),
		modCopy(incArch, "Digest::MD5", "2.36", centosRPM("perl", "5.8.8-41.el5")))
	m.Source = "duplicate"
	setModule(s, m)
	h := run(t, goodHost("a", 1), s, Options{})
	var facts []string
	for _, f := range h.Findings {
		facts = append(facts, f.Fact)
	}
	if !slices.Equal(facts, []string{"perl_modules.Digest::MD5.copies"}) {
		t.Errorf("findings %v, want only the copies count", facts)
	}
}

func TestSkippedProbeIsSilent(t *testing.T) {
	s := goodHost("b", 2)
	s.Probes[fleet.ProbePackages] = fleet.ProbeResult{Status: fleet.ProbeSkipped}
	s.Facts.Packages = nil
	h := run(t, goodHost("a", 1), s, Options{})
	if len(h.Findings) != 0 {
		t.Fatalf("skipped probe: findings %+v", h.Findings)
	}
}

func TestNoise(t *testing.T) {
	host := goodHost("b", 2)
	host.Facts.OS.UptimeSeconds = 60
	host.Facts.OS.Load = [3]float64{0.5, 0.4, 0.3}
	host.Facts.Processes.Master[0].PID = 99999
	*host.Facts.Mounts.Paths[1].FreeKB = *host.Facts.Mounts.Paths[1].FreeKB * 85 / 100 // within 20 %
	h := run(t, goodHost("a", 1), host, Options{})
	if len(h.Findings) != 0 {
		t.Fatalf("noise reported by default: %+v", h.Findings)
	}
	h = run(t, goodHost("a", 1), host, Options{All: true})
	var facts []string
	for _, f := range h.Findings {
		if !f.Noise {
			t.Errorf("finding %s with All is not marked noise", f.Fact)
		}
		facts = append(facts, f.Fact)
	}
	for _, want := range []string{"os.uptime_seconds", "os.load", "processes.master_pids", "mounts./var/tmp.free_kb", "os.hostname"} {
		if !slices.Contains(facts, want) {
			t.Errorf("with All, %s missing from %v", want, facts)
		}
	}
	if h.Differs() {
		t.Errorf("noise makes the host differ")
	}
	// Beyond 20 % free space is a finding.
	*host.Facts.Mounts.Paths[1].FreeKB = *host.Facts.Mounts.Paths[1].FreeKB / 2
	h = run(t, goodHost("a", 1), host, Options{})
	if _, ok := h.Finding("mounts./var/tmp.free_kb"); !ok {
		t.Errorf("free space halved: no finding in %+v", h.Findings)
	}
}

func TestRanking(t *testing.T) {
	order := map[string]int{}
	for i, r := range Rules() {
		order[r.ID] = i
	}
	for _, host := range []*fleet.Snapshot{seedBox("b", 2), hangBox("c", 3)} {
		h := run(t, goodHost("a", 1), host, Options{})
		for i := 1; i < len(h.Causes); i++ {
			a, b := h.Causes[i-1], h.Causes[i]
			if a.Severity.Rank() > b.Severity.Rank() ||
				(a.Severity == b.Severity && order[a.Rule] > order[b.Rule]) ||
				(a.Severity == b.Severity && a.Rule == b.Rule && len(a.Findings) < len(b.Findings)) {
				t.Errorf("%s: cause %d (%s %s, %d findings) ranked before %s %s with %d", host.Host, i-1, a.Severity, a.Rule, len(a.Findings), b.Severity, b.Rule, len(b.Findings))
			}
		}
	}
	if top, _ := run(t, goodHost("a", 1), seedBox("b", 2), Options{}).Top(); top.Rule != "tmp-noexec" {
		t.Errorf("top cause of the seed box = %s, want tmp-noexec", top.Rule)
	}
	// The hang is the symptom the admin sees: it leads even when a module
	// cause covers more findings.
	hang := hangBox("c", 3)
	setModule(hang, fleet.PerlModule{Name: "Archive::Zip", LoadError: "Can't locate Archive/Zip.pm in @INC", Copies: []fleet.ModuleCopy{}})
	setMSModule(hang, "Archive::Zip", "missing")
	h := run(t, goodHost("a", 1), hang, Options{})
	if c := causesOf(h, "perl-module-missing"); len(c) != 1 || c[0].Severity != Critical || len(c[0].Findings) <= len(causesOf(h, "mailscanner-hang")[0].Findings) {
		t.Fatalf("want a critical module cause with more findings than the hang: %+v", h.Causes)
	}
	if top, _ := h.Top(); top.Rule != "mailscanner-hang" {
		t.Errorf("top cause of a hanging box = %s, want mailscanner-hang (causes %v)", top.Rule, rulesOf(h))
	}
}

func TestMajorityTieLowestName(t *testing.T) {
	a, b := goodHost("b-host", 1), goodHost("a-host", 2)
	b.Facts.Config.Values["maxchildren"] = cfg("Max Children", 75, "3")
	r, err := Compare([]*fleet.Snapshot{a, b}, Baseline{}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if r.Baseline.Kind != BaselineMajority || r.Baseline.Representative != "a-host" {
		t.Fatalf("baseline %+v, want majority represented by a-host", r.Baseline)
	}
	// The tie goes to a-host's value: b-host differs.
	if f, ok := r.Hosts[0].Finding("mailscanner_config.maxchildren"); !ok || f.Baseline != "3" || f.Value != "5" {
		t.Errorf("b-host finding %+v, want baseline 3 (a-host's) and value 5", f)
	}
	if len(r.Hosts[1].Findings) != 0 {
		t.Errorf("a-host findings %+v, want none", r.Hosts[1].Findings)
	}

	// Three hosts: the majority wins even against the lowest name.
	c := goodHost("c-host", 3)
	r, err = Compare([]*fleet.Snapshot{a, b, c}, Baseline{}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := r.Hosts[1].Finding("mailscanner_config.maxchildren"); !ok || f.Baseline != "5" {
		t.Errorf("a-host finding %+v, want baseline 5 (majority)", f)
	}
	if r.ExitCode() != ExitDifferences {
		t.Errorf("exit code %d, want 1", r.ExitCode())
	}
}

func TestMajorityAbsentWins(t *testing.T) {
	a, b, c := goodHost("a", 1), goodHost("b", 2), goodHost("c", 3)
	c.Facts.Config.Values["extrasetting"] = cfg("Extra Setting", 9, "1")
	r, err := Compare([]*fleet.Snapshot{a, b, c}, Baseline{Kind: BaselineMajority}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := r.Hosts[2].Finding("mailscanner_config.extrasetting"); !ok || f.Kind != Extra {
		t.Errorf("c finding %+v, want extra", f)
	}
}

func TestBaselineErrors(t *testing.T) {
	snaps := []*fleet.Snapshot{goodHost("a", 1), unreachableBox("b")}
	for _, name := range []string{"b", "nosuch"} {
		_, err := Compare(snaps, Baseline{Host: name}, Options{})
		var be *BaselineError
		if !errors.As(err, &be) || be.Host != name {
			t.Errorf("baseline %s: err %v, want *BaselineError", name, err)
		}
	}
	_, err := Compare(snaps, Baseline{Snapshot: unreachableBox("golden")}, Options{})
	var be *BaselineError
	if !errors.As(err, &be) {
		t.Errorf("unassessed file baseline: err %v, want *BaselineError", err)
	}
}

func TestFileBaseline(t *testing.T) {
	golden := goodHost("golden", 1)
	r, err := Compare([]*fleet.Snapshot{goodHost("a", 2), seedBox("b", 3)}, Baseline{Snapshot: golden, Source: "golden.json"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if r.Baseline.Kind != BaselineFile || r.Baseline.Host != "golden" || r.Baseline.Source != "golden.json" {
		t.Errorf("baseline %+v", r.Baseline)
	}
	if len(r.Hosts[0].Findings) != 0 || len(r.Hosts[1].Causes) == 0 {
		t.Errorf("a findings %d, b causes %d", len(r.Hosts[0].Findings), len(r.Hosts[1].Causes))
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name  string
		snaps []*fleet.Snapshot
		want  int
	}{
		{"identical", []*fleet.Snapshot{goodHost("a", 1), goodHost("b", 2)}, ExitOK},
		{"differences", []*fleet.Snapshot{goodHost("a", 1), seedBox("b", 2)}, ExitDifferences},
		{"not assessed wins", []*fleet.Snapshot{goodHost("a", 1), seedBox("b", 2), unreachableBox("c")}, ExitNotAssessed},
		{"info only", []*fleet.Snapshot{goodHost("a", 1), func() *fleet.Snapshot {
			s := goodHost("b", 2)
			s.Security.LegacyAlgorithms = []string{"aes128-cbc"}
			return s
		}()}, ExitOK},
	}
	for _, tt := range tests {
		r, err := Compare(tt.snaps, Baseline{Host: "a"}, Options{Now: scenarioTime})
		if err != nil {
			t.Fatal(err)
		}
		if got := r.ExitCode(); got != tt.want || r.Exit != tt.want {
			t.Errorf("%s: ExitCode() = %d (field %d), want %d", tt.name, got, r.Exit, tt.want)
		}
	}
}

func TestInputOrderAndDeterminism(t *testing.T) {
	snaps := []*fleet.Snapshot{seedBox("z", 1), goodHost("a", 2), shadowBox("m", 3)}
	r1, err := Compare(snaps, Baseline{Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"z", "a", "m"} {
		if r1.Hosts[i].Host != want {
			t.Errorf("host %d = %s, want %s", i, r1.Hosts[i].Host, want)
		}
	}
	for range 5 {
		r2, _ := Compare(snaps, Baseline{Host: "a"}, Options{Now: scenarioTime})
		for i := range r1.Hosts {
			if !slices.EqualFunc(r1.Hosts[i].Causes, r2.Hosts[i].Causes, func(a, b Cause) bool {
				return a.Rule == b.Rule && a.Summary == b.Summary && slices.Equal(a.Evidence, b.Evidence) && slices.Equal(a.Findings, b.Findings)
			}) {
				t.Fatalf("host %s: causes differ between runs", r1.Hosts[i].Host)
			}
		}
	}
}

func TestDrift(t *testing.T) {
	before := []*fleet.Snapshot{goodHost("a", 1), goodHost("b", 2), goodHost("d", 4)}
	after := []*fleet.Snapshot{seedBox("a", 1), goodHost("b", 2), unreachableBox("c")}
	r, err := Drift(before, after, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range r.Hosts {
		top := "-"
		if c, ok := h.Top(); ok {
			top = c.Rule
		}
		got = append(got, h.Host+":"+string(h.Status)+":"+top)
	}
	want := []string{"a:ok:tmp-noexec", "b:ok:-", "c:unreachable:host-unreachable", "d:not-collected:-"}
	if !slices.Equal(got, want) {
		t.Errorf("drift hosts %v, want %v", got, want)
	}
	if r.Baseline.Kind != BaselineDrift || r.ExitCode() != ExitNotAssessed {
		t.Errorf("kind %s exit %d", r.Baseline.Kind, r.ExitCode())
	}
}
