package compare

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// family is one distribution's modules that differ together: a root
// module (Archive::Zip) and the submodules that move with it
// (Archive::Zip::Member, ...). A CPAN install, an RPM or a failed build
// touches every file of a distribution, so the causes name the
// distribution once instead of one cause per file.
type family struct {
	root    string
	members []string // submodules, sorted
}

// names returns the root and its members.
func (fm family) names() []string { return append([]string{fm.root}, fm.members...) }

// under reports whether name is a submodule of root.
func under(name, root string) bool {
	return len(name) > len(root)+2 && strings.HasPrefix(name, root) && name[len(root):len(root)+2] == "::"
}

// groupFamilies groups the modules a rule picked (names) by distribution:
// a module goes with its shortest ancestor among names. A submodule the
// rule did not pick joins its root's family when it has findings, is not in
// skip, and perl loads it from the same directory and owner as the root,
// which is how a distribution's files look (mail05's Archive::Zip::* files
// from MailScanner's perl-Archive-Zip RPM next to Archive/Zip.pm).
func groupFamilies(in Input, names, skip []string) []family {
	names = slices.Compact(slices.Sorted(slices.Values(names)))
	var out []family
	idx := map[string]int{}
	rootOf := func(name string) (string, bool) {
		for _, fm := range out {
			if under(name, fm.root) {
				return fm.root, true
			}
		}
		return "", false
	}
	// Sorted order puts Archive::Zip before Archive::Zip::Member, and a
	// shorter ancestor before a longer one.
	for _, n := range names {
		if r, ok := rootOf(n); ok {
			out[idx[r]].members = append(out[idx[r]].members, n)
			continue
		}
		idx[n] = len(out)
		out = append(out, family{root: n})
	}
	if len(out) == 0 {
		return nil
	}
	for _, n := range moduleSubjects(in.Findings, func(Finding) bool { return true }) {
		if slices.Contains(names, n) || slices.Contains(skip, n) {
			continue
		}
		r, ok := rootOf(n)
		if !ok || !sameSource(in.Host, r, n) {
			continue
		}
		fm := &out[idx[r]]
		fm.members = append(fm.members, n)
		slices.Sort(fm.members)
	}
	return out
}

// sameSource reports whether perl loads both modules from the same @INC
// directory and the same owner on the host.
func sameSource(s *fleet.Snapshot, a, b string) bool {
	if s == nil {
		return false
	}
	ma, oka := module(&s.Facts, a)
	mb, okb := module(&s.Facts, b)
	if !oka || !okb {
		return false
	}
	_, ca, oka := loadedCopy(ma)
	_, cb, okb := loadedCopy(mb)
	return oka && okb && ca.IncDir == cb.IncDir && ca.Owner.Identity() == cb.Owner.Identity()
}

// familyFacts returns the facts of findings about any module of fm.
func familyFacts(fs []Finding, fm family, attrs ...string) []string {
	var out []string
	for _, n := range fm.names() {
		out = append(out, ofModule(fs, n, attrs...)...)
	}
	return out
}

// membersLine says which submodules go with the root, e.g. "also
// shadowed: 11 submodules under /usr/local/share/perl/5.36.0/Archive/Zip/
// (Archive, BufferedFileHandle, ... +5 more)". It is "" without members.
func membersLine(in Input, fm family, verb string) string {
	if len(fm.members) == 0 {
		return ""
	}
	short := make([]string, len(fm.members))
	for i, m := range fm.members {
		short[i] = strings.TrimPrefix(m, fm.root+"::")
	}
	list := strings.Join(short[:min(6, len(short))], ", ")
	if len(short) > 6 {
		list += fmt.Sprintf(", +%d more", len(short)-6)
	}
	what := "submodule"
	if len(fm.members) > 1 {
		what += "s"
	}
	line := fmt.Sprintf("also %s: %d %s", verb, len(fm.members), what)
	if dir := membersDir(in, fm); dir != "" {
		line += " under " + dir
	}
	return line + " (" + list + ")"
}

// membersDir returns the directory all members are loaded from, with a
// trailing slash, or "" when they are not loaded from one directory tree.
func membersDir(in Input, fm family) string {
	var dirs []string
	for _, m := range fm.members {
		mm, ok := module(&in.Host.Facts, m)
		if !ok {
			return ""
		}
		_, c, ok := loadedCopy(mm)
		if !ok || c.Path == "" {
			return ""
		}
		dirs = append(dirs, path.Dir(c.Path))
	}
	common := dirs[0]
	for _, d := range dirs[1:] {
		for common != "/" && common != "." && d != common && !strings.HasPrefix(d, common+"/") {
			common = path.Dir(common)
		}
	}
	if common == "/" || common == "." {
		return ""
	}
	return common + "/"
}

// distFiles returns what to move to take a distribution's files out of
// perl's way: the root's loaded file, and its directory when every member
// is loaded from inside it, else each member's file. ok is false when a
// loaded path is unknown.
func distFiles(in Input, fm family) (files []string, ok bool) {
	hm, _ := module(&in.Host.Facts, fm.root)
	_, rc, have := loadedCopy(hm)
	if !have || rc.Path == "" {
		return nil, false
	}
	files = []string{rc.Path}
	dir := strings.TrimSuffix(rc.Path, ".pm") + "/"
	var each []string
	inside := true
	for _, m := range fm.members {
		mm, _ := module(&in.Host.Facts, m)
		_, c, have := loadedCopy(mm)
		if !have || c.Path == "" {
			return nil, false
		}
		inside = inside && strings.HasPrefix(c.Path, dir)
		each = append(each, c.Path)
	}
	switch {
	case len(fm.members) == 0:
	case inside:
		files = append(files, strings.TrimSuffix(dir, "/"))
	default:
		files = append(files, each...)
	}
	return files, true
}

// moveAside is the shell command that moves a distribution's unpackaged
// files out of @INC into ~/fleetcheck-shadowed/<Dist>/, where they can be
// moved back.
func moveAside(root string, files []string) string {
	dest := "~/fleetcheck-shadowed/" + strings.ReplaceAll(root, "::", "-")
	return fmt.Sprintf("mkdir -p %s && mv %s %s/", dest, strings.Join(files, " "), dest)
}

// checkLoad is the command that prints the file perl loads a module from.
func checkLoad(name string) string {
	return fmt.Sprintf("perl -M%s -e 'print $INC{q(%s)}, qq(\\n)'", name, modulePath(name))
}
