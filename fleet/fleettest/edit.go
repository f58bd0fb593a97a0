package fleettest

import (
	"github.com/fleetcheck/fleetcheck/fleet"
)

// SetModule replaces the module of m's name on s, or adds it, and returns
// the module as s now holds it.
func SetModule(s *fleet.Snapshot, m fleet.PerlModule) *fleet.PerlModule {
	pm := s.Facts.PerlModules
	for i := range pm.Modules {
		if pm.Modules[i].Name == m.Name {
			pm.Modules[i] = m
			return &pm.Modules[i]
		}
	}
	pm.Modules = append(pm.Modules, m)
	return &pm.Modules[len(pm.Modules)-1]
}

// SetMSModule sets the version MailScanner -v reports for module name
// ("missing" when it is not found).
func SetMSModule(s *fleet.Snapshot, name, version string) {
	for _, l := range [][]fleet.ModuleVersion{s.Facts.MailScanner.Modules, s.Facts.MailScanner.Optional} {
		for i := range l {
			if l[i].Name == name {
				l[i].Version = version
				l[i].Missing = version == "missing"
			}
		}
	}
}

// SetPackage replaces the installed package of p's name on s, or adds it.
func SetPackage(s *fleet.Snapshot, p fleet.Package) {
	pk := s.Facts.Packages
	for i := range pk.Packages {
		if pk.Packages[i].Name == p.Name {
			pk.Packages[i] = p
			return
		}
	}
	pk.Packages = append(pk.Packages, p)
}
