package probe

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// osCommand prints the kernel, host name, release files, CPU count, memory,
// uptime and load, each section framed by a marker line.
const osCommand = `LC_ALL=C; export LC_ALL
echo "@@fc uname_a"; uname -a 2>/dev/null
echo "@@fc uname_r"; uname -r 2>/dev/null
echo "@@fc uname_m"; uname -m 2>/dev/null
echo "@@fc hostname"; hostname 2>/dev/null || uname -n 2>/dev/null
for f in /etc/redhat-release /etc/os-release /etc/debian_version /etc/SuSE-release; do
  if [ -r "$f" ]; then echo "@@fc file $f"; sed -n '1,60p' "$f" 2>/dev/null; fi
done
echo "@@fc cpus"; grep -c '^processor' /proc/cpuinfo 2>/dev/null
echo "@@fc meminfo"; grep '^MemTotal:' /proc/meminfo 2>/dev/null
echo "@@fc uptime"; cat /proc/uptime 2>/dev/null
echo "@@fc loadavg"; cat /proc/loadavg 2>/dev/null
exit 0`

// OS reads the kernel, distribution, CPUs, memory, uptime and load.
var OS = register(Probe{
	Name:    fleet.ProbeOS,
	Command: osCommand,
	Parse:   parseOS,
})

func parseOS(r Result, f *fleet.Facts) error { return store(&f.OS, readOS, r.Stdout) }

// readOS parses the output of osCommand.
func readOS(b []byte) (*fleet.OS, error) {
	ss := sections(b)
	o := &fleet.OS{}
	firstLine := func(name string) string {
		s, ok := first(ss, name)
		if !ok || len(s.Lines) == 0 {
			return ""
		}
		return capString(clean(strings.TrimSpace(s.Lines[0])), 1024)
	}
	o.Uname = firstLine("uname_a")
	o.KernelRelease = firstLine("uname_r")
	o.Arch = firstLine("uname_m")
	o.Hostname = firstLine("hostname")
	if o.Uname == "" && o.KernelRelease == "" {
		return nil, errors.New("os: no uname output")
	}
	files := map[string][]string{}
	for _, s := range ss {
		if s.Name == "file" {
			files[s.Arg] = s.Lines
		}
	}
	distro(o, files)
	if v := firstLine("cpus"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("os: cpu count %q: %w", v, err)
		}
		o.CPUs = n
	}
	if v := firstLine("meminfo"); v != "" {
		fs := strings.Fields(v)
		if len(fs) >= 2 {
			if n, err := strconv.ParseInt(fs[1], 10, 64); err == nil {
				o.MemTotalKB = n
			}
		}
	}
	if v := firstLine("uptime"); v != "" {
		if fs := strings.Fields(v); len(fs) > 0 {
			if x, err := strconv.ParseFloat(fs[0], 64); err == nil {
				o.UptimeSeconds = x
			}
		}
	}
	if v := firstLine("loadavg"); v != "" {
		fs := strings.Fields(v)
		for i := 0; i < 3 && i < len(fs); i++ {
			if x, err := strconv.ParseFloat(fs[i], 64); err == nil {
				o.Load[i] = x
			}
		}
	}
	return o, nil
}

// distro fills Distro, ID, VersionID and Family from the release files.
func distro(o *fleet.OS, files map[string][]string) {
	osr := map[string]string{}
	for _, line := range files["/etc/os-release"] {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || k == "" || strings.HasPrefix(k, "#") {
			continue
		}
		osr[k] = clean(unquoteShell(v))
	}
	o.ID = strings.ToLower(osr["ID"])
	o.VersionID = osr["VERSION_ID"]
	o.Distro = osr["PRETTY_NAME"]
	idLike := strings.ToLower(osr["ID_LIKE"])

	if rh := firstNonEmpty(files["/etc/redhat-release"]); rh != "" {
		o.Distro = rh
		if o.ID == "" {
			o.ID, o.VersionID = redhatID(rh)
		}
		if o.Family == "" {
			o.Family = "rhel"
		}
	}
	if suse := firstNonEmpty(files["/etc/SuSE-release"]); suse != "" {
		if o.Distro == "" {
			o.Distro = suse
		}
		if o.ID == "" {
			o.ID = "sles"
			if strings.Contains(strings.ToLower(suse), "opensuse") {
				o.ID = "opensuse"
			}
			for _, l := range files["/etc/SuSE-release"] {
				if k, v, ok := strings.Cut(l, "="); ok && strings.TrimSpace(k) == "VERSION" {
					o.VersionID = clean(strings.TrimSpace(v))
				}
			}
		}
		o.Family = "suse"
	}
	if deb := firstNonEmpty(files["/etc/debian_version"]); deb != "" {
		if o.Distro == "" {
			o.Distro = "Debian " + deb
		}
		if o.ID == "" {
			o.ID, o.VersionID = "debian", deb
		}
	}
	if o.Family == "" {
		o.Family = family(o.ID, idLike)
	}
	o.Distro = capString(o.Distro, 1024)
}

// family maps an os-release ID and ID_LIKE to rhel, debian or suse.
func family(id, idLike string) string {
	words := append([]string{id}, strings.Fields(idLike)...)
	for _, w := range words {
		switch w {
		case "rhel", "centos", "fedora", "redhat", "rocky", "almalinux", "ol", "scientific", "amzn", "cloudlinux":
			return "rhel"
		case "debian", "ubuntu", "raspbian", "devuan", "linuxmint":
			return "debian"
		case "suse", "sles", "opensuse", "opensuse-leap", "sled":
			return "suse"
		}
	}
	return ""
}

// redhatIDs maps how a redhat-release line starts, in lower case, to the
// distribution's os-release ID.
var redhatIDs = []struct{ prefix, id string }{
	{"centos", "centos"},
	{"red hat", "rhel"},
	{"fedora", "fedora"},
	{"scientific", "scientific"},
	{"rocky", "rocky"},
	{"almalinux", "almalinux"},
	{"oracle", "ol"},
	{"cloudlinux", "cloudlinux"},
}

// redhatID derives an os-release style ID and version from a redhat-release
// line such as "CentOS release 5.11 (Final)".
func redhatID(line string) (id, version string) {
	l := strings.ToLower(line)
	for _, r := range redhatIDs {
		if strings.HasPrefix(l, r.prefix) {
			id = r.id
			break
		}
	}
	fs := strings.Fields(line)
	for i, w := range fs {
		if w == "release" && i+1 < len(fs) {
			version = fs[i+1]
			break
		}
	}
	return id, version
}

// unquoteShell removes one level of shell quotes from an os-release value.
func unquoteShell(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '"' {
			v = strings.NewReplacer(`\"`, `"`, `\\`, `\`, `\$`, `$`, "\\`", "`").Replace(v)
		}
	}
	return v
}

// firstNonEmpty returns the first non-blank line, cleaned.
func firstNonEmpty(lines []string) string {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" {
			return capString(clean(t), 1024)
		}
	}
	return ""
}
