package compare

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// moduleFinding reports whether f is about a Perl module: a perl_modules
// fact of it, or its MailScanner -v line.
func moduleFinding(f Finding) bool {
	return (f.Probe == probeModules && f.attr != "cpan_log") ||
		(f.Probe == probeMailScanner && f.attr == "module")
}

// moduleSubjects returns the modules that findings matching keep are about,
// sorted and unique.
func moduleSubjects(fs []Finding, keep func(Finding) bool) []string {
	var out []string
	for _, f := range fs {
		if moduleFinding(f) && keep(f) {
			out = append(out, f.subject)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ofModule returns the facts of findings about the module.
func ofModule(fs []Finding, name string, attrs ...string) []string {
	return factsOf(fs, func(f Finding) bool {
		if f.subject != name || !(moduleFinding(f) || (f.Probe == probeModules && f.attr == "cpan_log")) {
			return false
		}
		return len(attrs) == 0 || slices.Contains(attrs, f.attr)
	})
}

// brokenModules returns the modules that load on the baseline but not on
// the host: a loads finding that turned "no" or went missing, or a
// MailScanner -v line that turned "missing". A -v "missing" for a module
// perl loads fine here is MailScanner's quirk (it prints "missing" for a
// module whose $VERSION is false) and does not count.
func brokenModules(in Input) []string {
	return moduleSubjects(in.Findings, func(f Finding) bool {
		switch f.attr {
		case "loads":
			return f.Baseline == "yes" && f.Value != "yes"
		case "module":
			if m, ok := module(&in.Host.Facts, f.subject); ok && m.Loads {
				return false
			}
			return f.Baseline != "" && f.Baseline != "missing" && (f.Value == "missing" || f.Kind == Missing)
		}
		return false
	})
}

// perlModuleMissing names each module that loads on the baseline and is
// missing or fails to load on the host.
func perlModuleMissing(in Input) []Cause {
	var out []Cause
	base := baseFacts(in)
	for _, name := range brokenModules(in) {
		c := Cause{Rule: "perl-module-missing", Severity: Warning, Findings: ofModule(in.Findings, name)}
		if critical(name) {
			c.Severity = Critical
		}
		hm, have := module(&in.Host.Facts, name)
		switch {
		case have && len(hm.Copies) > 0:
			c.Summary = fmt.Sprintf("%s is installed but fails to load", name)
			c.Evidence = append(c.Evidence, "perl finds "+copyText(hm.Copies[0]))
		default:
			c.Summary = fmt.Sprintf("%s is not installed", name)
			if have {
				c.Evidence = append(c.Evidence, "no copy of "+name+" in @INC")
			}
		}
		if have && hm.LoadError != "" {
			c.Evidence = append(c.Evidence, "load error: "+firstLine(hm.LoadError))
			if lines := strings.Split(strings.TrimSpace(hm.LoadError), "\n"); len(lines) > 1 {
				c.Evidence = append(c.Evidence, "  "+capText(strings.TrimSpace(lines[1]), 200))
			}
		}
		if v, ok := msModule(&in.Host.Facts, name); ok {
			bv, _ := msModule(base, name)
			c.Evidence = append(c.Evidence, fmt.Sprintf("MailScanner -v: %s (baseline %s)", v, versionText(bv)))
		}
		bm, haveBase := module(base, name)
		if _, bc, ok := loadedCopy(bm); haveBase && ok {
			c.Evidence = append(c.Evidence, "baseline loads "+copyText(bc))
		}
		c.Fix = reinstallFix(name, bm, haveBase)
		if name == "Mail::SpamAssassin" || name == "Mail::ClamAV" {
			c.Summary += ": MailScanner cannot use it"
		}
		out = append(out, c)
	}
	return out
}

// shadowChanged returns the modules, not already broken, whose shadowing
// (an unowned copy loaded ahead of a packaged one) differs from the baseline.
func shadowChanged(in Input) []string {
	var out []string
	base := baseFacts(in)
	broken := brokenModules(in)
	for _, name := range moduleSubjects(in.Findings, func(Finding) bool { return true }) {
		if slices.Contains(broken, name) {
			continue
		}
		hm, okh := module(&in.Host.Facts, name)
		bm, okb := module(base, name)
		if !okh {
			continue
		}
		_, _, hs := shadowed(hm)
		_, _, bs := shadowed(bm)
		if hs != bs && (hs || okb) {
			out = append(out, name)
		}
	}
	return out
}

// perlModuleShadowed names modules where perl loads an unowned copy from an
// earlier @INC directory while a package owns a later copy, on the host but
// not the baseline, or the other way round.
func perlModuleShadowed(in Input) []Cause {
	var out []Cause
	base := baseFacts(in)
	for _, name := range shadowChanged(in) {
		hm, _ := module(&in.Host.Facts, name)
		bm, okb := module(base, name)
		hl, ho, hs := shadowed(hm)
		c := Cause{Rule: "perl-module-shadowed", Severity: Warning, Findings: ofModule(in.Findings, name)}
		if hs {
			c.Summary = fmt.Sprintf("%s: perl loads an unpackaged copy that shadows the packaged one", name)
			c.Evidence = []string{
				"loaded: " + copyText(hl),
				"shadowed: " + copyText(ho),
			}
			if PerlVersionCompare(hl.Version, ho.Version) < 0 && critical(name) {
				c.Severity = Critical
			}
			if _, bc, ok := loadedCopy(bm); okb && ok {
				c.Evidence = append(c.Evidence, "baseline loads "+copyText(bc))
			}
			c.Evidence = append(c.Evidence, cpanLogEvidence(in, name)...)
			c.Fix = fmt.Sprintf("move the unpackaged copy aside (`mv %s %s.shadow`) so perl loads the packaged one, then check with `perl -M%s -e 'print $INC{q(%s)}'`", hl.Path, hl.Path, name, modulePath(name))
		} else {
			bl, bo, _ := shadowed(bm)
			c.Summary = fmt.Sprintf("%s: the baseline loads an unpackaged copy ahead of the packaged one; this host does not", name)
			c.Severity = Info
			c.Evidence = []string{"baseline loads: " + copyText(bl), "baseline shadows: " + copyText(bo)}
			if _, hc, ok := loadedCopy(hm); ok {
				c.Evidence = append(c.Evidence, "this host loads "+copyText(hc))
			}
			c.Fix = fmt.Sprintf("decide which copy is right; to match the baseline install %s %s the way the baseline did (see its perllocal.pod)", name, versionText(bl.Version))
		}
		out = append(out, c)
	}
	return out
}

func modulePath(name string) string { return strings.ReplaceAll(name, "::", "/") + ".pm" }

// cpanLogEvidence quotes perllocal.pod entries of the module on the host.
func cpanLogEvidence(in Input, name string) []string {
	pm := in.Host.Facts.PerlModules
	if pm == nil {
		return nil
	}
	var ev []string
	for _, e := range pm.CPANLog {
		if e.Module == name {
			ev = append(ev, fmt.Sprintf("perllocal.pod: %s %s installed %s", e.Module, e.Version, e.Date))
		}
	}
	return ev
}

// explainedModules are the modules a missing or shadowed cause covers.
func explainedModules(in Input) []string {
	var out []string
	out = append(out, brokenModules(in)...)
	return append(out, shadowChanged(in)...)
}

// perlModuleSource lists modules whose loaded copy has another owner than
// on the baseline: RPM there, CPAN here, or MailScanner's RPM vs the
// distribution's.
func perlModuleSource(in Input) []Cause {
	done := explainedModules(in)
	base := baseFacts(in)
	var c Cause
	for _, f := range in.Findings {
		if f.Probe != probeModules || f.attr != "owner" || f.Kind != Changed || slices.Contains(done, f.subject) {
			continue
		}
		hm, _ := module(&in.Host.Facts, f.subject)
		bm, _ := module(base, f.subject)
		_, hc, _ := loadedCopy(hm)
		_, bc, _ := loadedCopy(bm)
		c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s here; baseline %s", f.subject, copyText(hc), copyText(bc)))
		c.Findings = append(c.Findings, ofModule(in.Findings, f.subject, "owner", "path", "copies", "cpan_log")...)
	}
	if len(c.Evidence) == 0 {
		return nil
	}
	c.Rule, c.Severity = "perl-module-source", Warning
	c.Summary = fmt.Sprintf("%d Perl module(s) come from another source than on the baseline", len(c.Evidence))
	c.Fix = "install these modules from the same source as the baseline (its RPM/deb, or MailScanner's installer), and remove the other copy"
	return []Cause{c}
}

// perlModuleVersion lists modules that load on both sides in different
// versions; older than MailScanner's hard minimum is critical.
func perlModuleVersion(in Input) []Cause {
	done := explainedModules(in)
	c := Cause{Rule: "perl-module-version", Severity: Info}
	older, newer := 0, 0
	seen := map[string]bool{}
	for _, f := range in.Findings {
		if f.Kind != Changed || slices.Contains(done, f.subject) {
			continue
		}
		isVersion := (f.Probe == probeModules && f.attr == "version") ||
			(f.Probe == probeMailScanner && f.attr == "module" && f.Value != "missing" && f.Baseline != "missing")
		if !isVersion {
			continue
		}
		c.Findings = append(c.Findings, f.Fact)
		if seen[f.subject] {
			continue
		}
		seen[f.subject] = true
		dir := "newer"
		if PerlVersionCompare(f.Value, f.Baseline) < 0 {
			dir = "older"
			older++
			if c.Severity == Info {
				c.Severity = Warning
			}
		} else {
			newer++
		}
		line := fmt.Sprintf("%s %s (baseline %s): %s", f.subject, versionText(f.Value), versionText(f.Baseline), dir)
		if min, ok := minimumVersions[f.subject]; ok && PerlVersionCompare(f.Value, min) < 0 {
			line += "; MailScanner needs at least " + min
			c.Severity = Critical
		}
		c.Evidence = append(c.Evidence, line)
	}
	if len(c.Evidence) == 0 {
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(seen)) {
		c.Findings = append(c.Findings, ofModule(in.Findings, name, "cpan_log")...)
	}
	c.Summary = fmt.Sprintf("%d Perl module(s) differ in version: %d older, %d newer than the baseline", len(seen), older, newer)
	c.Fix = "install the baseline's versions (same RPMs or the same MailScanner installer release); `MailScanner -v` on both hosts shows the full list"
	return []Cause{c}
}

// perlVersion explains a different perl.
func perlVersion(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool {
		return (f.Probe == probePerl && f.Kind != Unknown) || (f.Probe == probeMailScanner && f.attr == "perl_version")
	})
	if len(fs) == 0 {
		return nil
	}
	c := Cause{Rule: "perl-version", Severity: Info, Summary: "perl differs from the baseline"}
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fact)
		switch {
		case f.Fact == "perl.version" && f.Kind == Changed:
			dir := "newer"
			if PerlVersionCompare(f.Value, f.Baseline) < 0 {
				dir = "older"
			}
			c.Severity = Warning
			c.Summary = fmt.Sprintf("perl %s here, %s on the baseline (%s): modules built for one do not load in the other", f.Value, f.Baseline, dir)
		case f.Fact == "perl.inc":
			c.Evidence = append(c.Evidence, "@INC here: "+f.Value, "@INC on the baseline: "+f.Baseline)
			continue
		}
		c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s (baseline %s)", f.Fact, orNone(f.Value), orNone(f.Baseline)))
	}
	c.Fix = "run MailScanner with the same perl as the baseline (check the #! line of MailScanner and PATH), or rebuild its modules for this perl"
	return []Cause{c}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
