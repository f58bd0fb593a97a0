package compare

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// lintHung reports whether MailScanner --lint did not finish on s.
func lintHung(s *fleet.Snapshot) bool {
	if s == nil {
		return false
	}
	if s.Facts.Lint != nil && s.Facts.Lint.TimedOut {
		return true
	}
	r, ok := s.Probes[fleet.ProbeMailScannerLint]
	return ok && r.Status == fleet.ProbeTimeout
}

// mailScannerHang explains a lint that hangs on the host but not on the
// baseline: the seed's symptom.
func mailScannerHang(in Input) []Cause {
	if !lintHung(in.Host) || lintHung(in.Base) {
		return nil
	}
	c := Cause{Severity: Critical,
		Summary: "MailScanner --lint hangs here but not on the baseline",
		Findings: factsOf(in.Findings, func(f Finding) bool {
			return f.Probe == fleet.ProbeMailScannerLint || (f.Probe == fleet.ProbeProcesses && f.attr != "running")
		})}
	// The seed's admin lowered Max Children, restarted children more often
	// and turned SpamAssassin off to live with the hang: those settings are
	// part of the same story. A raised Max Children makes the hang worse.
	var workarounds []string
	for _, f := range in.Findings {
		if f.Probe != fleet.ProbeMailScannerConfig || !slices.Contains(hangSettings, f.subject) {
			continue
		}
		c.Findings = append(c.Findings, f.Fact)
		if f.subject == "maxchildren" && configNumber(f.Value) > configNumber(f.Baseline) {
			continue // said with the Max Children line below
		}
		workarounds = append(workarounds, fmt.Sprintf("%s = %s", settingName(in.Host, f.subject), orNone(f.Value)))
	}
	line := "MailScanner --lint did not finish"
	if r, ok := in.Host.Probes[fleet.ProbeMailScannerLint]; ok && r.DurationMS > 0 {
		line += " within " + fmtSeconds((r.DurationMS+500)/1000)
	}
	if r, ok := baseProbe(in, fleet.ProbeMailScannerLint); ok && r.DurationMS > 0 && r.Status == fleet.ProbeOK {
		line += fmt.Sprintf(" (the baseline's finished in %s)", fmtSeconds((r.DurationMS+500)/1000))
	}
	c.Evidence = append(c.Evidence, line)
	c.Evidence = append(c.Evidence, lintLast(in.Host))
	hmax, bmax := configValue(in.Host, "maxchildren"), configValue(in.Base, "maxchildren")
	if hmax != "" || bmax != "" {
		line := fmt.Sprintf("Max Children = %s (baseline %s)", orNone(hmax), orNone(bmax))
		if hmax != "" && bmax != "" && configNumber(hmax) > configNumber(bmax) {
			line += ": more children start at once, and this hang grows with every child"
		}
		c.Evidence = append(c.Evidence, line)
		if hmax != bmax && hmax != "" && bmax != "" {
			c.Summary += fmt.Sprintf(", with Max Children %s (baseline %s)", hmax, bmax)
		}
	}
	if p := in.Host.Facts.Processes; p != nil {
		var top fleet.Process
		for _, ch := range p.Children {
			if ch.CPUSec > top.CPUSec {
				top = ch
			}
		}
		var line string
		switch {
		case len(p.Master) == 0:
			line = "MailScanner is not running here (no master process)"
		default:
			line = fmt.Sprintf("%d MailScanner master(s), %d children", len(p.Master), len(p.Children))
		}
		if top.PID != 0 {
			line += fmt.Sprintf("; busiest child pid %d used %s CPU in %s", top.PID, fmtSeconds(top.CPUSec), fmtSeconds(top.ElapsedSec))
			if top.Args != "" {
				line += fmt.Sprintf(" (%q)", capText(top.Args, 60))
			}
		}
		c.Evidence = append(c.Evidence, line)
	}
	if fams := in.mods.families(); len(fams) > 0 {
		c.Evidence = append(c.Evidence, fmt.Sprintf("Perl modules missing, broken or shadowed here: %s (see the perl-module causes); children load them at start-up, where this hang happens", strings.Join(fams, ", ")))
	}
	if len(workarounds) > 0 {
		c.Evidence = append(c.Evidence, "settings that look like workarounds for the hang: "+strings.Join(workarounds, ", "))
	}
	c.Evidence = append(c.Evidence, "known pattern: children hang at \"starting children\", start-up takes longer the higher Max Children, load stays above 3 with no mail (half-installed Perl modules after an upgrade with /tmp noexec)")
	c.Fix = "fix the Perl module and /tmp causes listed for this host and re-run the installer; `MailScanner --debug` (and `--debug-sa`) shows where start-up stalls; meanwhile keep Max Children low (the baseline's " + orNone(bmax) + ") and Restart Every short"
	return []Cause{c}
}

func baseProbe(in Input, name string) (fleet.ProbeResult, bool) {
	if in.Base == nil {
		return fleet.ProbeResult{}, false
	}
	r, ok := in.Base.Probes[name]
	return r, ok
}

// lintLast says what MailScanner --lint printed last before it was stopped.
func lintLast(s *fleet.Snapshot) string {
	var last string
	n := 0
	if s.Facts.Lint != nil {
		for _, l := range strings.Split(s.Facts.Lint.Raw, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				last = l
				n++
			}
		}
	}
	if n == 0 {
		return "--lint printed nothing before it was stopped (perl buffers output to a pipe, so it may have got further)"
	}
	return fmt.Sprintf("the last of the %d line(s) --lint printed before it was stopped: %q", n, capText(last, 160))
}

// configNumber reads a numeric MailScanner.conf value; -1 when it is not one.
func configNumber(v string) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return n
}

func fmtSeconds(s int64) string {
	h, m, sec := s/3600, s/60%60, s%60
	switch {
	case h > 0:
		return fmt.Sprintf("%dh%02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm%02ds", m, sec)
	}
	return fmt.Sprintf("%ds", sec)
}

// hangSettings are the settings an admin changes to live with the hang.
var hangSettings = []string{"maxchildren", "restartevery", "usespamassassin"}

// configValue returns a setting of a snapshot's MailScanner.conf, or "".
func configValue(s *fleet.Snapshot, key string) string {
	if s == nil || s.Facts.Config == nil {
		return ""
	}
	return s.Facts.Config.Values[key].Value
}

// lintDeath returns the host's lint death that the baseline does not
// share, or nil.
func lintDeath(in Input) *fleet.LintDeath {
	l := in.Host.Facts.Lint
	if l == nil || l.Died == nil || l.TimedOut {
		return nil
	}
	if b := baseFacts(in).Lint; b != nil && b.Died != nil && lintKey(b.Died.Text) == lintKey(l.Died.Text) {
		return nil
	}
	return l.Died
}

// diedModule reports whether the package named by the host's new lint
// death is in fm (its root or a member): the provenance cause of that
// family then ranks critical.
func diedModule(in Input, fm family) bool {
	d := lintDeath(in)
	return d != nil && d.Package != "" && (fm.root == d.Package || slices.Contains(fm.names(), d.Package))
}

// lintDiedEvidence is the line a provenance cause adds when MailScanner
// dies in its module.
func lintDiedEvidence(in Input) string {
	d := lintDeath(in)
	return fmt.Sprintf("MailScanner --lint dies in this module: %s at %s line %d (see mailscanner-lint-died)", d.Text, d.File, d.Line)
}

// mailScannerLintDied explains a lint that perl killed half-way (exit 255
// and perl's fatal error), here but not on the baseline: MailScanner dies
// the same way on every batch of mail.
func mailScannerLintDied(in Input) []Cause {
	d := lintDeath(in)
	if d == nil {
		return nil
	}
	c := Cause{Severity: Critical,
		Findings: factsOf(in.Findings, func(f Finding) bool {
			// What lint never got to print after perl died is part of it.
			return f.Probe == fleet.ProbeMailScannerLint && (f.attr == "died" || f.attr == "exit_code" || f.Kind == Missing ||
				(f.attr == "error" && f.subject == lintKey(d.Text)))
		})}
	c.Summary = "MailScanner --lint dies: " + capText(d.Text, 120)
	c.Evidence = append(c.Evidence, fmt.Sprintf("perl died at %s line %d, exit status %d; MailScanner cannot scan mail until this is fixed", d.File, d.Line, in.Host.Facts.Lint.ExitCode))
	c.Fix = "run `MailScanner --lint` and fix what perl names"
	if d.Package != "" {
		if m, ok := module(&in.Host.Facts, d.Package); ok {
			if _, lc, ok := loadedCopy(m); ok {
				c.Evidence = append(c.Evidence, fmt.Sprintf("perl loads %s from %s", d.Package, copyText(lc)))
			}
		}
		if bm, ok := module(baseFacts(in), d.Package); ok {
			if _, bc, ok := loadedCopy(bm); ok {
				c.Evidence = append(c.Evidence, fmt.Sprintf("baseline loads %s from %s", d.Package, copyText(bc)))
			}
		}
		c.Summary += fmt.Sprintf(" (in %s)", d.Package)
		c.Fix = fmt.Sprintf("the %s that perl loads here lacks what MailScanner calls: fix its copy as the perl-module cause for %s says, then check with `MailScanner --lint`", d.Package, d.Package)
	}
	return []Cause{c}
}

// mailScannerLint explains lint errors and warnings the baseline does not have.
func mailScannerLint(in Input) []Cause {
	if lintHung(in.Host) {
		return nil
	}
	var died string
	if d := lintDeath(in); d != nil {
		died = lintKey(d.Text) // mailscanner-lint-died explains it
	}
	var errs, warns, other []Finding
	for _, f := range in.Findings {
		if f.Probe != fleet.ProbeMailScannerLint || f.Kind == Unknown || f.attr == "died" ||
			(died != "" && (f.attr == "exit_code" || f.Kind == Missing || (f.attr == "error" && f.subject == died))) {
			continue
		}
		switch {
		case f.attr == "error" && f.Kind == Extra:
			errs = append(errs, f)
		case f.attr == "warning" && f.Kind == Extra:
			warns = append(warns, f)
		case f.attr == "error" || f.attr == "warning":
			// Complaints the baseline has and this host does not are no cause.
		case f.attr == "spamassassin" && f.Value == "error":
			errs = append(errs, f)
		default:
			other = append(other, f)
		}
	}
	if len(errs)+len(warns)+len(other) == 0 {
		return nil
	}
	c := Cause{Severity: Warning}
	seeAlso := lintSeeAlso(in)
	if len(errs) > 0 {
		c.Severity = Critical
	}
	for _, f := range errs {
		if f.attr == "spamassassin" {
			c.Evidence = append(c.Evidence, "SpamAssassin check failed (baseline: "+orNone(f.Baseline)+")")
			if l := in.Host.Facts.Lint; l != nil {
				for _, line := range l.SpamAssassinLines[:min(3, len(l.SpamAssassinLines))] {
					c.Evidence = append(c.Evidence, "  "+capText(line, 200))
				}
			}
		} else {
			c.Evidence = append(c.Evidence, "error: "+f.subject+seeAlso(f.subject))
		}
		c.Findings = append(c.Findings, f.Fact)
	}
	for _, f := range warns {
		c.Evidence = append(c.Evidence, "warning: "+f.subject+seeAlso(f.subject))
		c.Findings = append(c.Findings, f.Fact)
	}
	for _, f := range other {
		if f.Kind == Missing {
			c.Evidence = append(c.Evidence, fmt.Sprintf("%s: not reported here (baseline %s)", f.Fact, f.Baseline))
		} else {
			c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s (baseline %s)", f.Fact, orNone(f.Value), orNone(f.Baseline)))
		}
		c.Findings = append(c.Findings, f.Fact)
	}
	c.Summary = fmt.Sprintf("MailScanner --lint: %d new error(s), %d new warning(s) compared with the baseline", len(errs), len(warns))
	if len(errs)+len(warns) == 0 {
		c.Severity = Info
		c.Summary = "MailScanner --lint output differs from the baseline"
	}
	c.Fix = "run `MailScanner --lint` on the host and fix the first error; for SpamAssassin errors run `spamassassin --lint -D`"
	return []Cause{c}
}

// lintSeeAlso returns a function that points a lint message to the cause
// that explains it: a module the perl-module causes name, SpamAssassin
// when it fails to load, or a noexec /tmp.
func lintSeeAlso(in Input) func(msg string) string {
	noexec := len(tmpNoexec(in)) > 0
	return func(msg string) string {
		for _, fm := range in.mods.missing {
			names := fm.names()
			if d, ok := in.mods.deps[fm.root]; ok {
				names = append(names, d.module)
			}
			for _, n := range names {
				if strings.Contains(msg, n) || (n == "Mail::SpamAssassin" && strings.Contains(msg, "SpamAssassin")) {
					return " (see " + RulePerlModuleMissing + ": " + fm.root + ")"
				}
			}
		}
		for _, fm := range in.mods.shadowed {
			if strings.Contains(msg, fm.root) {
				return " (see " + RulePerlModuleShadowed + ": " + fm.root + ")"
			}
		}
		if noexec && strings.Contains(msg, "/tmp") {
			return " (see " + RuleTmpNoexec + ")"
		}
		return ""
	}
}

// mailScannerVersion explains another MailScanner release.
func mailScannerVersion(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool {
		return f.Probe == fleet.ProbeMailScannerVersion && (f.attr == "version" || f.attr == "product" || f.attr == "path")
	})
	if len(fs) == 0 {
		return nil
	}
	c := Cause{Severity: Warning, Summary: "MailScanner differs from the baseline"}
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fact)
		c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s (baseline %s)", f.Fact, orNone(f.Value), orNone(f.Baseline)))
		if f.attr == "version" && f.Kind == Changed {
			dir := "newer"
			if PerlVersionCompare(f.Value, f.Baseline) < 0 {
				dir = "older"
			}
			c.Summary = fmt.Sprintf("MailScanner %s here, %s on the baseline (%s)", f.Value, f.Baseline, dir)
		}
	}
	for _, f := range in.Findings {
		if f.Probe == fleet.ProbeMailScannerLint && f.attr == "version_ok" {
			c.Findings = append(c.Findings, f.Fact)
			if l := in.Host.Facts.Lint; l != nil && l.ConfVersion != "" {
				c.Evidence = append(c.Evidence, fmt.Sprintf("lint: MailScanner.conf is for %s, installed %s", l.ConfVersion, l.InstalledVersion))
			}
		}
	}
	c.Fix = "install the baseline's MailScanner release with the same installer, then run upgrade_MailScanner_conf (v5: ms-upgrade-conf)"
	return []Cause{c}
}

// priorityKeys are the settings that matter most for a slow or hanging
// MailScanner; config-drift lists them first.
var priorityKeys = []string{"maxchildren", "restartevery", "usespamassassin", "virusscanners",
	"virusscanning", "incomingworkdir", "spamassassintemporarydir", "runasuser", "runasgroup",
	"spamassassintimeout", "maxspamassassintimeouts", "queuescaninterval", "mta"}

// configDrift explains effective MailScanner.conf values that differ.
func configDrift(in Input) []Cause {
	fs := selectFindings(in.Findings, func(f Finding) bool { return f.Probe == fleet.ProbeMailScannerConfig && f.Kind != Unknown })
	if len(fs) == 0 {
		return nil
	}
	rank := func(k string) int {
		if i := slices.Index(priorityKeys, k); i >= 0 {
			return i
		}
		return len(priorityKeys)
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if ra, rb := rank(a.subject), rank(b.subject); ra != rb {
			return ra - rb
		}
		return strings.Compare(a.subject, b.subject)
	})
	c := Cause{Severity: Info}
	var names []string
	for _, f := range fs {
		if rank(f.subject) < len(priorityKeys) {
			c.Severity = Warning
		}
		name, where := settingName(in.Host, f.subject), settingPlace(in.Host, f.subject)
		if where == "" {
			name = settingName(in.Base, f.subject)
		}
		names = append(names, name)
		c.Findings = append(c.Findings, f.Fact)
		var line string
		if strings.HasPrefix(f.Value, "secret:") || strings.HasPrefix(f.Baseline, "secret:") {
			line = name + " differs (secret; compared by fingerprint only)"
		} else {
			line = fmt.Sprintf("%s = %s (baseline %s)", name, orNone(f.Value), orNone(f.Baseline))
		}
		if where != "" {
			line += " at " + where
		}
		c.Evidence = append(c.Evidence, line)
	}
	shown := names[:min(4, len(names))]
	c.Summary = fmt.Sprintf("%d MailScanner.conf setting(s) differ: %s", len(fs), strings.Join(shown, ", "))
	if len(names) > len(shown) {
		c.Summary += ", …"
	}
	c.Fix = "set the baseline's values in MailScanner.conf or a conf.d override, then restart MailScanner; `MailScanner --changed` lists every non-default setting on both hosts"
	return []Cause{c}
}

func settingName(s *fleet.Snapshot, key string) string {
	if s != nil && s.Facts.Config != nil {
		if v, ok := s.Facts.Config.Values[key]; ok && v.Key != "" {
			return v.Key
		}
	}
	return key
}

func settingPlace(s *fleet.Snapshot, key string) string {
	if s == nil || s.Facts.Config == nil {
		return ""
	}
	v, ok := s.Facts.Config.Values[key]
	if !ok || v.File == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d", v.File, v.Line)
}
