package probe

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// spaceDirs are the shipped directories whose filesystems the disk_space
// probe measures besides mountDirs: /var, and the MTA queues MailScanner
// reads and writes (sendmail, Postfix, Exim).
var spaceDirs = []string{
	"/var", "/var/spool/mqueue", "/var/spool/mqueue.in", "/var/spool/postfix",
	"/var/spool/exim", "/var/spool/exim.in", "/var/spool/exim4",
}

// spaceKeys are the MailScanner.conf settings (normalised keys) naming
// directories MailScanner writes to.
var spaceKeys = []string{"incomingqueuedir", "outgoingqueuedir", "incomingworkdir", "quarantinedir", "lockfiledir", "spamassassintemporarydir"}

// diskSpaceCommand prints "@@fc want SOURCE DIR" for every directory of
// interest: the shipped ones (source "default") and those MailScanner.conf
// and its includes name under spaceKeys (source: the key; absolute paths
// without %var% only). Then, for each existing directory once, a marker
// and df -P -k and df -P -i of that directory alone: never of the whole
// tree, where a stale NFS mount hangs df. Should one df hang anyway, the
// watchdog ends the probe and the directories done so far are kept.
var diskSpaceCommand = `LC_ALL=C; export LC_ALL
` + findConfig + `fc_unreadable() { :; }
fc_file() {
  awk '{
    sub(/#.*/, ""); i = index($0, "="); if (i == 0) next
    k = tolower(substr($0, 1, i - 1)); gsub(/[^a-z0-9%]/, "", k)
    v = substr($0, i + 1); gsub(/^[ 	]+|[ 	]+$/, "", v)
    if (k ~ /^(` + strings.Join(spaceKeys, "|") + `)$/ && v ~ /^\// && v !~ /%/) print k " " v
  }' "$1" 2>/dev/null
}
want=
for d in ` + strings.Join(append(slices.Clone(mountDirs), spaceDirs...), " ") + `; do
  want="${want}default $d$nl"
done
if [ -n "$conf" ]; then want="$want$(fc_walk)"; fi
IFS=$nl
for w in $want; do echo "@@fc want $w"; done
seen=$nl
for w in $want; do
  d=${w#* }
  case "$seen" in *"$nl$d$nl"*) continue ;; esac
  seen="$seen$d$nl"
  if [ -d "$d" ]; then
    echo "@@fc dir $d"
    df -P -k "$d" 2>/dev/null
    df -P -i "$d" 2>/dev/null
  fi
done
exit 0`

// DiskSpace measures free blocks and inodes where MailScanner writes.
var DiskSpace = register(Probe{
	Name:         fleet.ProbeDiskSpace,
	Command:      diskSpaceCommand,
	Sudo:         true,
	Timeout:      30 * time.Second,
	ParseTimeout: true,
	Parse:        parseDiskSpace,
})

// maxSpaceDirs bounds the directories kept per host.
const maxSpaceDirs = 64

func parseDiskSpace(r Result, f *fleet.Facts) error {
	return store(&f.DiskSpace, readDiskSpace, r)
}

// readDiskSpace parses the output of diskSpaceCommand. When the command
// timed out, the directory it was measuring is marked Hung.
func readDiskSpace(r Result) (*fleet.DiskSpace, error) {
	ss := sections(r.Stdout)
	sources := map[string][]string{}
	for _, s := range ss {
		if s.Name != "want" {
			continue
		}
		src, dir, ok := strings.Cut(s.Arg, " ")
		dir = capString(clean(dir), 4096)
		if !ok || !strings.HasPrefix(dir, "/") || len(sources) >= maxSpaceDirs {
			continue
		}
		src = capString(clean(src), 64)
		if !slices.Contains(sources[dir], src) {
			sources[dir] = append(sources[dir], src)
		}
	}
	if len(sources) == 0 {
		return nil, errors.New("disk_space: no directories listed")
	}
	out := &fleet.DiskSpace{Dirs: []fleet.DirSpace{}}
	for _, s := range ss {
		if s.Name != "dir" || len(out.Dirs) == maxSpaceDirs {
			continue
		}
		path := capString(clean(s.Arg), 4096)
		d := fleet.DirSpace{Path: path, Sources: sources[path]}
		if d.Sources == nil {
			d.Sources = []string{"default"}
		}
		inodes := false
		for _, l := range s.Lines {
			if strings.Contains(l, "Inodes") && strings.Contains(l, "IFree") {
				inodes = true
				continue
			}
			u, dev, mp, ok := dfUsage(l)
			if !ok {
				continue
			}
			d.Device, d.MountPoint = capString(clean(dev), 1024), capString(clean(mp), 4096)
			switch {
			case inodes && u.Total > 0:
				d.Inodes = u
			case !inodes:
				d.Blocks = u
			}
		}
		out.Dirs = append(out.Dirs, d)
	}
	if n := len(out.Dirs); r.TimedOut && n > 0 && out.Dirs[n-1].Blocks == nil && out.Dirs[n-1].Inodes == nil {
		out.Dirs[n-1].Hung = true
	}
	return out, nil
}

// dfUsage reads one df -P data line (-k or -i): device, total, used,
// available, capacity and mount point.
func dfUsage(l string) (u *fleet.Usage, device, mountPoint string, ok bool) {
	m := dfRe.FindStringSubmatch(l)
	if m == nil {
		return nil, "", "", false
	}
	var n [3]int64
	for i := range n {
		v, err := strconv.ParseInt(m[2+i], 10, 64)
		if err != nil {
			return nil, "", "", false
		}
		n[i] = v
	}
	u = &fleet.Usage{Total: n[0], Used: n[1], Free: n[2]}
	if pct, err := strconv.Atoi(strings.TrimSuffix(m[5], "%")); err == nil {
		u.UsedPercent = pct
	} else if used := n[1] + n[2]; used > 0 {
		u.UsedPercent = int((n[1]*100 + used - 1) / used)
	}
	return u, m[1], m[6], true
}
