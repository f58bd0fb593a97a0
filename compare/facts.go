package compare

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Built-in probe names, equal to the JSON names of fleet.Facts.
const (
	probeOS          = "os"
	probeMounts      = "mounts"
	probePerl        = "perl"
	probeModules     = "perl_modules"
	probePackages    = "packages"
	probeConfig      = "mailscanner_config"
	probeProcesses   = "processes"
	probeMailScanner = "mailscanner_version"
	probeLint        = "mailscanner_lint"
)

// builtinProbes lists the built-in probes in report order.
var builtinProbes = [...]string{probeOS, probeMounts, probePerl, probeModules, probePackages,
	probeConfig, probeProcesses, probeMailScanner, probeLint}

// cmpKind selects how two values of a fact are compared.
type cmpKind uint8

const (
	cmpExact  cmpKind = iota
	cmpPerl           // Perl module or perl versions
	cmpRPM            // [epoch:]version-release
	cmpDpkg           // Debian versions
	cmpConfig         // MailScanner.conf values: yes/no and 1/0 are equal
	cmpNear           // numbers within 20 % are noise
	cmpNoise          // volatile: never a difference unless Options.All
)

// fact is one flattened fact of a snapshot.
type fact struct {
	key, value    string
	probe         string
	subject, attr string
	cmp           cmpKind
	// onlyBoth: report only when both sides have the fact, never as
	// missing or extra.
	onlyBoth bool
}

// flattener turns typed facts into a flat, sorted list of stable keys.
type flattener struct {
	facts []fact
}

func (fl *flattener) add(probe, subject, attr, key, value string, cmp cmpKind) {
	fl.facts = append(fl.facts, fact{key: key, value: value, probe: probe, subject: subject, attr: attr, cmp: cmp})
}

// addModule adds a perl_modules fact; dup marks facts of a module listed
// only for its duplicate copies, which are compared only when both sides
// list the module.
func (fl *flattener) addModule(subject, attr, key, value string, cmp cmpKind, dup bool) {
	fl.add(probeModules, subject, attr, key, value, cmp)
	fl.facts[len(fl.facts)-1].onlyBoth = dup
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

// flatten returns every fact of s, sorted by key, with keys unique.
func flatten(s *fleet.Snapshot) []fact {
	fl := &flattener{facts: make([]fact, 0, 256)}
	f := &s.Facts
	if f.OS != nil {
		fl.os(f.OS)
	}
	if f.Mounts != nil {
		fl.mounts(f.Mounts)
	}
	if f.MailScanner != nil {
		fl.mailscanner(f.MailScanner)
	}
	if f.Lint != nil {
		fl.lint(f.Lint)
	}
	if f.Perl != nil {
		fl.perl(f.Perl)
	}
	if f.PerlModules != nil {
		fl.modules(f.PerlModules)
	}
	if f.Packages != nil {
		fl.packages(f.Packages)
	}
	if f.Config != nil {
		fl.config(f.Config)
	}
	if f.Processes != nil {
		fl.processes(f.Processes)
	}
	for name, c := range f.Custom {
		if c == nil {
			continue
		}
		fl.add(name, name, "", "custom."+name, strings.Join(c.Lines, "\n"), cmpExact)
		fl.add(name, name, "exit_code", "custom."+name+".exit_code", strconv.Itoa(c.ExitCode), cmpExact)
	}
	return sortFacts(fl.facts)
}

// sortFacts sorts facts by key and keeps the first added of duplicate keys
// (e.g. a module listed twice). It sorts indices, not the large structs.
func sortFacts(facts []fact) []fact {
	idx := make([]int32, len(facts))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := strings.Compare(facts[a].key, facts[b].key); c != 0 {
			return c
		}
		return int(a - b)
	})
	out := make([]fact, 0, len(facts))
	for _, i := range idx {
		if n := len(out); n > 0 && out[n-1].key == facts[i].key {
			continue
		}
		out = append(out, facts[i])
	}
	return out
}

func (fl *flattener) os(o *fleet.OS) {
	p := probeOS
	fl.add(p, "", "distro", "os.distro", o.Distro, cmpExact)
	fl.add(p, "", "kernel_release", "os.kernel_release", o.KernelRelease, cmpExact)
	if o.Arch != "" {
		fl.add(p, "", "arch", "os.arch", o.Arch, cmpExact)
	}
	if o.ID != "" {
		fl.add(p, "", "id", "os.id", o.ID, cmpExact)
	}
	if o.VersionID != "" {
		fl.add(p, "", "version_id", "os.version_id", o.VersionID, cmpExact)
	}
	if o.Family != "" {
		fl.add(p, "", "family", "os.family", o.Family, cmpExact)
	}
	fl.add(p, "", "cpus", "os.cpus", strconv.Itoa(o.CPUs), cmpExact)
	fl.add(p, "", "mem_total_kb", "os.mem_total_kb", strconv.FormatInt(o.MemTotalKB, 10), cmpNear)
	fl.add(p, "", "hostname", "os.hostname", o.Hostname, cmpNoise)
	fl.add(p, "", "uname", "os.uname", o.Uname, cmpNoise)
	fl.add(p, "", "uptime_seconds", "os.uptime_seconds", strconv.FormatFloat(o.UptimeSeconds, 'f', 0, 64), cmpNoise)
	fl.add(p, "", "load", "os.load", strconv.FormatFloat(o.Load[0], 'f', 2, 64), cmpNoise)
}

func (fl *flattener) mounts(m *fleet.Mounts) {
	p := probeMounts
	for _, pm := range m.Paths {
		k := "mounts." + pm.Path + "."
		fl.add(p, pm.Path, "exists", k+"exists", boolStr(pm.Exists), cmpExact)
		if !pm.Exists {
			continue
		}
		fl.add(p, pm.Path, "mount_point", k+"mount_point", pm.MountPoint, cmpExact)
		fl.add(p, pm.Path, "type", k+"type", pm.Type, cmpExact)
		fl.add(p, pm.Path, "noexec", k+"noexec", boolStr(pm.NoExec), cmpExact)
		fl.add(p, pm.Path, "nosuid", k+"nosuid", boolStr(pm.NoSuid), cmpExact)
		fl.add(p, pm.Path, "nodev", k+"nodev", boolStr(pm.NoDev), cmpExact)
		fl.add(p, pm.Path, "ro", k+"ro", boolStr(pm.ReadOnly), cmpExact)
		fl.add(p, pm.Path, "device", k+"device", pm.Device, cmpNoise)
		if pm.FreeKB != nil {
			fl.add(p, pm.Path, "free_kb", k+"free_kb", strconv.FormatInt(*pm.FreeKB, 10), cmpNear)
		}
		if pm.SizeKB != nil {
			fl.add(p, pm.Path, "size_kb", k+"size_kb", strconv.FormatInt(*pm.SizeKB, 10), cmpNoise)
		}
	}
}

func (fl *flattener) mailscanner(ms *fleet.MailScanner) {
	p := probeMailScanner
	fl.add(p, "", "version", "mailscanner_version.version", ms.Version, cmpPerl)
	if ms.Product != "" {
		fl.add(p, "", "product", "mailscanner_version.product", ms.Product, cmpExact)
	}
	fl.add(p, "", "path", "mailscanner_version.path", ms.Path, cmpExact)
	if ms.PerlVersion != "" {
		fl.add(p, "", "perl_version", "mailscanner_version.perl_version", ms.PerlVersion, cmpExact)
	}
	for _, list := range [][]fleet.ModuleVersion{ms.Modules, ms.Optional} {
		for _, mv := range list {
			v := mv.Version
			if mv.Missing {
				v = "missing"
			}
			fl.add(p, mv.Name, "module", "mailscanner_version.module."+mv.Name, v, cmpPerl)
		}
	}
}

// lintNoise strips timestamps and PIDs from SpamAssassin's lint lines so
// that the same message compares equal across hosts.
var lintNoise = regexp.MustCompile(`^(?:[A-Z][a-z]{2} +\d+ [\d:.]+ )?(?:\[\d+\] )?`)

// lintScanTemp is the per-run part of libclamav's scan directory in
// MailScanner 4.84.3's lint ("LibClamAV Error: Can't create temporary
// directory for scan: .../tmp.ESeHyks5kn/20261130_201944-scantemp.c9a05d8b47."):
// mktemp's name, the time and a random suffix.
var lintScanTemp = regexp.MustCompile(`/tmp\.[A-Za-z0-9]+/\d{8}_\d{6}-scantemp\.[0-9a-f]+`)

func lintKey(text string) string {
	text = lintScanTemp.ReplaceAllString(text, "/tmp.XXXXXXXXXX/DATE_TIME-scantemp.XXXXXXXXXX")
	return strings.TrimSpace(lintNoise.ReplaceAllString(text, ""))
}

func (fl *flattener) lint(l *fleet.Lint) {
	p := probeLint
	fl.add(p, "", "timed_out", "mailscanner_lint.timed_out", boolStr(l.TimedOut), cmpExact)
	if l.TimedOut {
		return // the rest of the output is incomplete
	}
	fl.add(p, "", "exit_code", "mailscanner_lint.exit_code", strconv.Itoa(l.ExitCode), cmpExact)
	if l.Died != nil {
		fl.add(p, "", "died", "mailscanner_lint.died", lintKey(l.Died.Text), cmpExact)
	}
	for _, m := range l.Errors {
		t := lintKey(m.Text)
		fl.add(p, t, "error", "mailscanner_lint.errors["+t+"]", "present", cmpExact)
	}
	for _, m := range l.Warnings {
		t := lintKey(m.Text)
		fl.add(p, t, "warning", "mailscanner_lint.warnings["+t+"]", "present", cmpExact)
	}
	if l.VersionOK != nil {
		fl.add(p, "", "version_ok", "mailscanner_lint.version_ok", boolStr(*l.VersionOK), cmpExact)
	}
	if l.SpamAssassin != "" {
		fl.add(p, "", "spamassassin", "mailscanner_lint.spamassassin", l.SpamAssassin, cmpExact)
	}
	if len(l.VirusScannersFound) > 0 {
		found := slices.Sorted(slices.Values(l.VirusScannersFound))
		fl.add(p, "", "virus_scanners_found", "mailscanner_lint.virus_scanners_found", strings.Join(found, ","), cmpExact)
	}
	if l.Infections >= 0 {
		fl.add(p, "", "infections", "mailscanner_lint.infections", strconv.Itoa(l.Infections), cmpExact)
	}
	fl.add(p, "", "tmp_permission", "mailscanner_lint.tmp_permission", boolStr(l.TmpPermission), cmpExact)
}

func (fl *flattener) perl(pl *fleet.Perl) {
	p := probePerl
	fl.add(p, "", "version", "perl.version", pl.Version, cmpPerl)
	fl.add(p, "", "path", "perl.path", pl.Path, cmpExact)
	fl.add(p, "", "archname", "perl.archname", pl.Archname, cmpExact)
	fl.add(p, "", "inc", "perl.inc", strings.Join(pl.INC, " "), cmpExact)
	for k, v := range pl.Dirs {
		fl.add(p, k, "dir", "perl.dirs."+k, v, cmpExact)
	}
}

// ownerValue is the stable description of who owns a module file: the
// manager and package, not its version (that is the version fact).
func ownerValue(o fleet.Owner) string {
	if o.Unowned() {
		return "none"
	}
	v := o.Manager + ":" + o.Package
	if mailScannerBuild(o) {
		v += " (MailScanner build)"
	}
	return v
}

// mailScannerBuild reports whether an RPM was built by MailScanner's
// installer, which recognises its own builds by the packager.
func mailScannerBuild(o fleet.Owner) bool {
	return strings.Contains(strings.ToLower(o.Packager), "mailscanner")
}

func (fl *flattener) modules(pm *fleet.PerlModules) {
	p := probeModules
	for _, m := range pm.Modules {
		k := "perl_modules." + m.Name + "."
		loads := "yes"
		if !m.Loads {
			loads = "no"
		}
		// A module inspected only because it has several copies is listed
		// on some hosts and not others: its absence means one copy, not
		// a missing module.
		dup := m.Source == "duplicate"
		fl.addModule(m.Name, "loads", k+"loads", loads, cmpExact, dup)
		fl.add(p, m.Name, "copies", k+"copies", strconv.Itoa(len(m.Copies)), cmpExact)
		if _, c, ok := loadedCopy(m); ok {
			fl.addModule(m.Name, "version", k+"version", c.Version, cmpPerl, dup)
			fl.addModule(m.Name, "owner", k+"owner", ownerValue(c.Owner), cmpExact, dup)
			fl.addModule(m.Name, "path", k+"path", c.Path, cmpExact, dup)
		}
	}
	for i := len(pm.CPANLog) - 1; i >= 0; i-- {
		// The last install of a module in perllocal.pod is the current one;
		// adding it first makes it survive deduplication.
		c := pm.CPANLog[i]
		fl.add(p, c.Module, "cpan_log", "perl_modules.cpan_log."+c.Module, c.Version, cmpPerl)
	}
}

func (fl *flattener) packages(pk *fleet.Packages) {
	p := probePackages
	cmp := cmpRPM
	if pk.Manager == "dpkg" {
		cmp = cmpDpkg
	}
	fl.add(p, "", "manager", "packages.manager", pk.Manager, cmpExact)
	// Multilib systems list a package once per arch: join the versions.
	versions := map[string][]string{}
	for _, pkg := range pk.Packages {
		versions[pkg.Name] = append(versions[pkg.Name], evr(pkg))
	}
	for name, vs := range versions {
		slices.Sort(vs)
		vs = slices.Compact(vs)
		fl.add(p, name, "version", "packages."+name, strings.Join(vs, ","), cmp)
	}
	for tool, v := range pk.Tools {
		fl.add(p, tool, "tool", "packages.tools."+tool, v, cmpExact)
	}
}

// evr formats a package version as [epoch:]version[-release].
func evr(p fleet.Package) string {
	v := p.Version
	if p.Release != "" {
		v += "-" + p.Release
	}
	if p.Epoch != "" && p.Epoch != "0" {
		v = p.Epoch + ":" + v
	}
	return v
}

func (fl *flattener) config(c *fleet.MailScannerConfig) {
	p := probeConfig
	for k, v := range c.Values {
		val := v.Value
		if v.Secret {
			val = "secret:" + val
		}
		fl.add(p, k, "", "mailscanner_config."+k, val, cmpConfig)
	}
}

func (fl *flattener) processes(pr *fleet.Processes) {
	p := probeProcesses
	fl.add(p, "", "running", "processes.running", boolStr(len(pr.Master) > 0), cmpExact)
	fl.add(p, "", "children", "processes.children", strconv.Itoa(len(pr.Children)), cmpNoise)
	var cpu int64
	for _, c := range pr.Children {
		cpu = max(cpu, c.CPUSec)
	}
	fl.add(p, "", "max_child_cpu_sec", "processes.max_child_cpu_sec", strconv.FormatInt(cpu, 10), cmpNoise)
	pids := make([]string, 0, len(pr.Master))
	for _, m := range pr.Master {
		pids = append(pids, strconv.Itoa(m.PID))
	}
	fl.add(p, "", "master_pids", "processes.master_pids", strings.Join(pids, ","), cmpNoise)
}

// equalValues reports whether two values of a fact are the same under the
// fact's comparison.
func equalValues(cmp cmpKind, a, b string) bool {
	if a == b {
		return true
	}
	switch cmp {
	case cmpPerl:
		return PerlVersionCompare(a, b) == 0
	case cmpRPM:
		return RPMVersionCompare(a, b) == 0 && !strings.Contains(a, ",") && !strings.Contains(b, ",")
	case cmpDpkg:
		return DpkgVersionCompare(a, b) == 0 && !strings.Contains(a, ",") && !strings.Contains(b, ",")
	case cmpConfig:
		return configNorm(a) == configNorm(b)
	}
	return false
}

// noiseDiff reports whether a difference between a and b is noise.
func noiseDiff(cmp cmpKind, a, b string) bool {
	switch cmp {
	case cmpNoise:
		return true
	case cmpNear:
		x, err1 := strconv.ParseFloat(a, 64)
		y, err2 := strconv.ParseFloat(b, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		hi := max(x, y)
		return hi == 0 || (hi-min(x, y))/hi <= 0.2
	}
	return false
}

// configNorm folds MailScanner's boolean spellings and whitespace.
func configNorm(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	switch strings.ToLower(v) {
	case "yes", "1", "on", "true":
		return "1"
	case "no", "0", "off", "false":
		return "0"
	}
	return v
}
