package probe

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// PerlModules finds every copy of MailScanner's modules (and of any module
// with more than one copy) in @INC, their static versions and owners,
// whether each loads, and CPAN's perllocal.pod install log. Extra module
// names from the inventory travel on standard input (see PerlModuleStdin),
// after the modules MailScanner -v loaded when it ran in the same session
// (mailScannerLoads): those are not loaded again.
var PerlModules = register(Probe{
	Name:    fleet.ProbePerlModules,
	Command: "LC_ALL=C; export LC_ALL\n" + perlExec + "'" + perlModulesProgram() + "'",
	Stdin:   PerlModuleStdin,
	Handoff: mailScannerLoads,
	Parse:   parsePerlModules,
})

// validModuleName says whether name looks like a Perl module name,
// ^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*$: the remote Perl code applies
// the same pattern to what it reads. It is written out rather than a
// regular expression because it runs on every module line of every host.
func validModuleName(name string) bool {
	word := func(c byte) bool {
		return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	if name == "" || !word(name[0]) || '0' <= name[0] && name[0] <= '9' {
		return false
	}
	for i := 1; i < len(name); {
		switch {
		case word(name[i]):
			i++
		case name[i] == ':' && i+2 < len(name) && name[i+1] == ':' && word(name[i+2]):
			i += 3
		default:
			return false
		}
	}
	return true
}

// PerlModuleStdin returns the perl_modules probe's standard input: the
// valid names among the inventory's extra modules, one per line. Invalid
// names are dropped (the remote side checks again).
func PerlModuleStdin(extra []string) []byte {
	var b strings.Builder
	for _, m := range extra {
		if len(m) <= 200 && validModuleName(m) {
			b.WriteString(m)
			b.WriteByte('\n')
		}
	}
	return []byte(b.String())
}

// Limits keep the facts of one host bounded whatever the output.
const (
	maxModules     = 5000
	maxCopies      = 64
	maxCPANEntries = 5000
)

func parsePerlModules(r Result, f *fleet.Facts) error {
	return store(&f.PerlModules, readPerlModules, r.Stdout)
}

// readPerlModules parses the records of perlModulesScript.
func readPerlModules(b []byte) (*fleet.PerlModules, error) {
	// The list and the maps are sized for the records, as the output holds
	// hundreds.
	records := min(bytes.Count(b, []byte("\nM\t"))+1, maxModules)
	out := &fleet.PerlModules{Modules: make([]fleet.PerlModule, 0, records), CPANLog: []fleet.CPANInstall{}}
	index := make(map[string]int, records)
	owners := make(map[string]fleet.Owner, bytes.Count(b, []byte("\nO\t"))+1)
	var pods podReader
	seenLoad := false
	var fs []string // the fields of one line, reused
	for _, line := range splitLines(b, 0) {
		fs = fs[:0]
		for {
			f, rest, more := strings.Cut(line, "\t")
			fs = append(fs, capString(clean(f), 1024))
			if !more {
				break
			}
			line = rest
		}
		switch {
		case fs[0] == "M" && len(fs) >= 3:
			if _, ok := index[fs[1]]; ok || len(out.Modules) >= maxModules || !validModuleName(fs[1]) {
				continue
			}
			index[fs[1]] = len(out.Modules)
			out.Modules = append(out.Modules, fleet.PerlModule{Name: fs[1], Source: fs[2], Copies: []fleet.ModuleCopy{}})
		case fs[0] == "C" && len(fs) >= 5:
			i, ok := index[fs[1]]
			if !ok || len(out.Modules[i].Copies) >= maxCopies {
				continue
			}
			out.Modules[i].Copies = append(out.Modules[i].Copies, fleet.ModuleCopy{Path: fs[2], IncDir: fs[3], Version: fs[4]})
		case fs[0] == "O" && len(fs) >= 7:
			if len(owners) < maxModules*4 {
				owners[fs[1]] = fleet.Owner{Manager: fs[2], Package: fs[3], Version: strings.TrimPrefix(fs[4], "(none):"), Vendor: none(fs[5]), Packager: none(fs[6])}
			}
		case fs[0] == "L" && len(fs) >= 5:
			i, ok := index[fs[1]]
			if !ok {
				continue
			}
			seenLoad = true
			m := &out.Modules[i]
			m.Loads = fs[2] == "1"
			m.LoadedPath = fs[3]
			m.LoadError = loadError(fs[4])
			m.LoadedBy = ""
			if len(fs) >= 6 && fs[5] == mailScannerLoads.From && m.Loads {
				m.LoadedBy = fs[5]
			}
		case fs[0] == "P" && len(fs) >= 3:
			pods.line(fs[1], strings.Join(fs[2:], " "))
		case fs[0] == "X" && len(fs) >= 3 && fs[1] == "truncated":
			out.ScanTruncated = fs[2] == "1"
		}
	}
	if len(out.Modules) == 0 {
		return nil, errors.New("perl_modules: no modules in output")
	}
	if !seenLoad {
		return nil, errors.New("perl_modules: output ends before the load check")
	}
	for i := range out.Modules {
		for j := range out.Modules[i].Copies {
			c := &out.Modules[i].Copies[j]
			c.Owner = owners[c.Path]
		}
	}
	out.CPANLog = pods.done()
	if len(out.CPANLog) > maxCPANEntries {
		out.CPANLog = out.CPANLog[:maxCPANEntries]
	}
	// Names are unique (index): no two modules compare equal.
	slices.SortFunc(out.Modules, func(a, b fleet.PerlModule) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// none maps RPM's "(none)" to "".
func none(s string) string {
	if s == "(none)" {
		return ""
	}
	return s
}

// loadError shortens Perl's require error: each "(@INC contains: ...)"
// or "(@INC entries checked: ...)" list with the white space before it
// (the list is known from the perl probe) and the probe's own final
// " at -e line N." or " at (eval N) line N" are dropped. It is written out
// rather than regular expressions because it runs on every module that
// does not load, on every host; TestLoadErrorMatchesPatterns holds it to
// the patterns.
func loadError(s string) string {
	return strings.TrimSpace(dropAtLine(dropINC(s)))
}

// dropINC removes every match of \s*\(@INC (contains|entries checked): [^)]*\)
// from s, as regexp's ReplaceAllString does.
func dropINC(s string) string {
	var b []byte
	matched := false
	copied, from := 0, 0
	for {
		i := strings.Index(s[from:], "(@INC ")
		if i < 0 {
			break
		}
		i += from
		from = i + 1
		rest := s[i+len("(@INC "):]
		switch {
		case strings.HasPrefix(rest, "contains: "):
			rest = rest[len("contains: "):]
		case strings.HasPrefix(rest, "entries checked: "):
			rest = rest[len("entries checked: "):]
		default:
			continue
		}
		j := strings.IndexByte(rest, ')')
		if j < 0 {
			break // no later list is closed either
		}
		// The match starts at the white space before "(@INC ", back to
		// the end of the previous match at most.
		start := i
		for start > copied && isREspace(rune(s[start-1])) {
			start--
		}
		b = append(b, s[copied:start]...)
		matched = true
		copied = len(s) - len(rest) + j + 1
		from = copied
	}
	if !matched {
		return s
	}
	return string(append(b, s[copied:]...))
}

// dropAtLine removes a final match of  at (-e|\(eval \d+\)) line \d+\.?$
// from s.
func dropAtLine(s string) string {
	t := strings.TrimSuffix(s, ".")
	if t = trimDigits(t); t == "" {
		return s
	}
	t, ok := strings.CutSuffix(t, " line ")
	if !ok {
		return s
	}
	if t, ok := strings.CutSuffix(t, " at -e"); ok {
		return t
	}
	t, ok = strings.CutSuffix(t, ")")
	if !ok {
		return s
	}
	if t = trimDigits(t); t == "" {
		return s
	}
	if t, ok := strings.CutSuffix(t, " at (eval "); ok {
		return t
	}
	return s
}

// trimDigits returns s without the ASCII digits it ends with, or "" if it
// does not end with one.
func trimDigits(s string) string {
	n := len(s)
	for n > 0 && '0' <= s[n-1] && s[n-1] <= '9' {
		n--
	}
	if n == len(s) {
		return ""
	}
	return s[:n]
}

// isREspace is \s of Go's regular expressions.
func isREspace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\f' || r == '\r' }

// podReader assembles perllocal.pod entries from their =head2 and C<...> lines.
type podReader struct {
	out []fleet.CPANInstall
	cur *fleet.CPANInstall
}

// head2Re matches "=head2 Wed Jan 30 02:11:03 2008: C<Module> L<Mail::ClamAV|Mail::ClamAV>".
var head2Re = regexp.MustCompile(`^=head2\s+(.*?):\s+C<(?:Module|Script)>\s+L<([^|>]+)`)

func (p *podReader) line(file, l string) {
	if m := head2Re.FindStringSubmatch(l); m != nil {
		p.flush()
		p.cur = &fleet.CPANInstall{Module: m[2], Date: m[1], Dir: ""}
		return
	}
	if p.cur == nil || len(p.out) >= maxCPANEntries {
		return
	}
	if v, ok := podField(l, "VERSION: "); ok {
		p.cur.Version = v
	} else if v, ok := podField(l, "installed into: "); ok {
		p.cur.Dir = v
	}
}

// podField reads "C<name value>" from a perllocal.pod line.
func podField(l, name string) (string, bool) {
	i := strings.Index(l, "C<"+name)
	if i < 0 {
		return "", false
	}
	v := l[i+2+len(name):]
	if j := strings.LastIndexByte(v, '>'); j >= 0 {
		v = v[:j]
	}
	return strings.TrimSpace(v), true
}

func (p *podReader) flush() {
	if p.cur != nil && len(p.out) < maxCPANEntries {
		p.out = append(p.out, *p.cur)
	}
	p.cur = nil
}

func (p *podReader) done() []fleet.CPANInstall {
	p.flush()
	if p.out == nil {
		return []fleet.CPANInstall{}
	}
	return p.out
}
