package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// buildDirSources are the config keys whose directories installers or
// SpamAssassin build or run things in.
var buildDirSources = []string{"incomingworkdir", "spamassassintemporarydir"}

// buildDir reports whether a mounted path is one where a noexec flag breaks
// installers: /tmp, /var/tmp, the Incoming Work Dir or SpamAssassin's temp dir.
func buildDir(s *fleet.Snapshot, path string) bool {
	if path == "/tmp" || path == "/var/tmp" {
		return true
	}
	if s == nil {
		return false
	}
	if s.Facts.Mounts != nil {
		for _, pm := range s.Facts.Mounts.Paths {
			if pm.Path == path && slices.Contains(buildDirSources, pm.Source) {
				return true
			}
		}
	}
	for _, k := range buildDirSources {
		if v := configValue(s, k); v != "" && strings.TrimRight(v, "/") == path {
			return true
		}
	}
	return false
}

func pathMount(s *fleet.Snapshot, path string) (fleet.PathMount, bool) {
	if s == nil || s.Facts.Mounts == nil {
		return fleet.PathMount{}, false
	}
	for _, pm := range s.Facts.Mounts.Paths {
		if pm.Path == path {
			return pm, true
		}
	}
	return fleet.PathMount{}, false
}

// moduleDamage returns the findings of modules that are missing, fail to
// load or are older than on the baseline: what a failed installer leaves.
func moduleDamage(in Input) []Finding {
	broken := in.mods.broken
	// A module left without its compiled part breaks the modules that
	// need it: the seed's Digest::SHA1 under Mail::SpamAssassin.
	for _, d := range in.mods.deps {
		if d.xs {
			broken = append(broken, d.module)
		}
	}
	return selectFindings(in.Findings, func(f Finding) bool {
		if !moduleFinding(f) {
			return false
		}
		if slices.Contains(broken, f.subject) {
			return true
		}
		return (f.attr == "version" || f.attr == "module") && f.Kind == Changed && PerlVersionCompare(f.Value, f.Baseline) < 0
	})
}

// tmpNoexec explains a build directory mounted noexec here but not on the
// baseline; critical when Perl modules are damaged too.
func tmpNoexec(in Input) []Cause {
	var paths, facts []string
	var ev []string
	for _, f := range in.Findings {
		if f.Probe != fleet.ProbeMounts || f.attr != "noexec" || f.Value != "true" || !buildDir(in.Host, f.subject) {
			continue
		}
		paths = append(paths, f.subject)
		facts = append(facts, f.Fact)
		pm, _ := pathMount(in.Host, f.subject)
		line := fmt.Sprintf("%s is on %s (%s %s) mounted %s", pm.Path, pm.MountPoint, pm.Type, pm.Device, strings.Join(pm.Options, ","))
		if bm, ok := pathMount(in.Base, f.subject); ok {
			line += fmt.Sprintf("; baseline: %s mounted %s", bm.MountPoint, orNone(strings.Join(bm.Options, ",")))
		}
		ev = append(ev, line)
	}
	if len(paths) == 0 {
		return nil
	}
	// The other flags of the same mount come with it.
	facts = append(facts, factsOf(in.Findings, func(f Finding) bool {
		return f.Probe == fleet.ProbeMounts && slices.Contains(paths, f.subject)
	})...)
	c := Cause{Severity: Warning, Evidence: ev, Findings: facts}
	c.Summary = fmt.Sprintf("%s mounted noexec here but not on the baseline: installers build and test Perl XS modules and ClamAV there", strings.Join(paths, ", "))
	if dmg := moduleDamage(in); len(dmg) > 0 {
		c.Severity = Critical
		var names []string
		for _, f := range dmg {
			c.Findings = append(c.Findings, f.Fact)
			names = append(names, f.subject)
		}
		slices.Sort(names)
		names = slices.Compact(names)
		c.Summary = fmt.Sprintf("%s mounted noexec: the last install or upgrade could not build its Perl modules (%d missing, broken or old)", strings.Join(paths, ", "), len(names))
		c.Evidence = append(c.Evidence, "modules missing, failing or older than the baseline: "+strings.Join(names, ", "))
	}
	// MailScanner --lint never tests /tmp for exec (4.84.3 and 5.5.3 only
	// create a temporary file there): the cause rests on the mount and the
	// damaged modules, never on a lint line.
	c.Evidence = append(c.Evidence, "MailScanner's install.sh and install-Clam-SA unpack into /tmp and run `make test` there; with noexec the XS builds fail and the run goes on")
	c.Fix = "`mount -o remount,exec /tmp`, re-run the MailScanner (and Clam-SA) installer, then `mount -o remount,noexec /tmp`; or run the installer with TMPDIR=/var/tmp/build on an exec filesystem"
	return []Cause{c}
}
