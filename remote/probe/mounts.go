package probe

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// mountDirs are the directories whose mount the mounts probe reports:
// where installers build and programs write temporary files, MailScanner's
// spool, and the shipped defaults of Incoming Work Dir, Quarantine Dir,
// Lockfile Dir and SpamAssassin Temporary Dir.
var mountDirs = []string{
	"/tmp", "/var/tmp", "/var/spool/MailScanner", "/var/spool/MailScanner/incoming",
	"/var/spool/MailScanner/quarantine", "/var/spool/MailScanner/incoming/Locks",
	"/var/spool/MailScanner/incoming/SpamAssassin-Temp",
}

// mountsCommand prints /proc/mounts, then for each directory of interest
// whether it exists, its physical path and df -P of that directory only
// (never of the whole tree: a stale NFS mount would hang it).
var mountsCommand = `LC_ALL=C; export LC_ALL
echo "@@fc mounts"; cat /proc/mounts
for d in ` + strings.Join(mountDirs, " ") + `; do
  if [ -d "$d" ]; then
    echo "@@fc dir $d"
    (cd "$d" 2>/dev/null && pwd -P) || echo "$d"
    df -P -k "$d" 2>/dev/null
  else
    echo "@@fc nodir $d"
  fi
done
exit 0`

// Mounts reads /proc/mounts and the mounts holding MailScanner's directories.
var Mounts = register(Probe{
	Name:    fleet.ProbeMounts,
	Command: mountsCommand,
	Parse:   parseMounts,
})

func parseMounts(r Result, f *fleet.Facts) error { return store(&f.Mounts, readMounts, r.Stdout) }

// maxMounts bounds the mount table kept per host.
const maxMounts = 4096

// readMounts parses the output of mountsCommand.
func readMounts(b []byte) (*fleet.Mounts, error) {
	ss := sections(b)
	ms, ok := first(ss, "mounts")
	if !ok || len(ms.Lines) == 0 {
		return nil, errors.New("mounts: no /proc/mounts output")
	}
	out := &fleet.Mounts{All: []fleet.Mount{}, Paths: []fleet.PathMount{}}
	for _, line := range ms.Lines {
		fs := strings.Fields(line)
		if len(fs) < 4 {
			continue
		}
		if len(out.All) == maxMounts {
			break
		}
		out.All = append(out.All, fleet.Mount{
			Device:     capString(clean(unescapeMount(fs[0])), 1024),
			MountPoint: capString(clean(unescapeMount(fs[1])), 4096),
			Type:       capString(clean(fs[2]), 64),
			Options:    mountOptions(fs[3]),
		})
	}
	if len(out.All) == 0 {
		return nil, errors.New("mounts: /proc/mounts has no entries")
	}
	for _, s := range ss {
		switch s.Name {
		case "nodir":
			pm := fleet.PathMount{Path: clean(s.Arg), Source: "default"}
			fillPathMount(&pm, out.All, pm.Path)
			out.Paths = append(out.Paths, pm)
		case "dir":
			pm := fleet.PathMount{Path: clean(s.Arg), Exists: true, Source: "default"}
			real := pm.Path
			rest := s.Lines
			if len(rest) > 0 && strings.HasPrefix(rest[0], "/") {
				real = clean(rest[0])
				rest = rest[1:]
			}
			if real != pm.Path {
				pm.RealPath = real
			}
			fillPathMount(&pm, out.All, real)
			pm.SizeKB, pm.FreeKB = dfLine(rest)
			out.Paths = append(out.Paths, pm)
		}
		if len(out.Paths) >= 64 {
			break
		}
	}
	return out, nil
}

// mountOptions splits a mount's options, keeping at most 64 of at most 256 bytes.
func mountOptions(s string) []string {
	opts := strings.SplitN(clean(s), ",", 65)
	if len(opts) > 64 {
		opts = opts[:64]
	}
	for i := range opts {
		opts[i] = capString(opts[i], 256)
	}
	return opts
}

// fillPathMount sets the mount holding path and its flags.
func fillPathMount(pm *fleet.PathMount, all []fleet.Mount, path string) {
	m, ok := mountOf(all, path)
	if !ok {
		return
	}
	pm.MountPoint, pm.Device, pm.Type = m.MountPoint, m.Device, m.Type
	pm.SetOptions(m.Options)
}

// mountOf returns the mount holding path: the longest mount point that is
// path or a parent of it, and of several mounts on that point the last one
// (the one on top).
func mountOf(all []fleet.Mount, path string) (fleet.Mount, bool) {
	best, bestLen := -1, -1
	for i, m := range all {
		mp := m.MountPoint
		if !underDir(path, mp) {
			continue
		}
		if len(mp) >= bestLen {
			best, bestLen = i, len(mp)
		}
	}
	if best < 0 {
		return fleet.Mount{}, false
	}
	return all[best], true
}

// underDir reports whether path is dir or inside it.
func underDir(path, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(path, "/")
	}
	dir = strings.TrimSuffix(dir, "/")
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// unescapeMount decodes the octal escapes of /proc/mounts (\040 for a space,
// \011, \012, \134).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			v := (s[i+1]-'0')*64 + (s[i+2]-'0')*8 + (s[i+3] - '0')
			b.WriteByte(v)
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// dfRe matches a df -P data line: device, size, used, available, capacity, mount point.
var dfRe = regexp.MustCompile(`^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(/.*)$`)

// dfLine reads size and free space from df -P output.
func dfLine(lines []string) (size, free *int64) {
	for _, l := range lines {
		m := dfRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		s, err1 := strconv.ParseInt(m[2], 10, 64)
		a, err2 := strconv.ParseInt(m[4], 10, 64)
		if err1 == nil && err2 == nil {
			size, free = &s, &a
		}
	}
	return size, free
}
