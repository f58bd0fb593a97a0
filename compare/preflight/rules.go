package preflight

import (
	"slices"

	"github.com/fleetcheck/fleetcheck/compare"
)

// Rule ids of the preflight report. They are stable, like compare's rule
// ids: users' scripts match on them. A host with a warning or critical
// cause needs attention; info causes describe what the installer will do.
const (
	// RuleWrongInstaller (critical): the RPM installer on a host without RPM.
	RuleWrongInstaller = "preflight-wrong-installer"
	// RuleTmpNoexec (critical; info for the RPM installer, which builds in
	// its rpmbuild tree): /tmp is mounted noexec and the installer builds
	// there.
	RuleTmpNoexec = "preflight-tmp-noexec"
	// RuleNoCompiler (critical): a program the installer builds with is
	// known to be absent (the packages probe's build_tools): make, a C
	// compiler (gcc or cc), and for the RPM installer patch or rpmbuild.
	RuleNoCompiler = "preflight-no-compiler"
	// RulePerlTooOld (critical): perl older than the release needs.
	RulePerlTooOld = "preflight-perl-too-old"
	// RuleBelowMinimum (critical): after the installer, a module is still
	// below a minimum MailScanner enforces at start-up.
	RuleBelowMinimum = "preflight-below-minimum"
	// RuleModuleConflict (warning): the RPM installer's rpm -Uvh of its
	// module RPM over a distribution's package.
	RuleModuleConflict = "preflight-module-conflict"
	// RuleModuleShadowed (warning): an unowned copy earlier in @INC than
	// site_perl keeps being loaded after the installer.
	RuleModuleShadowed = "preflight-module-shadowed"
	// RuleModuleBroken (warning): a module that fails to load today.
	RuleModuleBroken = "preflight-module-broken"
	// RuleRequirementUnmet (warning): a requirements file line not met.
	RuleRequirementUnmet = "preflight-requirement-unmet"
	// RuleUnknown (warning): facts the verdict needs were not collected.
	RuleUnknown = "preflight-unknown"
	// RuleMailScannerVersion (info; warning for a downgrade): the
	// MailScanner version change.
	RuleMailScannerVersion = "preflight-mailscanner-version"
	// RuleModuleUpgrade (info): modules older than the bundled ones.
	RuleModuleUpgrade = "preflight-module-upgrade"
	// RuleModuleRebuild (info): modules the RPM installer removes and
	// rebuilds although they are current.
	RuleModuleRebuild = "preflight-module-rebuild"
	// RuleModuleBuild (info): bundled modules not installed.
	RuleModuleBuild = "preflight-module-build"
	// RuleBuildToolsUnknown (info): whether make, gcc, patch, rpmbuild are
	// installed is not collected (a snapshot from an older fleetcheck, or
	// the packages probe did not run cleanly).
	RuleBuildToolsUnknown = "preflight-build-tools-unknown"
	// RuleModuleCurrent (info): modules the installer leaves alone, or
	// requirements met.
	RuleModuleCurrent = "preflight-module-current"
)

// ruleTable returns the preflight rule table, in the order ties are ranked.
func ruleTable() []compare.RuleFor[input] {
	return []compare.RuleFor[input]{
		{ID: RuleWrongInstaller, Explain: wrongInstaller},
		{ID: RuleTmpNoexec, Explain: tmpNoexec},
		{ID: RuleNoCompiler, Explain: noCompiler},
		{ID: RulePerlTooOld, Explain: perlTooOld},
		{ID: RuleBelowMinimum, Explain: belowMinimum},
		{ID: RuleModuleConflict, Explain: moduleConflict},
		{ID: RuleModuleShadowed, Explain: moduleShadowed},
		{ID: RuleModuleBroken, Explain: moduleBroken},
		{ID: RuleRequirementUnmet, Explain: requirementUnmet},
		{ID: RuleUnknown, Explain: unknownFacts},
		{ID: RuleMailScannerVersion, Explain: mailScannerVersion},
		{ID: RuleModuleUpgrade, Explain: moduleUpgrade},
		{ID: RuleModuleRebuild, Explain: moduleRebuild},
		{ID: RuleModuleBuild, Explain: moduleBuild},
		{ID: RuleBuildToolsUnknown, Explain: buildToolsUnknown},
		{ID: RuleModuleCurrent, Explain: moduleCurrent},
	}
}

// table is the preflight rule table, checked once.
var table = compare.MustTable(ruleTable())

// Rules returns the preflight rule ids in the order ties are ranked.
func Rules() []string { return table.IDs() }

// hostTable is compare's rules that explain a host that was not assessed.
var hostTable = compare.MustTable(slices.DeleteFunc(compare.Rules(), func(r compare.Rule) bool {
	return !slices.Contains([]string{compare.RuleHostUnreachable, compare.RuleHostKeyMismatch, compare.RuleAuthFailed}, r.ID)
}))
