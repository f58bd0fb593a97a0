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

	// memo holds what several rules derive from the same Input (the
	// broken modules, their families); nil means compute every time.
	memo map[string]any
}

// cached returns compute's result, computed once per Input when the
// engine gave it a memo. Slices come back clipped, so that appending to
// them never writes into the cached array.
func cached[T any](in Input, key string, compute func() T) T {
	if in.memo == nil {
		return compute()
	}
	if v, ok := in.memo[key]; ok {
		return v.(T)
	}
	v := compute()
	in.memo[key] = v
	return v
}

// Rule explains findings. ID is the stable rule id of DESIGN.md.
type Rule struct {
	ID string
	// Explain returns zero or more causes; each lists the facts of the
	// findings it covers.
	Explain func(in Input) []Cause
}

// Rules returns the built-in rule table, in the order ties are ranked.
func Rules() []Rule {
	return []Rule{
		{ID: "host-unreachable", Explain: hostUnreachable},
		{ID: "hostkey-mismatch", Explain: hostKeyMismatch},
		{ID: "auth-failed", Explain: authFailed},
		{ID: "mailscanner-hang", Explain: mailScannerHang},
		{ID: "mailscanner-lint-died", Explain: mailScannerLintDied},
		{ID: "tmp-noexec", Explain: tmpNoexec},
		{ID: "perl-module-missing", Explain: perlModuleMissing},
		{ID: "perl-module-shadowed", Explain: perlModuleShadowed},
		{ID: "perl-module-source", Explain: perlModuleSource},
		{ID: "perl-module-version", Explain: perlModuleVersion},
		{ID: "mailscanner-lint", Explain: mailScannerLint},
		{ID: "mailscanner-version", Explain: mailScannerVersion},
		{ID: "perl-version", Explain: perlVersion},
		{ID: "config-drift", Explain: configDrift},
		{ID: "high-load", Explain: highLoad},
		{ID: "package-version", Explain: packageVersion},
		{ID: "custom-probe", Explain: customProbe},
		{ID: "sudo-denied", Explain: sudoDenied},
		{ID: "probe-timeout", Explain: probeTimeout},
		{ID: "probe-failed", Explain: probeFailed},
		{ID: "insecure-transport", Explain: insecureTransport},
	}
}

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
