package compare

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// spaceHigh is the use, in percent of blocks or inodes, from which a
// filesystem is nearly full: a warning when the baseline's stays below.
const spaceHigh = 90

// Space levels of a filesystem, as flattened (disk_space.DIR.blocks and
// .inodes) and compared exactly.
const (
	spaceOK   = "ok"
	spaceHi   = "high"
	spaceFull = "full"
)

// spaceLevel is the level of one df line; "" when unknown.
func spaceLevel(u *fleet.Usage) string {
	switch {
	case u == nil || u.Total <= 0:
		return ""
	case u.Full():
		return spaceFull
	case u.UsedPercent >= spaceHigh:
		return spaceHi
	}
	return spaceOK
}

func (fl *flattener) diskSpace(ds *fleet.DiskSpace) {
	p := fleet.ProbeDiskSpace
	for _, d := range ds.Dirs {
		k := p + "." + d.Path + "."
		if d.Hung {
			fl.add(p, d.Path, "hung", k+"hung", "true", cmpExact)
			continue
		}
		fl.add(p, d.Path, "mount_point", k+"mount_point", d.MountPoint, cmpNoise)
		for _, u := range []struct {
			attr string
			u    *fleet.Usage
		}{{"blocks", d.Blocks}, {"inodes", d.Inodes}} {
			if lvl := spaceLevel(u.u); lvl != "" {
				fl.add(p, d.Path, u.attr, k+u.attr, lvl, cmpExact)
				fl.add(p, d.Path, u.attr+"_used_percent", k+u.attr+"_used_percent", strconv.Itoa(u.u.UsedPercent), cmpNoise)
			}
		}
	}
}

// dirSpaceOf returns the DirSpace of path on s.
func dirSpaceOf(s *fleet.Snapshot, path string) (fleet.DirSpace, bool) {
	if s == nil || s.Facts.DiskSpace == nil {
		return fleet.DirSpace{}, false
	}
	for _, d := range s.Facts.DiskSpace.Dirs {
		if d.Path == path {
			return d, true
		}
	}
	return fleet.DirSpace{}, false
}

// spaceProblem is what is wrong with one filesystem of a host.
type spaceProblem struct {
	mountPoint, device string
	severity           Severity
	full, inodes, hung bool
	dirs               []fleet.DirSpace
}

// diskSpace explains filesystems MailScanner writes to that are full or
// out of inodes (critical: MailScanner cannot take or unpack mail), nearly
// full while the baseline's are not (warning), or where df never returned
// (a stale network mount, on which MailScanner hangs as df did). One cause
// per filesystem.
func diskSpace(in Input) []Cause {
	ds := in.Host.Facts.DiskSpace
	if ds == nil {
		return nil
	}
	var probs []*spaceProblem
	byMount := map[string]*spaceProblem{}
	for _, d := range ds.Dirs {
		bl, il := spaceLevel(d.Blocks), spaceLevel(d.Inodes)
		sev, ok := Severity(""), false
		switch {
		case d.Hung:
			sev, ok = Warning, true
		case bl == spaceFull || il == spaceFull:
			sev, ok = Critical, true
		case bl == spaceHi || il == spaceHi:
			bd, _ := dirSpaceOf(in.Base, d.Path)
			ok = (bl == spaceHi && spaceLevel(bd.Blocks) != spaceHi && spaceLevel(bd.Blocks) != spaceFull) ||
				(il == spaceHi && spaceLevel(bd.Inodes) != spaceHi && spaceLevel(bd.Inodes) != spaceFull)
			sev = Warning
		}
		if !ok {
			continue
		}
		key := d.MountPoint
		if d.Hung || key == "" {
			key = "\x00" + d.Path
		}
		p := byMount[key]
		if p == nil {
			p = &spaceProblem{mountPoint: d.MountPoint, device: d.Device, severity: sev}
			byMount[key] = p
			probs = append(probs, p)
		}
		if sev.Rank() < p.severity.Rank() {
			p.severity = sev
		}
		p.full = p.full || bl == spaceFull
		p.inodes = p.inodes || il == spaceFull || (il == spaceHi && bl != spaceFull)
		p.hung = p.hung || d.Hung
		p.dirs = append(p.dirs, d)
	}
	var out []Cause
	for _, p := range probs {
		out = append(out, spaceCause(in, p))
	}
	return out
}

// spaceCause is the cause of one filesystem's problem.
func spaceCause(in Input, p *spaceProblem) Cause {
	var paths []string
	c := Cause{Severity: p.severity}
	for _, d := range p.dirs {
		paths = append(paths, d.Path)
		c.Evidence = append(c.Evidence, spaceEvidence(in, d))
	}
	c.Findings = factsOf(in.Findings, func(f Finding) bool {
		return (f.Probe == fleet.ProbeDiskSpace || (f.Probe == fleet.ProbeMounts && f.attr == "free_kb")) && slices.Contains(paths, f.subject)
	})
	where := strings.Join(paths, ", ")
	mp := p.mountPoint
	switch {
	case p.hung:
		c.Summary = fmt.Sprintf("df never returned for %s: a stale or hung network mount, on which MailScanner hangs too", where)
		c.Fix = fmt.Sprintf("find the mount: `grep -E 'nfs|cifs' /proc/mounts`; bring its server back or `umount -l` it, then point %s at a local filesystem", where)
		return c
	case p.full && p.inodes:
		c.Summary = fmt.Sprintf("the filesystem of %s is full and out of inodes: MailScanner cannot queue, unpack or quarantine mail", where)
	case p.full:
		c.Summary = fmt.Sprintf("the filesystem of %s is full: MailScanner cannot queue, unpack or quarantine mail", where)
	case p.inodes && p.severity == Critical:
		c.Summary = fmt.Sprintf("the filesystem of %s has no free inodes: no file can be created there, whatever the free space", where)
	default:
		c.Summary = fmt.Sprintf("the filesystem of %s is at least %d%% used, while the baseline's is not", where, spaceHigh)
	}
	if p.inodes {
		c.Fix = fmt.Sprintf("find the directories with most files: `find %s -xdev -type f | sed 's|/[^/]*$||' | sort | uniq -c | sort -n | tail`; clear old quarantine and stale work directories, or grow the filesystem", mp)
	} else {
		c.Fix = fmt.Sprintf("find what fills it: `du -xk %s | sort -n | tail -20`; clear old quarantine (`Quarantine Days`) and stale work directories, or grow the filesystem", mp)
	}
	return c
}

// spaceEvidence is one directory's line: where it lives and its use, with
// the baseline's.
func spaceEvidence(in Input, d fleet.DirSpace) string {
	line := fmt.Sprintf("%s (%s) on %s (%s)", d.Path, strings.Join(d.Sources, ", "), orNone(d.MountPoint), orNone(d.Device))
	if d.Hung {
		return line + ": df did not return before the probe's deadline"
	}
	line += ": " + usageText(d.Blocks, d.Inodes)
	if bd, ok := dirSpaceOf(in.Base, d.Path); ok && !bd.Hung {
		line += "; baseline " + usageText(bd.Blocks, bd.Inodes)
	}
	return line
}

func usageText(blocks, inodes *fleet.Usage) string {
	var parts []string
	if blocks != nil {
		parts = append(parts, fmt.Sprintf("%d%% of %d KB used, %d KB free", blocks.UsedPercent, blocks.Total, blocks.Free))
	}
	if inodes != nil {
		parts = append(parts, fmt.Sprintf("%d%% of %d inodes used, %d free", inodes.UsedPercent, inodes.Total, inodes.Free))
	}
	if len(parts) == 0 {
		return "unknown"
	}
	return strings.Join(parts, ", ")
}
