package compare

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/fleetcheck/fleetcheck/fleet"
)

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

// top adds a fact about the host as a whole, keyed probe.attr.
func (fl *flattener) top(probe, attr, value string, cmp cmpKind) {
	fl.add(probe, "", attr, probe+"."+attr, value, cmp)
}

// addModule adds a perl_modules fact; dup marks facts of a module listed
// only for its duplicate copies, which are compared only when both sides
// list the module.
func (fl *flattener) addModule(subject, attr, key, value string, cmp cmpKind, dup bool) {
	fl.add(fleet.ProbePerlModules, subject, attr, key, value, cmp)
	fl.facts[len(fl.facts)-1].onlyBoth = dup
}

func boolStr(b bool) string { return strconv.FormatBool(b) }

// flatten returns every fact of s, sorted by key, with keys unique. With
// fc, each probe's facts are flattened once per facts value: hosts of a
// stored run share the facts they hold byte for byte the same.
func flatten(s *fleet.Snapshot, fc *flatCache) []fact {
	f := &s.Facts
	var chunks [][]fact
	n := 0
	for _, name := range fleet.ProbeNames() {
		v := f.Get(name)
		if v == nil {
			continue
		}
		chunk, ok := fc.get(v)
		if !ok {
			chunk = flattenProbe(name, v)
			fc.put(v, chunk)
		}
		if len(chunk) > 0 {
			chunks = append(chunks, chunk)
		}
		n += len(chunk)
	}
	// Each chunk is sorted with unique keys; in the order of their first
	// keys, chunks whose key ranges do not overlap are already the answer.
	slices.SortFunc(chunks, func(a, b []fact) int { return strings.Compare(a[0].key, b[0].key) })
	fl := &flattener{facts: make([]fact, 0, n+2*len(f.Custom))}
	ordered := len(f.Custom) == 0
	for i, c := range chunks {
		if i > 0 && ordered && chunks[i-1][len(chunks[i-1])-1].key >= c[0].key {
			ordered = false
		}
		fl.facts = append(fl.facts, c...)
	}
	if ordered {
		return fl.facts
	}
	// Back to the order facts were added in, which decides duplicates.
	fl.facts = fl.facts[:0]
	for _, name := range fleet.ProbeNames() {
		if v := f.Get(name); v != nil {
			c, _ := fc.get(v)
			if c == nil {
				c = flattenProbe(name, v)
			}
			fl.facts = append(fl.facts, c...)
		}
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

// flattenProbe returns the facts v of probe name, sorted by key.
func flattenProbe(name string, v any) []fact {
	fl := &flattener{}
	if flat, ok := flatteners[name]; ok {
		flat(fl, v)
	} else {
		fl.generic(name, v)
	}
	return sortFacts(fl.facts)
}

// flatCache remembers the flattened facts of the probe facts values it was
// given, by identity, up to a bound: facts shared by many hosts are
// flattened once, and facts of hosts of their own do not pile up. The nil
// flatCache remembers nothing.
// It is safe for concurrent use.
type flatCache struct {
	mu sync.Mutex
	m  map[any][]fact
}

// flatCacheSize bounds a flatCache; a run rarely has more distinct values
// of one probe's facts that many hosts share.
const flatCacheSize = 512

func (fc *flatCache) get(v any) ([]fact, bool) {
	if fc == nil {
		return nil, false
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	f, ok := fc.m[v]
	return f, ok
}

func (fc *flatCache) put(v any, f []fact) {
	if fc == nil {
		return
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.m == nil || len(fc.m) >= flatCacheSize {
		fc.m = make(map[any][]fact, 64)
	}
	fc.m[v] = f
}

// flatteners flatten the facts of the built-in probes, by probe name, into
// the keys the rules read. A probe without one is flattened generically.
var flatteners = map[string]func(*flattener, any){
	fleet.ProbeOS:                 flattenAs((*flattener).os),
	fleet.ProbeMounts:             flattenAs((*flattener).mounts),
	fleet.ProbeDiskSpace:          flattenAs((*flattener).diskSpace),
	fleet.ProbeMemory:             flattenAs((*flattener).memory),
	fleet.ProbeDNS:                flattenAs((*flattener).dns),
	fleet.ProbePerl:               flattenAs((*flattener).perl),
	fleet.ProbePerlModules:        flattenAs((*flattener).modules),
	fleet.ProbePackages:           flattenAs((*flattener).packages),
	fleet.ProbeMailScannerConfig:  flattenAs((*flattener).config),
	fleet.ProbeProcesses:          flattenAs((*flattener).processes),
	fleet.ProbeMailScannerVersion: flattenAs((*flattener).mailscanner),
	fleet.ProbeMailScannerLint:    flattenAs((*flattener).lint),
}

// flattenAs adapts a flattener of one facts type to the facts fleet.Facts.Get returns.
func flattenAs[T any](flat func(*flattener, T)) func(*flattener, any) {
	return func(fl *flattener, v any) { flat(fl, v.(T)) }
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
	p := fleet.ProbeOS
	fl.top(p, "distro", o.Distro, cmpExact)
	fl.top(p, "kernel_release", o.KernelRelease, cmpExact)
	if o.Arch != "" {
		fl.top(p, "arch", o.Arch, cmpExact)
	}
	if o.ID != "" {
		fl.top(p, "id", o.ID, cmpExact)
	}
	if o.VersionID != "" {
		fl.top(p, "version_id", o.VersionID, cmpExact)
	}
	if o.Family != "" {
		fl.top(p, "family", o.Family, cmpExact)
	}
	fl.top(p, "cpus", strconv.Itoa(o.CPUs), cmpExact)
	fl.top(p, "mem_total_kb", strconv.FormatInt(o.MemTotalKB, 10), cmpNear)
	fl.top(p, "hostname", o.Hostname, cmpNoise)
	fl.top(p, "uname", o.Uname, cmpNoise)
	fl.top(p, "uptime_seconds", strconv.FormatFloat(o.UptimeSeconds, 'f', 0, 64), cmpNoise)
	fl.top(p, "load", strconv.FormatFloat(o.Load[0], 'f', 2, 64), cmpNoise)
}

func (fl *flattener) mounts(m *fleet.Mounts) {
	p := fleet.ProbeMounts
	for _, pm := range m.Paths {
		k := p + "." + pm.Path + "."
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
	p := fleet.ProbeMailScannerVersion
	fl.top(p, "version", ms.Version, cmpPerl)
	if ms.Product != "" {
		fl.top(p, "product", ms.Product, cmpExact)
	}
	fl.top(p, "path", ms.Path, cmpExact)
	if ms.PerlVersion != "" {
		fl.top(p, "perl_version", ms.PerlVersion, cmpExact)
	}
	for _, list := range [][]fleet.ModuleVersion{ms.Modules, ms.Optional} {
		for _, mv := range list {
			v := mv.Version
			if mv.Missing {
				v = "missing"
			}
			fl.add(p, mv.Name, "module", p+".module."+mv.Name, v, cmpPerl)
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
	p := fleet.ProbeMailScannerLint
	fl.top(p, "timed_out", boolStr(l.TimedOut), cmpExact)
	if l.TimedOut {
		return // the rest of the output is incomplete
	}
	fl.top(p, "exit_code", strconv.Itoa(l.ExitCode), cmpExact)
	if l.Died != nil {
		fl.top(p, "died", lintKey(l.Died.Text), cmpExact)
	}
	for _, m := range l.Errors {
		t := lintKey(m.Text)
		fl.add(p, t, "error", p+".errors["+t+"]", "present", cmpExact)
	}
	for _, m := range l.Warnings {
		t := lintKey(m.Text)
		fl.add(p, t, "warning", p+".warnings["+t+"]", "present", cmpExact)
	}
	if l.VersionOK != nil {
		fl.top(p, "version_ok", boolStr(*l.VersionOK), cmpExact)
	}
	if l.SpamAssassin != "" {
		fl.top(p, "spamassassin", l.SpamAssassin, cmpExact)
	}
	if len(l.VirusScannersFound) > 0 {
		found := slices.Sorted(slices.Values(l.VirusScannersFound))
		fl.top(p, "virus_scanners_found", strings.Join(found, ","), cmpExact)
	}
	if l.Infections >= 0 {
		fl.top(p, "infections", strconv.Itoa(l.Infections), cmpExact)
	}
	fl.top(p, "tmp_permission", boolStr(l.TmpPermission), cmpExact)
}

func (fl *flattener) perl(pl *fleet.Perl) {
	p := fleet.ProbePerl
	fl.top(p, "version", pl.Version, cmpPerl)
	fl.top(p, "path", pl.Path, cmpExact)
	fl.top(p, "archname", pl.Archname, cmpExact)
	fl.top(p, "inc", strings.Join(pl.INC, " "), cmpExact)
	for k, v := range pl.Dirs {
		fl.add(p, k, "dir", p+".dirs."+k, v, cmpExact)
	}
}

func (fl *flattener) modules(pm *fleet.PerlModules) {
	p := fleet.ProbePerlModules
	for _, m := range pm.Modules {
		k := p + "." + m.Name + "."
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
			fl.addModule(m.Name, "owner", k+"owner", c.Owner.Identity(), cmpExact, dup)
			fl.addModule(m.Name, "path", k+"path", c.Path, cmpExact, dup)
		}
	}
	for i := len(pm.CPANLog) - 1; i >= 0; i-- {
		// The last install of a module in perllocal.pod is the current one;
		// adding it first makes it survive deduplication.
		c := pm.CPANLog[i]
		fl.add(p, c.Module, "cpan_log", p+".cpan_log."+c.Module, c.Version, cmpPerl)
	}
}

func (fl *flattener) packages(pk *fleet.Packages) {
	p := fleet.ProbePackages
	cmp := cmpRPM
	if pk.Manager == "dpkg" {
		cmp = cmpDpkg
	}
	fl.top(p, "manager", pk.Manager, cmpExact)
	// Multilib systems list a package once per arch: join the versions.
	versions := map[string][]string{}
	for _, pkg := range pk.Packages {
		versions[pkg.Name] = append(versions[pkg.Name], evr(pkg))
	}
	for name, vs := range versions {
		slices.Sort(vs)
		vs = slices.Compact(vs)
		fl.add(p, name, "version", p+"."+name, strings.Join(vs, ","), cmp)
	}
	for tool, v := range pk.Tools {
		fl.add(p, tool, "tool", p+".tools."+tool, v, cmpExact)
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
	p := fleet.ProbeMailScannerConfig
	secrets := map[string]bool{}
	for _, v := range c.Values {
		if v.Secret {
			secrets[v.Value] = true
		}
	}
	for k, v := range c.Values {
		val := v.Value
		switch {
		case v.Secret:
			val = "secret:" + val
		case strings.HasPrefix(k, "%") && secrets[fleet.Fingerprint(val)]:
			// A snapshot from before variables were checked: %sqlauth%
			// holds what "DB Password = %sqlauth%" hides.
			val = "secret:" + fleet.Fingerprint(val)
		}
		fl.add(p, k, "", p+"."+k, val, cmpConfig)
	}
}

func (fl *flattener) processes(pr *fleet.Processes) {
	p := fleet.ProbeProcesses
	fl.top(p, "running", boolStr(len(pr.Master) > 0), cmpExact)
	fl.top(p, "children", strconv.Itoa(len(pr.Children)), cmpNoise)
	var cpu int64
	for _, c := range pr.Children {
		cpu = max(cpu, c.CPUSec)
	}
	fl.top(p, "max_child_cpu_sec", strconv.FormatInt(cpu, 10), cmpNoise)
	pids := make([]string, 0, len(pr.Master))
	for _, m := range pr.Master {
		pids = append(pids, strconv.Itoa(m.PID))
	}
	fl.top(p, "master_pids", strings.Join(pids, ","), cmpNoise)
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
