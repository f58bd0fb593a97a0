package preflight

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// host wraps one assessed snapshot with the lookups the checks need.
type host struct {
	s       *fleet.Snapshot
	modules map[string]fleet.PerlModule
	ms      map[string]fleet.ModuleVersion
	inc     map[string]int // @INC directory -> position
}

func newHost(s *fleet.Snapshot) *host {
	h := &host{s: s, modules: map[string]fleet.PerlModule{}, ms: map[string]fleet.ModuleVersion{}, inc: map[string]int{}}
	f := s.Facts
	if f.PerlModules != nil && s.ProbeKnown(fleet.ProbePerlModules) {
		for _, m := range f.PerlModules.Modules {
			if _, dup := h.modules[m.Name]; !dup {
				h.modules[m.Name] = m
			}
		}
	}
	if f.MailScanner != nil && s.ProbeKnown(fleet.ProbeMailScannerVersion) {
		for _, l := range [][]fleet.ModuleVersion{f.MailScanner.Modules, f.MailScanner.Optional} {
			for _, m := range l {
				if _, dup := h.ms[m.Name]; !dup {
					h.ms[m.Name] = m
				}
			}
		}
	}
	if f.Perl != nil && s.ProbeKnown(fleet.ProbePerl) {
		for i, d := range f.Perl.INC {
			if _, dup := h.inc[d]; !dup {
				h.inc[d] = i
			}
		}
	}
	return h
}

func (h *host) perlModule(name string) (fleet.PerlModule, bool) {
	m, ok := h.modules[name]
	return m, ok
}

func (h *host) msModule(name string) (fleet.ModuleVersion, bool) {
	m, ok := h.ms[name]
	return m, ok
}

// packages returns the package list when the packages probe ran cleanly.
func (h *host) packages() (*fleet.Packages, bool) {
	p := h.s.Facts.Packages
	return p, p != nil && h.s.ProbeKnown(fleet.ProbePackages)
}

// program says whether the host has the program at path (one the
// packages probe looks for, fleet.Packages.Programs); known is false when
// it did not look.
func (h *host) program(path string) (present, known bool) {
	p, ok := h.packages()
	if !ok || p.Programs == nil {
		return false, false
	}
	present, known = p.Programs[path]
	return present, known
}

// hasPackage reports whether an RPM of exactly this version and release
// is installed.
func (h *host) hasPackage(name, version, release string) bool {
	p, ok := h.packages()
	if !ok || p.Manager != "rpm" {
		return false
	}
	for _, pk := range p.Packages {
		if pk.Name == name && pk.Version == version && pk.Release == release {
			return true
		}
	}
	return false
}

// pkg returns the installed package of that name.
func (h *host) pkg(name string) (fleet.Package, bool) {
	p, ok := h.packages()
	if !ok {
		return fleet.Package{}, false
	}
	for _, pk := range p.Packages {
		if pk.Name == name {
			return pk, true
		}
	}
	return fleet.Package{}, false
}

// tmp returns the mount holding /tmp; ok is false when unknown.
func (h *host) tmp() (fleet.PathMount, bool) {
	m := h.s.Facts.Mounts
	if m == nil || !h.s.ProbeKnown(fleet.ProbeMounts) {
		return fleet.PathMount{}, false
	}
	for _, p := range m.Paths {
		if p.Path == "/tmp" && p.Exists {
			return p, true
		}
	}
	return fleet.PathMount{}, false
}

// installPos is the @INC position of the directory the installers put a
// module in: sitearch for one with compiled code, sitelib otherwise
// (MakeMaker's INSTALLSITEARCH and INSTALLSITELIB; MailScanner's RPM specs
// install there too). -1 when unknown.
func (h *host) installPos(xs bool) int {
	p := h.s.Facts.Perl
	if p == nil || len(h.inc) == 0 {
		return -1
	}
	keys := []string{"sitelib", "sitearch"}
	if xs {
		keys = []string{"sitearch", "sitelib"}
	}
	for _, k := range keys {
		if d := p.Dirs[k]; d != "" {
			if i, ok := h.inc[d]; ok {
				return i
			}
		}
	}
	for i, d := range p.INC {
		if strings.Contains(d, "site_perl") || strings.Contains(d, "/site/") {
			return i
		}
	}
	return -1
}

// perlVersion returns the Perl version MailScanner runs with, from the
// perl probe or else from MailScanner -v ("5.008008 (5.8.8)").
func (h *host) perlVersion() (string, string, bool) {
	f := h.s.Facts
	if f.Perl != nil && h.s.ProbeKnown(fleet.ProbePerl) && f.Perl.Version != "" {
		return f.Perl.Version, fleet.ProbePerl, true
	}
	if f.MailScanner != nil && h.s.ProbeKnown(fleet.ProbeMailScannerVersion) && f.MailScanner.PerlVersion != "" {
		v := f.MailScanner.PerlVersion
		if i := strings.IndexByte(v, '('); i >= 0 {
			v = strings.TrimSuffix(v[i+1:], ")")
		}
		return strings.TrimSpace(v), fleet.ProbeMailScannerVersion, true
	}
	return "", "", false
}

// mailScannerVersion returns the installed MailScanner version and the
// probe that says it.
func (h *host) mailScannerVersion() (string, string, bool) {
	f := h.s.Facts
	if f.MailScanner != nil && h.s.ProbeKnown(fleet.ProbeMailScannerVersion) && f.MailScanner.Version != "" {
		return f.MailScanner.Version, fleet.ProbeMailScannerVersion, true
	}
	for _, n := range []string{"mailscanner", "MailScanner"} {
		if p, ok := h.pkg(n); ok {
			return p.Version, fleet.ProbePackages, true
		}
	}
	return "", "", false
}

// tool is a tri-state answer about a build tool.
type tool int

const (
	toolUnknown tool = iota
	toolPresent
	toolAbsent
)

// buildTools are the programs the installers need, with the packages
// that provide them.
var buildTools = map[string][]string{
	"make":     {"make", "build-essential"},
	"gcc":      {"gcc", "build-essential"},
	"cc":       {"gcc", "build-essential"},
	"rpmbuild": {"rpm-build"},
	"patch":    {"patch"},
}

// buildTool says whether a build tool is installed. The packages probe
// looks for each with command -v (Packages.BuildTools); a snapshot without
// that answer, or whose packages probe did not run cleanly, says nothing:
// the tool is then present only if its package or version is listed, and
// unknown otherwise, never absent.
func (h *host) buildTool(name string) tool {
	p, ok := h.packages()
	if !ok {
		return toolUnknown
	}
	if bt := p.BuildTools; bt != nil {
		if _, ok := bt.Found[name]; ok {
			return toolPresent
		}
		if slices.Contains(bt.Missing, name) {
			return toolAbsent
		}
	}
	if v, ok := p.Tools[name]; ok && v != "" {
		return toolPresent
	}
	for _, pk := range buildTools[name] {
		if _, ok := h.pkg(pk); ok {
			return toolPresent
		}
	}
	return toolUnknown
}

// perlCompare orders two Perl versions ("5.8.8", "5.008008").
func perlCompare(a, b string) int { return compare.PerlVersionCompare(a, b) }

// removesOwnBuilds reports whether the RPM installer of 4.76.11 or later
// removes its own module RPMs on this host: install.sh does when the
// mailscanner RPM is older than 4.76.11 or not installed (its version
// comes from rpm -q mailscanner).
func (h *host) removesOwnBuilds() (string, bool) {
	p, ok := h.packages()
	if !ok || p.Manager != "rpm" {
		return "", false
	}
	ms, ok := h.pkg("mailscanner")
	if !ok {
		return "MailScanner is not installed as an RPM (a fresh install)", true
	}
	if compare.RPMVersionCompare(ms.Version, removesOwnBuilds) < 0 {
		return fmt.Sprintf("the installed mailscanner RPM %s is older than %s", ms.Version, removesOwnBuilds), true
	}
	return "", false
}
