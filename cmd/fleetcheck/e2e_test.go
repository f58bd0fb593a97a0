package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// The end-to-end tests run the real fleetcheck binary against a lab of real
// OpenSSH hosts (package remote/lab). They need root; elsewhere they skip
// with one line, except under CI=true, where they must run.

var e2e struct {
	once   sync.Once
	lab    *lab.Lab
	bin    string
	dir    string
	err    error
	reason string
}

// mainInTestEnv, set to 1, makes the test binary run fleetcheck's main
// with its arguments: tests that need a real process (signals) use it.
const mainInTestEnv = "FLEETCHECK_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainInTestEnv) == "1" {
		main()
	}
	if spec := os.Getenv(scaleFleetEnv); spec != "" {
		serveScaleFleet(spec)
	}
	code := m.Run()
	if e2e.lab != nil {
		if err := e2e.lab.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "lab stop:", err)
		}
	}
	if e2e.dir != "" {
		os.RemoveAll(e2e.dir)
	}
	os.Exit(code)
}

// needLab starts the shared lab (one host of each profile, plus a second
// good, lint-dies on 5.5.3 and no-mailscanner host) and builds the binary,
// once.
func needLab(t *testing.T) (*lab.Lab, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end lab: skipped with -short")
	}
	e2e.once.Do(func() {
		if err := lab.Available(); err != nil {
			e2e.reason = err.Error()
			return
		}
		// Lab state must live outside /tmp: every lab host mounts its own /tmp.
		dir, err := os.MkdirTemp("/var/tmp", "fleetcheck-e2e-")
		if err != nil {
			e2e.err = err
			return
		}
		e2e.dir = dir
		e2e.bin = filepath.Join(dir, "fleetcheck")
		if out, err := exec.Command("go", "build", "-o", e2e.bin, ".").CombinedOutput(); err != nil {
			e2e.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		// One of each profile (MailScanner 4.84.3), a copy of good, a lint
		// that dies on MailScanner 5.5.3 (the lab runs both releases) and a
		// second host without MailScanner.
		profiles := append(lab.Profiles(), lab.ProfileGood, lab.ProfileLintDies+":"+lab.FlavourV5, lab.ProfileNoMailScanner)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		e2e.lab, e2e.err = lab.Start(ctx, lab.Config{Dir: filepath.Join(dir, "lab"), Profiles: profiles, EndWithCaller: true})
	})
	if e2e.reason != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("end-to-end lab required under CI=true: %s", e2e.reason)
		}
		t.Skipf("end-to-end lab unavailable: %s", e2e.reason)
	}
	if e2e.err != nil {
		t.Fatalf("end-to-end lab: %v", e2e.err)
	}
	return e2e.lab, e2e.bin
}

// fleetcheck runs the binary and returns its exit code, stdout and stderr.
func fleetcheck(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	return fleetcheckEnv(t, bin, nil, args...)
}

// fleetcheckEnv is fleetcheck with more environment variables.
func fleetcheckEnv(t *testing.T, bin string, vars []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "SSH_AUTH_SOCK="), vars...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("fleetcheck %v: %v", args, err)
	}
	return code, out.String(), errb.String()
}

func TestE2ECollect(t *testing.T) {
	l, bin := needLab(t)
	store := t.TempDir()
	code, out, stderr := fleetcheckEnv(t, bin, []string{"COLUMNS=80"}, "collect", "-i", l.Inventory, "--store", store)
	checkWidth(t, out, 80)
	if code != exitUnassessed {
		t.Errorf("collect exit %d, want %d (down, tarpit and badkey cannot be assessed)\n%s\n%s", code, exitUnassessed, out, stderr)
	}
	rec, snaps := latestRun(t, store)
	if len(snaps) != len(l.Hosts) || rec.State != fleet.RunStateComplete {
		t.Fatalf("run has %d hosts in state %s, want %d complete", len(snaps), rec.State, len(l.Hosts))
	}
	want := map[string]fleet.HostStatus{
		lab.ProfileDown:   fleet.HostUnreachable,
		lab.ProfileTarpit: fleet.HostUnreachable,
		lab.ProfileBadKey: fleet.HostKeyMismatch,
	}
	for i, s := range snaps {
		profile := l.Hosts[i].Profile
		w, special := want[profile]
		switch {
		case special && s.Status != w:
			t.Errorf("%s: status %s (%s), want %s", s.Host, s.Status, s.Error, w)
		case !special && !s.Status.Assessed():
			t.Errorf("%s: status %s (%s), want assessed", s.Host, s.Status, s.Error)
		}
	}
	for _, s := range snaps {
		switch s.Host {
		case lab.ProfileLegacy:
			if len(s.Security.LegacyAlgorithms) == 0 {
				t.Errorf("legacy host connected without reporting legacy algorithms")
			}
		case lab.ProfileSudoPassword:
			if st := s.Probes["mailscanner_lint"].Status; st != fleet.ProbeSudoDenied {
				t.Errorf("sudo-password: lint status %s, want sudo_denied", st)
			}
		case lab.ProfileHang:
			if st := s.Probes["mailscanner_lint"].Status; st != fleet.ProbeTimeout {
				t.Errorf("hang: lint status %s, want timeout", st)
			}
		}
	}
}

func TestE2ECheck(t *testing.T) {
	l, bin := needLab(t)
	code, out, _ := fleetcheckEnv(t, bin, []string{"COLUMNS=80"}, "check", "-i", l.Inventory)
	checkWidth(t, out, 80)
	if code != exitUnassessed {
		t.Errorf("check exit %d, want %d\n%s", code, exitUnassessed, out)
	}
	for _, want := range []string{"ssh-keygen -R", "sudo-denied", "legacy"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

// jsonReport is the part of the --format json contract these tests read.
type jsonReport struct {
	Baseline struct {
		Host string `json:"host"`
	} `json:"baseline"`
	Hosts []struct {
		Host   string `json:"host"`
		Status string `json:"status"`
		Causes []struct {
			Rule     string   `json:"rule"`
			Severity string   `json:"severity"`
			Summary  string   `json:"summary"`
			Evidence []string `json:"evidence"`
			Fix      string   `json:"fix"`
		} `json:"causes"`
	} `json:"hosts"`
}

// parseReport reads a --format json report.
func parseReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not a JSON report: %v\n%s", err, out)
	}
	return rep
}

func TestE2ECompare(t *testing.T) {
	l, bin := needLab(t)
	store := t.TempDir()
	code, out, stderr := fleetcheck(t, bin, "compare", "-i", l.Inventory, "--store", store, "--format", "json")
	if code != exitUnassessed {
		t.Errorf("compare exit %d, want %d\n%s", code, exitUnassessed, stderr)
	}
	// The lab's report as a table on an 80-column terminal: every line fits.
	run, err := fleet.LatestRun(store)
	if err != nil {
		t.Fatal(err)
	}
	if code, table, stderr := fleetcheckEnv(t, bin, []string{"COLUMNS=80"}, "compare", "-i", l.Inventory, "--from", run); code != exitUnassessed {
		t.Errorf("compare --from exit %d, want %d\n%s", code, exitUnassessed, stderr)
	} else {
		checkWidth(t, table, 80)
	}
	rep := parseReport(t, out)
	causes := map[string][]string{}
	evidence := map[string]string{}
	severity := map[string]string{}
	for _, h := range rep.Hosts {
		for _, c := range h.Causes {
			severity[h.Host+" "+c.Rule] = c.Severity
			causes[h.Host] = append(causes[h.Host], c.Rule)
			evidence[h.Host] += c.Summary + "\n" + strings.Join(c.Evidence, "\n") + "\n"
		}
	}
	has := func(host, rule string) bool {
		for _, r := range causes[host] {
			if r == rule {
				return true
			}
		}
		return false
	}
	// The seed's box: its two top causes are the noexec /tmp and the
	// broken Mail::SpamAssassin.
	if top := causes[lab.ProfileSeed]; len(top) < 2 || !containsBoth(top[:2], "tmp-noexec", "perl-module-missing") {
		t.Errorf("seed causes = %v, want tmp-noexec and perl-module-missing first", top)
	}
	if !strings.Contains(evidence[lab.ProfileSeed], "Mail::SpamAssassin") {
		t.Errorf("seed evidence does not name Mail::SpamAssassin:\n%s", evidence[lab.ProfileSeed])
	}
	for host, rule := range map[string]string{
		lab.ProfileShadow:          "perl-module-shadowed",
		lab.ProfileRPM:             "perl-module-source",
		lab.ProfileHang:            "mailscanner-hang",
		lab.ProfileConfig:          "config-drift",
		lab.ProfileSudoPassword:    "sudo-denied",
		lab.ProfileBadKey:          "hostkey-mismatch",
		lab.ProfileDown:            "host-unreachable",
		lab.ProfileLintDies:        "mailscanner-lint-died",
		lab.ProfileLintDies + "-2": "mailscanner-lint-died",
		lab.ProfileDiskFull:        "disk-space",
		lab.ProfileDNS:             "dns-resolver",
		lab.ProfileMemory:          "memory-children",
		lab.ProfileNoMailScanner:   "mailscanner-absent",
	} {
		if !has(host, rule) {
			t.Errorf("%s: causes %v, want %s", host, causes[host], rule)
		}
	}
	if ev := evidence[lab.ProfileShadow]; !strings.Contains(ev, "/usr/local/") || !strings.Contains(ev, "libarchive-zip-perl") {
		t.Errorf("shadow evidence should name both copies and the owner:\n%s", ev)
	}
	// A lint that dies is critical, and so is the shadowing Archive::Zip its
	// message names; on both releases (Message.pm line 3342 and 3766).
	for host, line := range map[string]string{lab.ProfileLintDies: "Message.pm line 3342", lab.ProfileLintDies + "-2": "Message.pm line 3766"} {
		ev := evidence[host]
		if !strings.Contains(ev, "Undefined subroutine &Archive::Zip::setErrorHandler called") || !strings.Contains(ev, line) ||
			!strings.Contains(ev, "MailScanner --lint dies in this module") {
			t.Errorf("%s evidence lacks the death at %s and its module:\n%s", host, line, ev)
		}
		for _, rule := range []string{"mailscanner-lint-died", "perl-module-shadowed"} {
			if sev := severity[host+" "+rule]; sev != "critical" {
				t.Errorf("%s: %s is %q, want critical (causes %v)", host, rule, sev, causes[host])
			}
		}
	}
	// The resource faults, each with the fact a sysadmin acts on.
	for host, want := range map[string][]string{
		lab.ProfileDiskFull: {"critical", "/tmp (default) on /tmp (fleetlab-tmp): 100% of 4096 KB used"},
		lab.ProfileDNS:      {"warning", "nameserver " + hostAddress(l, lab.ProfileDNS) + ": no answer after"},
		lab.ProfileMemory:   {"warning", "Max Children = 5000 × "},
	} {
		rule := map[string]string{lab.ProfileDiskFull: "disk-space", lab.ProfileDNS: "dns-resolver", lab.ProfileMemory: "memory-children"}[host]
		if sev := severity[host+" "+rule]; sev != want[0] || !strings.Contains(evidence[host], want[1]) {
			t.Errorf("%s: %s is %q, want %s with %q in:\n%s", host, rule, sev, want[0], want[1], evidence[host])
		}
	}
	if got := causes[lab.ProfileGood+"-2"]; len(got) != 0 {
		t.Errorf("a copy of good has causes %v, want none", got)
	}
}

// hostAddress is the address of the lab host name.
func hostAddress(l *lab.Lab, name string) string {
	for _, h := range l.Hosts {
		if h.Name == name {
			return h.Address
		}
	}
	return ""
}

func containsBoth(list []string, a, b string) bool {
	var sa, sb bool
	for _, s := range list {
		sa = sa || s == a
		sb = sb || s == b
	}
	return sa && sb
}

// labSSH runs a command on a lab host as root, to change it between runs.
func labSSH(t *testing.T, l *lab.Lab, host, cmd string) {
	t.Helper()
	out, err := exec.Command("ssh", "-F", l.SSHConfig, "-o", "BatchMode=yes", host, cmd).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh %s %q: %v\n%s", host, cmd, err, out)
	}
}

// TestE2EDrift collects twice with changes in between: a mount option
// changed, a CPAN copy removed (so Net::DNS moves to the packaged 1.36), and
// a host left out of the second run.
func TestE2EDrift(t *testing.T) {
	l, bin := needLab(t)
	store := t.TempDir()
	inv := l.Inventory
	collect := func(hosts ...string) string {
		args := append([]string{"collect", "-i", inv, "--store", store, "--probes", "os,mounts,perl,perl_modules"}, hosts...)
		if code, out, stderr := fleetcheck(t, bin, args...); code != exitOK {
			t.Fatalf("collect %v: exit %d\n%s\n%s", hosts, code, out, stderr)
		}
		run, err := fleet.LatestRun(store)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	good2 := lab.ProfileGood + "-2"
	before := collect(lab.ProfileGood, good2, lab.ProfileShadow)
	time.Sleep(time.Second) // run directories are named by the second
	labSSH(t, l, good2, "mount -o remount,noexec /tmp")
	t.Cleanup(func() { labSSH(t, l, good2, "mount -o remount,exec /tmp") })
	labSSH(t, l, lab.ProfileShadow, "mkdir -p /root/aside && mv /usr/local/share/perl/5.36.0/Net/DNS.pm /root/aside/")
	t.Cleanup(func() {
		labSSH(t, l, lab.ProfileShadow, "mv /root/aside/DNS.pm /usr/local/share/perl/5.36.0/Net/DNS.pm")
	})
	after := collect(good2, lab.ProfileShadow)

	code, out, stderr := fleetcheck(t, bin, "drift", "--before", before, "--after", after, "--format", "json")
	if code != exitUnassessed && code != exitDiffers {
		t.Fatalf("drift exit %d\n%s", code, stderr)
	}
	var rep struct {
		Hosts []struct {
			Host     string                  `json:"host"`
			Status   string                  `json:"status"`
			Error    string                  `json:"error"`
			Causes   []struct{ Rule string } `json:"causes"`
			Findings []struct {
				Fact, Kind, Baseline, Value string
			} `json:"findings"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	byHost := map[string]int{}
	for i, h := range rep.Hosts {
		byHost[h.Host] = i
	}
	if i, ok := byHost[lab.ProfileGood]; !ok || !strings.Contains(rep.Hosts[i].Error, "earlier run only") {
		t.Errorf("the host left out of the second run is not reported as such: %+v", rep.Hosts)
	}
	g := rep.Hosts[byHost[good2]]
	if len(g.Causes) == 0 || g.Causes[0].Rule != "tmp-noexec" {
		t.Errorf("%s: causes %+v, want tmp-noexec", good2, g.Causes)
	}
	found := false
	for _, f := range rep.Hosts[byHost[lab.ProfileShadow]].Findings {
		if f.Fact == "perl_modules.Net::DNS.version" && f.Baseline == "0.65" && f.Value == "1.36" {
			found = true
		}
	}
	if !found {
		t.Errorf("shadow: no Net::DNS 0.65 -> 1.36 finding: %+v", rep.Hosts[byHost[lab.ProfileShadow]].Findings)
	}
}

// releaseModules are the Perl modules the 4.84.3 tarball installer ships.
var releaseModules = []string{"perl-tar/Archive-Zip-1.30.tar.gz", "perl-tar/Net-DNS-0.65.tar.gz",
	"perl-tar/MIME-tools-5.427.tar.gz", "perl-tar/Digest-SHA1-2.11.tar.gz", "perl-tar/Filesys-Df-0.90.tar.gz"}

// writeRelease writes a MailScanner 4.84.3 tarball installer archive with
// the shipped naming (only the entry names matter to preflight), holding
// the given Perl modules and tnef. This installer builds in /tmp.
func writeRelease(t *testing.T, modules ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "MailScanner-install-4.84.3-1.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, name := range append([]string{"install.sh", "install.tar-fns.sh", "perl-tar/MailScanner-4.84.3-1.tar.gz",
		"perl-tar/tnef-1.4.5.tar.gz"}, modules...) {
		body := []byte("stand-in\n")
		hdr := &tar.Header{Name: "MailScanner-install-4.84.3-1/" + name, Mode: 0o644, Size: int64(len(body))}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	if err := errors.Join(tw.Close(), gz.Close(), f.Close()); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestE2EPreflight(t *testing.T) {
	l, bin := needLab(t)
	rel := writeRelease(t, releaseModules...)
	code, out, stderr := fleetcheck(t, bin, "preflight", "-i", l.Inventory, "--store", t.TempDir(), "--release", rel,
		"--format", "json", lab.ProfileGood, lab.ProfileSeed)
	if code != exitDiffers {
		t.Fatalf("preflight exit %d, want %d (the seed box needs attention)\n%s", code, exitDiffers, stderr)
	}
	rep := parseReport(t, out)
	rules := map[string][]string{}
	for _, h := range rep.Hosts {
		for _, c := range h.Causes {
			if c.Severity != "info" {
				rules[h.Host] = append(rules[h.Host], c.Rule)
			}
		}
	}
	if !slices.Contains(rules[lab.ProfileSeed], "preflight-tmp-noexec") {
		t.Errorf("seed: causes %v, want preflight-tmp-noexec", rules[lab.ProfileSeed])
	}
	if len(rules[lab.ProfileGood]) != 0 {
		t.Errorf("good: causes %v, want it ready", rules[lab.ProfileGood])
	}
	// A release whose Perl modules are older than both hosts' (no module
	// to build) still builds tnef in /tmp, as the lab's hosts have no
	// /usr/local/bin/tnef: the seed's noexec /tmp stops it, the good host
	// is ready.
	code, out, stderr = fleetcheck(t, bin, "preflight", "-i", l.Inventory, "--store", t.TempDir(),
		"--release", writeRelease(t, "perl-tar/Net-DNS-0.65.tar.gz", "perl-tar/Archive-Zip-1.30.tar.gz"),
		"--format", "json", lab.ProfileGood, lab.ProfileSeed)
	if code != exitDiffers {
		t.Fatalf("preflight, tnef only: exit %d, want %d\n%s", code, exitDiffers, stderr)
	}
	tnef := map[string]string{}
	for _, h := range parseReport(t, out).Hosts {
		for _, c := range h.Causes {
			if c.Severity != "info" {
				tnef[h.Host] += c.Rule + ": " + strings.Join(c.Evidence, "; ") + "\n"
			}
		}
	}
	if !strings.Contains(tnef[lab.ProfileSeed], "preflight-tmp-noexec") || !strings.Contains(tnef[lab.ProfileSeed], "tnef") {
		t.Errorf("seed, tnef only: causes %q, want preflight-tmp-noexec naming tnef", tnef[lab.ProfileSeed])
	}
	if tnef[lab.ProfileGood] != "" {
		t.Errorf("good, tnef only: causes %q, want it ready", tnef[lab.ProfileGood])
	}
	// A corrupt release is a usage error.
	bad := filepath.Join(t.TempDir(), "MailScanner-install-4.84.3-1.tar.gz")
	os.WriteFile(bad, []byte("not gzip"), 0o644)
	if code, _, stderr := fleetcheck(t, bin, "preflight", "-i", l.Inventory, "--release", bad); code != exitUsage || !strings.Contains(stderr, bad) {
		t.Errorf("corrupt release: exit %d, stderr %q", code, stderr)
	}
}

// TestE2EHTMLInChromium renders a lab report in headless Chromium: the
// summary and the seed box's top cause must be on the rendered page.
func TestE2EHTMLInChromium(t *testing.T) {
	l, bin := needLab(t)
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is required under CI=true (.ci/report-packages.txt)")
		}
		t.Skip("no chromium")
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	code, _, stderr := fleetcheck(t, bin, "compare", "-i", l.Inventory, "--store", dir, "--format", "html", "-o", page,
		lab.ProfileGood, lab.ProfileSeed)
	if code != exitDiffers {
		t.Fatalf("compare exit %d\n%s", code, stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	for _, want := range []string{"1 of 2 host(s) differ from the baseline", "tmp-noexec", "/tmp mounted noexec"} {
		if !strings.Contains(string(dom), want) {
			t.Errorf("rendered page lacks %q", want)
		}
	}
}
