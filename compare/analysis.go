package compare

import "slices"

// moduleAnalysis is what the Perl module rules derive from one host's
// findings: which modules broke, what their load errors blame, and how the
// broken and shadowed modules group into distributions. NewInput computes
// it once per host; several rules read it. Its slices are clipped, so a
// rule that appends to one gets a copy.
type moduleAnalysis struct {
	// broken are the modules that load on the baseline and not on the
	// host, sorted (brokenModules).
	broken []string
	// deps maps each broken module whose load error blames another module
	// to that module (brokenDeps).
	deps map[string]loadDep
	// missing are the broken modules by distribution, less those another
	// broken module's load error names: one perl-module-missing cause each.
	missing []family
	// shadowed are the modules whose shadowing differs from the baseline,
	// by distribution: one perl-module-shadowed cause each.
	shadowed []family
	// explained are the modules a missing or shadowed cause covers: their
	// families and the modules their load errors blame.
	explained []string
}

// analyseModules computes the module analysis of one host.
func analyseModules(in Input) moduleAnalysis {
	var a moduleAnalysis
	a.broken = slices.Clip(brokenModules(in))
	a.deps = brokenDeps(in, a.broken)
	a.missing = slices.Clip(missingFamilies(in, a.broken, a.deps))
	a.shadowed = slices.Clip(shadowFamilies(in, a.broken))
	a.explained = slices.Clip(explainedModules(a))
	return a
}

// explainedModules are the modules the missing and shadowed families of
// a cover: their members and the modules their load errors blame.
func explainedModules(a moduleAnalysis) []string {
	var out []string
	for _, fm := range slices.Concat(a.missing, a.shadowed) {
		out = append(out, fm.names()...)
		if d, ok := a.deps[fm.root]; ok {
			out = append(out, d.module)
		}
	}
	return out
}

// families returns the roots of the missing and shadowed families: the
// distributions the perl-module causes name.
func (a moduleAnalysis) families() []string {
	var out []string
	for _, fm := range slices.Concat(a.missing, a.shadowed) {
		out = append(out, fm.root)
	}
	return out
}
