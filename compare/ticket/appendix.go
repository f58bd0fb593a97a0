package ticket

import (
	"fmt"
	"slices"
	"strings"
	"unsafe"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// factRow is one line of the key facts table: hosts with the same facts.
type factRow struct {
	Label, Status                 string
	OS, Kernel, Perl, MailScanner string
	Mounts                        []string
}

// moduleView is where a differing Perl module comes from on each host.
type moduleView struct {
	Name string
	Rows []moduleRow
}

type moduleRow struct {
	Label, Loads, LoadError, CPAN string
	// Copies are the files in @INC order; the first is the one perl loads.
	Copies []string
}

// probeIssue is a probe that did not finish cleanly on some hosts.
type probeIssue struct {
	Label, Probe, Status, Error string
}

// commandView is one exact remote command and the hosts it ran on.
type commandView struct {
	ID, Label, Probe, Command string
	Sudo                      bool
}

// labelled returns the groups' rows, each labelled with its group's hosts.
func labelled[T any](g *view.Grouper[T], label func(*T) *string) []T {
	out := make([]T, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		r := grp.Value
		*label(&r) = grp.Label()
		out = append(out, r)
	}
	return out
}

// keyFacts lists each host's OS, Perl, MailScanner and mounts of interest,
// hosts with the same facts on one row.
func keyFacts(r *compare.Report, byHost map[string]*fleet.Snapshot) []factRow {
	var g view.Grouper[factRow]
	for _, h := range r.Hosts {
		row := factRow{Status: txt(view.StatusText(h.Status)), OS: "–", Kernel: "–", Perl: "–", MailScanner: "–"}
		if s := byHost[h.Host]; s != nil && h.Status.Assessed() {
			f := &s.Facts
			if f.OS != nil {
				row.OS = txt(strings.TrimSpace(f.OS.Distro))
				row.Kernel = txt(strings.TrimSpace(f.OS.KernelRelease + " " + f.OS.Arch))
			}
			if f.Perl != nil {
				row.Perl = txt(strings.TrimSpace(f.Perl.Version + " " + f.Perl.Archname))
			}
			if f.MailScanner != nil {
				p := f.MailScanner.Product
				if p == "" {
					p = "MailScanner"
				}
				row.MailScanner = txt(p + " " + f.MailScanner.Version)
			}
			if f.Mounts != nil {
				for _, pm := range f.Mounts.Paths {
					row.Mounts = append(row.Mounts, txt(mountText(pm)))
				}
			}
		}
		g.Add(view.Key(row), row, txt(h.Host))
	}
	return labelled(&g, func(r *factRow) *string { return &r.Label })
}

// mountText describes the mount holding a directory of interest.
func mountText(pm fleet.PathMount) string {
	if !pm.Exists {
		return pm.Path + ": does not exist"
	}
	var flags []string
	for _, fl := range []struct {
		on   bool
		name string
	}{{pm.NoExec, "noexec"}, {pm.NoSuid, "nosuid"}, {pm.NoDev, "nodev"}, {pm.ReadOnly, "ro"}} {
		if fl.on {
			flags = append(flags, fl.name)
		}
	}
	s := pm.Path
	if pm.RealPath != "" && pm.RealPath != pm.Path {
		s += " (" + pm.RealPath + ")"
	}
	s += ": " + pm.MountPoint
	if pm.Type != "" {
		s += " " + pm.Type
	}
	if len(flags) > 0 {
		s += " " + strings.Join(flags, ",")
	} else {
		s += " exec,rw"
	}
	return s
}

// moduleViews shows, for every module that differs on some host, where
// each host loads it from, hosts with the same provenance on one row.
func moduleViews(r *compare.Report, byHost map[string]*fleet.Snapshot) []moduleView {
	var names []string
	for _, h := range r.Hosts {
		for _, f := range h.Findings {
			if _, n, _, ok := view.ModuleFact(f.Fact); ok && !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	var out []moduleView
	for _, name := range names {
		var g view.Grouper[moduleRow]
		for _, h := range r.Hosts {
			s := byHost[h.Host]
			if s == nil || !h.Status.Assessed() || s.Facts.PerlModules == nil {
				continue
			}
			row := moduleRow{Loads: "not inspected"}
			for _, m := range s.Facts.PerlModules.Modules {
				if m.Name != name {
					continue
				}
				row.Loads = "no"
				if m.Loads {
					row.Loads = "yes"
				}
				row.LoadError = txt(firstLine(m.LoadError))
				for _, c := range m.Copies {
					row.Copies = append(row.Copies, txt(copyText(c)))
				}
				break
			}
			for _, c := range s.Facts.PerlModules.CPANLog {
				if c.Module == name {
					row.CPAN = txt(strings.TrimSpace(c.Version + " " + c.Date))
				}
			}
			g.Add(view.Key(row), row, txt(h.Host))
		}
		rows := labelled(&g, func(r *moduleRow) *string { return &r.Label })
		if len(rows) > 0 {
			out = append(out, moduleView{Name: txt(name), Rows: rows})
		}
	}
	return out
}

func copyText(c fleet.ModuleCopy) string {
	v := c.Version
	if v == "" {
		v = "no $VERSION"
	}
	return fmt.Sprintf("%s %s (%s)", c.Path, v, c.Owner)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i]) + " …"
	}
	return s
}

// commands lists the probes that did not finish cleanly, and every exact
// remote command with the hosts it ran on.
func commands(r *compare.Report, byHost map[string]*fleet.Snapshot) ([]probeIssue, []commandView) {
	var issues view.Grouper[probeIssue]
	var cmds view.Grouper[commandView]
	// A probe's command is one string shared by every host of a stored
	// run: its view and key are made once per string.
	type shown struct {
		cv  commandView
		key string
	}
	type command struct {
		text  *byte
		n     int
		probe string
		sudo  bool
	}
	made := map[command]shown{}
	for _, h := range r.Hosts {
		s := byHost[h.Host]
		if s == nil {
			continue
		}
		name := txt(h.Host)
		probes := make([]string, 0, len(s.Probes))
		for p := range s.Probes {
			probes = append(probes, p)
		}
		slices.Sort(probes)
		for _, p := range probes {
			pr := s.Probes[p]
			switch pr.Status {
			case fleet.ProbeOK, fleet.ProbeNotApplicable, fleet.ProbeSkipped:
			default:
				is := probeIssue{Probe: txt(p), Status: txt(string(pr.Status)), Error: txt(firstLine(pr.Error))}
				issues.Add(view.Key(is), is, name)
			}
			if pr.Command == "" {
				continue
			}
			id := command{unsafe.StringData(pr.Command), len(pr.Command), p, pr.Sudo}
			sh, ok := made[id]
			if !ok {
				sh.cv = commandView{Probe: txt(p), Command: txt(strings.TrimRight(pr.Command, "\n")), Sudo: pr.Sudo}
				sh.key = view.Key(sh.cv)
				made[id] = sh
			}
			cmds.Add(sh.key, sh.cv, name)
		}
	}
	is := labelled(&issues, func(r *probeIssue) *string { return &r.Label })
	cs := labelled(&cmds, func(r *commandView) *string { return &r.Label })
	slices.SortStableFunc(cs, func(a, b commandView) int { return strings.Compare(a.Probe, b.Probe) })
	for i := range cs {
		cs[i].ID = fmt.Sprintf("cmd%d", i+1)
	}
	return is, cs
}
