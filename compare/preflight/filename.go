package preflight

import (
	"path"
	"strings"
)

// entry is what one file name of a release says: a Perl distribution or a
// program, with its version.
type entry struct {
	dist    Dist
	program Program
	isProg  bool
}

// rpmArches are the architectures a shipped RPM's name ends with.
var rpmArches = map[string]bool{
	"src": true, "noarch": true, "i386": true, "i586": true, "i686": true,
	"x86_64": true, "ia64": true, "ppc": true, "ppc64": true,
}

// programs are bundled programs that are not Perl distributions, by the
// lower-case name their files use.
var programs = map[string]string{"mailscanner": "MailScanner", "tnef": "tnef", "clamav": "clamav"}

// maxNameLen bounds a file name the parser looks at.
const maxNameLen = 255

// parseName reads a distribution or program and its version from the file
// name of a release entry (its directory is ignored), the way the shipped
// releases name them:
//
//	perl-Archive-Zip-1.30-1.src.rpm     Archive-Zip 1.30, build 1
//	perl-MIME-tools-5.411-pl3.2.src.rpm MIME-tools 5.411, build pl3.2
//	mailscanner-4.84.3-1.noarch.rpm     MailScanner 4.84.3
//	tnef-1.4.5-1.x86_64.rpm             tnef 1.4.5
//	Archive-Zip-1.30.tar.gz             Archive-Zip 1.30
//	MIME-tools-5.411-patched.tar.gz     MIME-tools 5.411
//	Mail-ClamAV-0.20.JKF.tar.gz         Mail-ClamAV 0.20
//	MailScanner-4.84.3-1.tar.gz         MailScanner 4.84.3
//	clamav-0.96.5.tar.gz                clamav 0.96.5
//
// It reports false for anything else (scripts, specs, patches, READMEs).
func parseName(name string) (entry, bool) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if len(base) > maxNameLen || strings.HasPrefix(base, ".") {
		return entry{}, false
	}
	if stem, ok := strings.CutSuffix(base, ".rpm"); ok {
		return parseRPMName(stem, name)
	}
	for _, ext := range []string{".tar.gz", ".tgz", ".tar.bz2", ".tar"} {
		if stem, ok := strings.CutSuffix(base, ext); ok {
			return parseTarName(stem, name)
		}
	}
	return entry{}, false
}

// parseRPMName reads NAME-VERSION-RELEASE.ARCH (".rpm" already cut).
func parseRPMName(stem, file string) (entry, bool) {
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 || !rpmArches[stem[dot+1:]] {
		return entry{}, false
	}
	nvr := stem[:dot]
	i := strings.LastIndexByte(nvr, '-')
	if i <= 0 {
		return entry{}, false
	}
	name, release := nvr[:i], nvr[i+1:]
	j := strings.LastIndexByte(name, '-')
	if j <= 0 {
		return entry{}, false
	}
	name, version := name[:j], name[j+1:]
	if !validVersion(version) || release == "" || !validDistName(name) {
		return entry{}, false
	}
	if p, ok := programs[strings.ToLower(name)]; ok {
		return entry{isProg: true, program: Program{Name: p, Version: version, File: file}}, true
	}
	dist, ok := strings.CutPrefix(name, "perl-")
	if !ok || dist == "" {
		return entry{}, false
	}
	return entry{dist: Dist{Name: dist, Version: version, Build: release, File: file}}, true
}

// parseTarName reads DIST-VERSION[-patched] (the extension already cut).
func parseTarName(stem, file string) (entry, bool) {
	for _, sfx := range []string{"-patched", ".patched", "-PATCHED"} {
		stem = strings.TrimSuffix(stem, sfx)
	}
	// The version starts at the first "-" followed by a digit (or v and a
	// digit): no distribution's name has such a part, while a program's
	// version may carry its release (MailScanner-4.84.3-1).
	cut := -1
	for i := 0; i+1 < len(stem); i++ {
		if stem[i] != '-' {
			continue
		}
		c := stem[i+1]
		if isDigit(c) || (c == 'v' && i+2 < len(stem) && isDigit(stem[i+2])) {
			cut = i
			break
		}
	}
	if cut <= 0 {
		return entry{}, false
	}
	name, version := stem[:cut], stem[cut+1:]
	if !validDistName(name) || strings.HasPrefix(strings.ToLower(name), "install") {
		return entry{}, false
	}
	if p, ok := programs[strings.ToLower(name)]; ok {
		version, _, _ = strings.Cut(version, "-")
		if !validVersion(version) {
			return entry{}, false
		}
		return entry{isProg: true, program: Program{Name: p, Version: version, File: file}}, true
	}
	version = cleanVersion(version)
	if !validVersion(version) {
		return entry{}, false
	}
	return entry{dist: Dist{Name: name, Version: version, File: file}}, true
}

// cleanVersion drops what a repackager appended to a CPAN version: a
// ".JKF" or "-jkf1" tag.
func cleanVersion(v string) string {
	if i := strings.IndexByte(v, '-'); i > 0 {
		v = v[:i]
	}
	for {
		i := strings.LastIndexByte(v, '.')
		if i <= 0 || !isAlphaTag(v[i+1:]) {
			return v
		}
		v = v[:i]
	}
}

func isAlphaTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlpha(s[i]) {
			return false
		}
	}
	return true
}

// validVersion accepts what a CPAN or RPM version looks like: a digit (or
// v and a digit) first, then digits, letters, dots and underscores.
func validVersion(v string) bool {
	v = strings.TrimPrefix(v, "v")
	if v == "" || len(v) > 40 || !isDigit(v[0]) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isDigit(c) && !isAlpha(c) && c != '.' && c != '_' {
			return false
		}
	}
	return true
}

// validDistName accepts CPAN distribution (and RPM package) names: parts
// of letters, digits and underscores joined by single hyphens, a letter
// first.
func validDistName(n string) bool {
	if n == "" || len(n) > 128 || !isAlpha(n[0]) {
		return false
	}
	for _, part := range strings.Split(n, "-") {
		if part == "" {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !isDigit(c) && !isAlpha(c) && c != '_' && c != '+' {
				return false
			}
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
