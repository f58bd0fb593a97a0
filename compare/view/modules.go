package view

import (
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Prefixes of the facts about a Perl module, as ModuleFact returns them.
const (
	// PrefixModules starts a module's facts from the perl_modules probe.
	PrefixModules = fleet.ProbePerlModules + "."
	// PrefixCPANLog starts a module's perllocal.pod entry.
	PrefixCPANLog = fleet.ProbePerlModules + ".cpan_log."
	// PrefixMailScanner starts the version MailScanner -v reports for a
	// module.
	PrefixMailScanner = fleet.ProbeMailScannerVersion + ".module."
)

// ModuleFact splits a fact about a Perl module into its prefix
// ("perl_modules.", "perl_modules.cpan_log." or
// "mailscanner_version.module."), the module and the attribute:
// perl_modules.Archive::Zip.copies gives Archive::Zip and "copies",
// perl_modules.cpan_log.Net::DNS and mailscanner_version.module.Net::DNS
// give Net::DNS and "". ok is false for other facts.
func ModuleFact(fact string) (prefix, module, attr string, ok bool) {
	switch {
	case strings.HasPrefix(fact, PrefixCPANLog):
		return PrefixCPANLog, strings.TrimPrefix(fact, PrefixCPANLog), "", true
	case strings.HasPrefix(fact, PrefixMailScanner):
		return PrefixMailScanner, strings.TrimPrefix(fact, PrefixMailScanner), "", true
	case strings.HasPrefix(fact, PrefixModules):
		rest := strings.TrimPrefix(fact, PrefixModules)
		if i := strings.LastIndexByte(rest, '.'); i > 0 {
			return PrefixModules, rest[:i], rest[i+1:], true
		}
	}
	return "", "", "", false
}
