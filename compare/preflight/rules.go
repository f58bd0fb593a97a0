package preflight

// Rule ids of the preflight report. They are stable, like compare's rule
// ids: users' scripts match on them. Severities: see each rule's function.
const (
	RuleWrongInstaller     = "preflight-wrong-installer"
	RuleTmpNoexec          = "preflight-tmp-noexec"
	RuleNoCompiler         = "preflight-no-compiler"
	RulePerlTooOld         = "preflight-perl-too-old"
	RuleBelowMinimum       = "preflight-below-minimum"
	RuleModuleConflict     = "preflight-module-conflict"
	RuleModuleShadowed     = "preflight-module-shadowed"
	RuleModuleBroken       = "preflight-module-broken"
	RuleRequirementUnmet   = "preflight-requirement-unmet"
	RuleUnknown            = "preflight-unknown"
	RuleMailScannerVersion = "preflight-mailscanner-version"
	RuleModuleUpgrade      = "preflight-module-upgrade"
	RuleModuleRebuild      = "preflight-module-rebuild"
	RuleModuleBuild        = "preflight-module-build"
	RuleBuildToolsUnknown  = "preflight-build-tools-unknown"
	RuleModuleCurrent      = "preflight-module-current"
)

// Rules returns the preflight rule ids in the order ties are ranked.
func Rules() []string {
	return []string{
		RuleWrongInstaller, RuleTmpNoexec, RuleNoCompiler, RulePerlTooOld, RuleBelowMinimum,
		RuleModuleConflict, RuleModuleShadowed, RuleModuleBroken,
		RuleRequirementUnmet, RuleUnknown, RuleMailScannerVersion,
		RuleModuleUpgrade, RuleModuleRebuild, RuleModuleBuild, RuleBuildToolsUnknown,
		RuleModuleCurrent,
	}
}

// hostRules are compare's rules that explain a host that was not assessed.
var hostRules = []string{"host-unreachable", "hostkey-mismatch", "auth-failed"}
