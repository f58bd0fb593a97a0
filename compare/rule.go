package compare

import (
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Input is what a rule sees for one host. Rules are pure: they read Input
// and return causes, nothing else.
type Input struct {
	// Host is the host's snapshot; its facts are nil when it was not assessed.
	Host *fleet.Snapshot
	// Base is the baseline snapshot: the baseline host, the saved snapshot,
	// or for a majority baseline the representative host. It is nil when no
	// host could be assessed.
	Base *fleet.Snapshot
	// Findings are the host's findings, sorted by fact.
	Findings []Finding

	// mods is what several rules derive from the findings about Perl
	// modules, computed once per host by NewInput.
	mods moduleAnalysis
}

// NewInput is the input of the rules for one host: its snapshot, the
// baseline's (nil when there is none) and its findings, with what the
// rules derive from them computed once.
func NewInput(host, base *fleet.Snapshot, findings []Finding) Input {
	in := Input{Host: host, Base: base, Findings: findings}
	in.mods = analyseModules(in)
	return in
}

// Rule is a rule of compare's table, over Input.
type Rule = RuleFor[Input]

// The stable rule ids of DESIGN.md; preflight's are in package preflight.
const (
	// RuleHostUnreachable: no connection, a deadline, or not collected.
	RuleHostUnreachable = "host-unreachable"
	// RuleHostKeyMismatch: the host key differs from, or is not in, known_hosts.
	RuleHostKeyMismatch = "hostkey-mismatch"
	// RuleAuthFailed: the server refused every key.
	RuleAuthFailed = "auth-failed"
	// RuleMailScannerHang: MailScanner --lint hangs here, not on the baseline.
	RuleMailScannerHang = "mailscanner-hang"
	// RuleMailScannerLintDied: MailScanner --lint dies (perl stops mid-lint).
	RuleMailScannerLintDied = "mailscanner-lint-died"
	// RuleTmpNoexec: a build directory is mounted noexec here only.
	RuleTmpNoexec = "tmp-noexec"
	// RulePerlModuleMissing: a module that loads on the baseline does not here.
	RulePerlModuleMissing = "perl-module-missing"
	// RulePerlModuleShadowed: an unowned copy shadows a packaged one.
	RulePerlModuleShadowed = "perl-module-shadowed"
	// RulePerlModuleSource: the loaded copy has another owner.
	RulePerlModuleSource = "perl-module-source"
	// RulePerlModuleVersion: the loaded version differs.
	RulePerlModuleVersion = "perl-module-version"
	// RuleMailScannerLint: --lint complaints the baseline does not have.
	RuleMailScannerLint = "mailscanner-lint"
	// RuleMailScannerVersion: another MailScanner release.
	RuleMailScannerVersion = "mailscanner-version"
	// RulePerlVersion: another perl.
	RulePerlVersion = "perl-version"
	// RuleConfigDrift: effective MailScanner.conf values differ.
	RuleConfigDrift = "config-drift"
	// RuleHighLoad: the host is busy while the baseline idles.
	RuleHighLoad = "high-load"
	// RulePackageVersion: packages or tools differ.
	RulePackageVersion = "package-version"
	// RuleCustomProbe: a custom probe's output differs.
	RuleCustomProbe = "custom-probe"
	// RuleSudoDenied: sudo -n was refused for a probe.
	RuleSudoDenied = "sudo-denied"
	// RuleProbeTimeout: a probe ran out of time.
	RuleProbeTimeout = "probe-timeout"
	// RuleProbeFailed: a probe failed here or on the baseline.
	RuleProbeFailed = "probe-failed"
	// RuleInsecureTransport: the connection used weakened settings.
	RuleInsecureTransport = "insecure-transport"
	// RuleDiskSpace: a filesystem MailScanner writes to is full, out of
	// inodes, nearly full while the baseline's is not, or hangs df.
	RuleDiskSpace = "disk-space"
	// RuleDNSResolver: nameservers that do not answer, or other
	// nameservers than the baseline's.
	RuleDNSResolver = "dns-resolver"
	// RuleMemoryChildren: Max Children does not fit in memory, or the
	// host swaps while the baseline does not.
	RuleMemoryChildren = "memory-children"
	// RuleMailScannerAbsent: MailScanner is not installed here while the
	// baseline runs it.
	RuleMailScannerAbsent = "mailscanner-absent"
)

// Rules returns the built-in rule table, in the order ties are ranked.
func Rules() []Rule {
	return []Rule{
		{ID: RuleHostUnreachable, Explain: hostUnreachable},
		{ID: RuleHostKeyMismatch, Explain: hostKeyMismatch},
		{ID: RuleAuthFailed, Explain: authFailed},
		{ID: RuleMailScannerAbsent, Explain: mailScannerAbsent},
		{ID: RuleMailScannerHang, Explain: mailScannerHang},
		{ID: RuleMailScannerLintDied, Explain: mailScannerLintDied},
		{ID: RuleDiskSpace, Explain: diskSpace},
		{ID: RuleDNSResolver, Explain: dnsResolver},
		{ID: RuleMemoryChildren, Explain: memoryChildren},
		{ID: RuleTmpNoexec, Explain: tmpNoexec},
		{ID: RulePerlModuleMissing, Explain: perlModuleMissing},
		{ID: RulePerlModuleShadowed, Explain: perlModuleShadowed},
		{ID: RulePerlModuleSource, Explain: perlModuleSource},
		{ID: RulePerlModuleVersion, Explain: perlModuleVersion},
		{ID: RuleMailScannerLint, Explain: mailScannerLint},
		{ID: RuleMailScannerVersion, Explain: mailScannerVersion},
		{ID: RulePerlVersion, Explain: perlVersion},
		{ID: RuleConfigDrift, Explain: configDrift},
		{ID: RuleHighLoad, Explain: highLoad},
		{ID: RulePackageVersion, Explain: packageVersion},
		{ID: RuleCustomProbe, Explain: customProbe},
		{ID: RuleSudoDenied, Explain: sudoDenied},
		{ID: RuleProbeTimeout, Explain: probeTimeout},
		{ID: RuleProbeFailed, Explain: probeFailed},
		{ID: RuleInsecureTransport, Explain: insecureTransport},
	}
}

// builtin is the built-in table, checked once.
var builtin = MustTable(Rules())

// facts returns the facts of the findings for which keep is true.
func factsOf(fs []Finding, keep func(Finding) bool) []string {
	var out []string
	for _, f := range fs {
		if keep(f) {
			out = append(out, f.Fact)
		}
	}
	return out
}

// select returns the findings for which keep is true.
func selectFindings(fs []Finding, keep func(Finding) bool) []Finding {
	var out []Finding
	for _, f := range fs {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

func baseFacts(in Input) *fleet.Facts {
	if in.Base == nil {
		return &fleet.Facts{}
	}
	return &in.Base.Facts
}
