package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// moduleFinding reports whether f is about a Perl module: a perl_modules
// fact of it, or its MailScanner -v line.
func moduleFinding(f Finding) bool {
	return (f.Probe == fleet.ProbePerlModules && f.attr != "cpan_log") ||
		(f.Probe == fleet.ProbeMailScannerVersion && f.attr == "module")
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
		if f.subject != name || !(moduleFinding(f) || (f.Probe == fleet.ProbePerlModules && f.attr == "cpan_log")) {
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

// missingFamilies groups the broken modules by distribution, leaving out
// a broken module whose failure another broken module's load error names
// (deps): that cause explains it.
func missingFamilies(in Input, broken []string, deps map[string]loadDep) []family {
	var names []string
	for _, name := range broken {
		named := false
		for m, d := range deps {
			named = named || (d.module == name && m != name)
		}
		if !named {
			names = append(names, name)
		}
	}
	return groupFamilies(in, names, nil)
}

// perlModuleMissing names each distribution whose module loads on the
// baseline and is missing or fails to load on the host. When the load
// error blames another module (Mail::SpamAssassin needs Digest::SHA1), the
// cause says so and covers that module's findings too.
func perlModuleMissing(in Input) []Cause {
	var out []Cause
	base := baseFacts(in)
	deps := in.mods.deps
	for _, fm := range in.mods.missing {
		name := fm.root
		c := Cause{Severity: Warning, Findings: familyFacts(in.Findings, fm)}
		for _, n := range fm.names() {
			if critical(n) {
				c.Severity = Critical
			}
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
		d, hasDep := deps[name]
		if hasDep {
			c.Summary = fmt.Sprintf("%s fails because %s is %s", name, d.module, d.state)
			c.Findings = append(c.Findings, ofModule(in.Findings, d.module)...)
		}
		if have && hm.LoadError != "" {
			c.Evidence = append(c.Evidence, "load error: "+firstLine(hm.LoadError))
			if lines := strings.Split(strings.TrimSpace(hm.LoadError), "\n"); len(lines) > 1 && !hasDep {
				c.Evidence = append(c.Evidence, "  "+capText(strings.TrimSpace(lines[1]), 200))
			}
		}
		if hasDep {
			c.Evidence = append(c.Evidence, d.detail)
			if bm, ok := module(base, d.module); ok {
				if _, bc, ok := loadedCopy(bm); ok && bm.Loads {
					c.Evidence = append(c.Evidence, fmt.Sprintf("baseline loads %s %s", d.module, copyText(bc)))
				} else if len(bm.Copies) == 0 {
					c.Evidence = append(c.Evidence, fmt.Sprintf("baseline has no %s; its %s loads without it", d.module, name))
				}
			}
		}
		if l := membersLine(in, fm, "failing"); l != "" {
			c.Evidence = append(c.Evidence, l)
		}
		if v, ok := msModule(&in.Host.Facts, name); ok {
			bv, _ := msModule(base, name)
			c.Evidence = append(c.Evidence, fmt.Sprintf("MailScanner -v: %s (baseline %s)", v, versionText(bv)))
		}
		hl, ho, shadows := shadowed(hm)
		if shadows {
			c.Evidence = append(c.Evidence, "the unpackaged copy shadows "+copyText(ho))
		}
		bm, haveBase := module(base, name)
		if _, bc, ok := loadedCopy(bm); haveBase && ok {
			c.Evidence = append(c.Evidence, "baseline loads "+copyText(bc))
		}
		var fixes []string
		if shadows {
			files, ok := distFiles(in, fm)
			if !ok {
				files = []string{hl.Path}
			}
			fixes = append(fixes, fmt.Sprintf("move the unpackaged copy aside so perl loads the packaged %s %s: `%s`, then check with `%s`",
				name, versionText(ho.Version), moveAside(name, files), checkLoad(name)))
		}
		if hasDep {
			fixes = append(fixes, depFix(in, d, name))
		}
		if !shadows && !hasDep || len(fixes) == 0 {
			fixes = append(fixes, reinstallFix(name, bm, haveBase))
		}
		c.Fix = strings.Join(fixes, "; or ")
		if name == "Mail::SpamAssassin" || name == "Mail::ClamAV" {
			c.Summary += ": MailScanner cannot use it"
		}
		out = append(out, c)
	}
	return out
}

// depFix names the way to repair the module another module's load error
// blames.
func depFix(in Input, d loadDep, user string) string {
	dm, ok := module(&in.Host.Facts, d.module)
	if ok {
		if _, c, ok := loadedCopy(dm); ok && !c.Owner.Unowned() {
			switch c.Owner.Manager {
			case "rpm":
				return fmt.Sprintf("reinstall %s from its package: `yum reinstall %s`, then check with `perl -M%s -e1`", d.module, c.Owner.Package, user)
			case "dpkg":
				return fmt.Sprintf("reinstall %s from its package: `apt-get install --reinstall %s`, then check with `perl -M%s -e1`", d.module, c.Owner.Package, user)
			}
		}
	}
	how := "reinstall"
	if d.xs {
		how = "rebuild"
	}
	return fmt.Sprintf("%s %s on an exec-mounted build dir: `TMPDIR=/var/tmp/build cpan -f %s`, or `perl Makefile.PL && make && make test && make install` from the installer's perl-tar; then check with `perl -M%s -e1`", how, d.module, d.module, user)
}

// shadowChanged returns the modules, not broken, whose shadowing (an
// unowned copy loaded ahead of a packaged one) differs from the baseline.
func shadowChanged(in Input, broken []string) []string {
	var out []string
	base := baseFacts(in)
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

// shadowFamilies groups shadowChanged by distribution; modules shadowed
// here and modules shadowed on the baseline only never share a family.
func shadowFamilies(in Input, broken []string) []family {
	var here, there []string
	for _, name := range shadowChanged(in, broken) {
		hm, _ := module(&in.Host.Facts, name)
		if _, _, hs := shadowed(hm); hs {
			here = append(here, name)
		} else {
			there = append(there, name)
		}
	}
	skip := slices.Concat(broken, there)
	out := groupFamilies(in, here, skip)
	return append(out, groupFamilies(in, there, slices.Concat(skip, here))...)
}

// perlModuleShadowed names distributions where perl loads an unowned copy
// from an earlier @INC directory while a package owns a later copy, on the
// host but not the baseline, or the other way round. A distribution's
// submodules shadowed with it are one cause.
func perlModuleShadowed(in Input) []Cause {
	var out []Cause
	base := baseFacts(in)
	for _, fm := range in.mods.shadowed {
		name := fm.root
		hm, _ := module(&in.Host.Facts, name)
		bm, okb := module(base, name)
		hl, ho, hs := shadowed(hm)
		c := Cause{Severity: Warning, Findings: familyFacts(in.Findings, fm)}
		if hs {
			c.Summary = fmt.Sprintf("%s: perl loads an unpackaged copy that shadows the packaged one", name)
			if n := len(fm.members); n > 0 {
				c.Summary = fmt.Sprintf("%s and %d submodule(s): perl loads an unpackaged copy that shadows the packaged one", name, n)
			}
			c.Evidence = []string{
				"loaded: " + copyText(hl),
				"shadowed: " + copyText(ho),
			}
			if l := membersLine(in, fm, "shadowed"); l != "" {
				c.Evidence = append(c.Evidence, l)
			}
			if PerlVersionCompare(hl.Version, ho.Version) < 0 && critical(name) {
				c.Severity = Critical
			}
			if diedModule(in, fm) {
				c.Severity = Critical
				c.Evidence = append(c.Evidence, lintDiedEvidence(in))
			}
			if _, bc, ok := loadedCopy(bm); okb && ok {
				c.Evidence = append(c.Evidence, "baseline loads "+copyText(bc))
			}
			c.Evidence = append(c.Evidence, cpanLogEvidence(in, name)...)
			files, ok := distFiles(in, fm)
			if !ok {
				files = []string{hl.Path}
			}
			what := "the unpackaged copy"
			if len(fm.members) > 0 {
				what = "the whole distribution's unpackaged files"
			}
			c.Fix = fmt.Sprintf("move %s aside so perl loads the packaged %s %s: `%s`, then check with `%s`",
				what, name, versionText(ho.Version), moveAside(name, files), checkLoad(name))
			if p := reinstallCmd(ho.Owner); p != "" {
				c.Fix += "; if the packaged copy then fails, `" + p + "`"
			}
		} else {
			bl, bo, _ := shadowed(bm)
			c.Summary = fmt.Sprintf("%s: the baseline loads an unpackaged copy ahead of the packaged one; this host does not", name)
			c.Severity = Info
			c.Evidence = []string{"baseline loads: " + copyText(bl), "baseline shadows: " + copyText(bo)}
			if _, hc, ok := loadedCopy(hm); ok {
				c.Evidence = append(c.Evidence, "this host loads "+copyText(hc))
			}
			if l := membersLine(in, fm, "differing"); l != "" {
				c.Evidence = append(c.Evidence, l)
			}
			c.Fix = fmt.Sprintf("decide which copy is right; to match the baseline install %s %s the way the baseline did (see its perllocal.pod)", name, versionText(bl.Version))
		}
		out = append(out, c)
	}
	return out
}

// reinstallCmd is the command that reinstalls a package-owned file, or "".
func reinstallCmd(o fleet.Owner) string {
	switch {
	case o.Unowned():
		return ""
	case o.Manager == "rpm":
		return "yum reinstall " + o.Package
	case o.Manager == "dpkg":
		return "apt-get install --reinstall " + strings.TrimSuffix(o.Package, ":amd64")
	}
	return ""
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

// packagesOf returns the package manager and the packages that own the
// copies, sorted; unowned copies are left out.
func packagesOf(copies []fleet.ModuleCopy) (manager string, pkgs []string) {
	for _, c := range copies {
		if c.Owner.Unowned() {
			continue
		}
		manager = c.Owner.Manager
		pkgs = append(pkgs, strings.TrimSuffix(c.Owner.Package, ":amd64"))
	}
	slices.Sort(pkgs)
	return manager, slices.Compact(pkgs)
}

// perlModuleSource lists distributions whose loaded copy has another owner
// than on the baseline: RPM there, CPAN here, or MailScanner's RPM vs the
// distribution's.
func perlModuleSource(in Input) []Cause {
	done := in.mods.explained
	base := baseFacts(in)
	names := sourceChanged(in, done)
	c := Cause{Severity: Warning}
	var here, there []fleet.ModuleCopy
	var unowned []string
	for _, fm := range groupFamilies(in, names, done) {
		hm, _ := module(&in.Host.Facts, fm.root)
		bm, _ := module(base, fm.root)
		_, hc, _ := loadedCopy(hm)
		_, bc, _ := loadedCopy(bm)
		here, there = append(here, hc), append(there, bc)
		line := fmt.Sprintf("%s: %s here; baseline %s", fm.root, copyText(hc), copyText(bc))
		if cmp := PerlVersionCompare(hc.Version, bc.Version); cmp < 0 {
			line += ": older"
			if min, ok := minimumVersions[fm.root]; ok && PerlVersionCompare(hc.Version, min) < 0 {
				line += "; MailScanner needs at least " + min
				c.Severity = Critical
			}
		} else if cmp > 0 {
			line += ": newer"
		}
		if n := len(fm.members); n > 0 {
			line += fmt.Sprintf("; with %d submodule(s) from the same source", n)
		}
		c.Evidence = append(c.Evidence, line)
		if diedModule(in, fm) {
			c.Severity = Critical
			c.Evidence = append(c.Evidence, lintDiedEvidence(in))
		}
		if hc.Owner.Unowned() {
			if files, ok := distFiles(in, fm); ok {
				unowned = append(unowned, moveAside(fm.root, files))
			}
		}
		c.Findings = append(c.Findings, familyFacts(in.Findings, fm)...)
	}
	// The packages perl loads these copies from here are part of it.
	if _, pkgs := packagesOf(here); len(pkgs) > 0 {
		c.Findings = append(c.Findings, factsOf(in.Findings, func(f Finding) bool {
			return f.Probe == fleet.ProbePackages && f.attr == "version" && f.Kind != Unknown && slices.Contains(pkgs, f.subject)
		})...)
	}
	if len(c.Evidence) == 0 {
		return nil
	}
	c.Summary = fmt.Sprintf("%d Perl module(s) come from another source than on the baseline", len(c.Evidence))
	c.Fix = sourceFix(here, there, unowned)
	return []Cause{c}
}

// sourceChanged returns the modules, not in done, whose loaded copy has
// another owner than on the baseline.
func sourceChanged(in Input, done []string) []string {
	var names []string
	for _, f := range in.Findings {
		if f.Probe == fleet.ProbePerlModules && f.attr == "owner" && f.Kind == Changed && !slices.Contains(done, f.subject) {
			names = append(names, f.subject)
		}
	}
	return names
}

// sourceFix says how to make perl load the baseline's copies: remove or
// move aside what this host loads, then (re)install the baseline's
// packages. A package of the same name from another build (the
// distribution's perl-Archive-Zip for MailScanner's) is replaced by the
// baseline's build instead.
func sourceFix(here, there []fleet.ModuleCopy, unowned []string) string {
	var steps, remove, reinstall, replace []string
	hm, hp := packagesOf(here)
	bm, bp := packagesOf(there)
	for _, p := range hp {
		if hm != bm || !slices.Contains(bp, p) {
			remove = append(remove, p)
		}
	}
	for _, c := range there {
		if c.Owner.Unowned() {
			continue
		}
		p := strings.TrimSuffix(c.Owner.Package, ":amd64")
		if hm == bm && slices.Contains(hp, p) && c.Owner.Version != "" {
			replace = append(replace, installSpec(bm, p, c.Owner.Version))
		} else if !slices.Contains(reinstall, p) {
			reinstall = append(reinstall, p)
		}
	}
	switch {
	case len(remove) == 0:
	case hm == "rpm":
		steps = append(steps, "remove the packages perl loads them from here: `rpm -e --nodeps "+strings.Join(remove, " ")+"`")
	case hm == "dpkg":
		steps = append(steps, "remove the packages perl loads them from here: `dpkg -r --force-depends "+strings.Join(remove, " ")+"`")
	}
	if len(unowned) > 0 {
		steps = append(steps, "move the unpackaged copies aside: `"+strings.Join(unowned, "; ")+"`")
	}
	if len(replace) > 0 {
		if bm == "dpkg" {
			steps = append(steps, "install the baseline's builds: `apt-get install --allow-downgrades "+strings.Join(replace, " ")+"`")
		} else {
			steps = append(steps, "install the baseline's builds: `rpm -Uvh --oldpackage --replacepkgs` the RPMs "+strings.Join(replace, " ")+" (from MailScanner's installer if the baseline's are MailScanner builds)")
		}
	}
	switch {
	case len(reinstall) == 0 && len(replace) > 0:
	case bm == "rpm" && len(reinstall) > 0:
		steps = append(steps, "make sure the baseline's packages are installed: `yum reinstall "+strings.Join(reinstall, " ")+"`")
	case bm == "dpkg" && len(reinstall) > 0:
		steps = append(steps, "make sure the baseline's packages are installed: `apt-get install --reinstall "+strings.Join(reinstall, " ")+"`")
	default:
		steps = append(steps, "install these modules the way the baseline did (see its perllocal.pod)")
	}
	return "load the same copies as the baseline: " + strings.Join(steps, ", then ")
}

// perlModuleVersion lists distributions that load on both sides in
// different versions; older than MailScanner's hard minimum is critical.
func perlModuleVersion(in Input) []Cause {
	done := slices.Clone(in.mods.explained)
	// Modules from another source are the source cause's; it says their
	// versions too.
	for _, fm := range groupFamilies(in, sourceChanged(in, done), done) {
		done = append(done, fm.names()...)
	}
	c := Cause{Severity: Info}
	older, newer := 0, 0
	byModule := map[string][]Finding{}
	var names []string
	for _, f := range in.Findings {
		if f.Kind != Changed || slices.Contains(done, f.subject) {
			continue
		}
		isVersion := (f.Probe == fleet.ProbePerlModules && f.attr == "version") ||
			(f.Probe == fleet.ProbeMailScannerVersion && f.attr == "module" && f.Value != "missing" && f.Baseline != "missing")
		if !isVersion {
			continue
		}
		byModule[f.subject] = append(byModule[f.subject], f)
		names = append(names, f.subject)
	}
	fams := groupFamilies(in, names, done)
	var install []string
	msBuild := false
	base := baseFacts(in)
	for _, fm := range fams {
		f := byModule[fm.root][0]
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
		if n := len(fm.members); n > 0 {
			line += fmt.Sprintf(", with %d submodule(s)", n)
		}
		for _, n := range fm.names() {
			for _, mf := range byModule[n] {
				if min, ok := minimumVersions[n]; ok && PerlVersionCompare(mf.Value, min) < 0 && !strings.Contains(line, "needs at least") {
					line += "; MailScanner needs at least " + min
					c.Severity = Critical
				}
			}
			c.Findings = append(c.Findings, ofModule(in.Findings, n)...)
		}
		c.Evidence = append(c.Evidence, line)
		if diedModule(in, fm) {
			c.Severity = Critical
			c.Evidence = append(c.Evidence, lintDiedEvidence(in))
		}
		if bm, ok := module(base, fm.root); ok {
			if _, bc, ok := loadedCopy(bm); ok && !bc.Owner.Unowned() && bc.Owner.Version != "" {
				install = append(install, bc.Owner.Manager+" "+installSpec(bc.Owner.Manager, strings.TrimSuffix(bc.Owner.Package, ":amd64"), bc.Owner.Version))
				msBuild = msBuild || bc.Owner.MailScannerBuild()
			}
		}
	}
	if len(c.Evidence) == 0 {
		return nil
	}
	c.Summary = fmt.Sprintf("%d Perl module(s) differ in version: %d older, %d newer than the baseline", len(fams), older, newer)
	c.Fix = "install the baseline's versions (same RPMs or the same MailScanner installer release); `MailScanner -v` on both hosts shows the full list"
	if cmd := installCommand(install); cmd != "" {
		c.Fix = "install the baseline's versions: `" + cmd + "`; `MailScanner -v` on both hosts shows the full list"
		if msBuild {
			// MailScanner's own module RPMs are in its installer, not in yum's repositories.
			var rpms []string
			for _, spec := range strings.Fields(strings.TrimPrefix(cmd, "yum install ")) {
				rpms = append(rpms, spec+".*.rpm")
			}
			c.Fix = "install the baseline's builds, which come with MailScanner's installer, not yum: `rpm -Uvh --oldpackage " +
				strings.Join(rpms, " ") + "` in the installer's directory; `MailScanner -v` on both hosts shows the full list"
		}
	}
	return []Cause{c}
}

// installCommand turns "manager spec" items into one install command, or
// "" when they mix managers.
func installCommand(items []string) string {
	if len(items) == 0 {
		return ""
	}
	manager, _, _ := strings.Cut(items[0], " ")
	var specs []string
	for _, it := range items {
		m, spec, _ := strings.Cut(it, " ")
		if m != manager {
			return ""
		}
		specs = append(specs, spec)
	}
	if manager == "dpkg" {
		return "apt-get install " + strings.Join(specs, " ")
	}
	return "yum install " + strings.Join(specs, " ")
}

// perlVersion explains a different perl.
func perlVersion(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool {
		return (f.Probe == fleet.ProbePerl && f.Kind != Unknown) || (f.Probe == fleet.ProbeMailScannerVersion && f.attr == "perl_version")
	})
	if len(fs) == 0 {
		return nil
	}
	c := Cause{Severity: Info, Summary: "perl differs from the baseline"}
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fact)
		switch {
		case f.Probe == fleet.ProbePerl && f.attr == "version" && f.Kind == Changed:
			dir := "newer"
			if PerlVersionCompare(f.Value, f.Baseline) < 0 {
				dir = "older"
			}
			c.Severity = Warning
			c.Summary = fmt.Sprintf("perl %s here, %s on the baseline (%s): modules built for one do not load in the other", f.Value, f.Baseline, dir)
		case f.Probe == fleet.ProbePerl && f.attr == "inc":
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
