package probe

import (
	"errors"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// packagesCommand lists the installed packages of interest from the RPM
// database (when one exists) or dpkg's, filtered on the host to keep the
// output small, then asks SpamAssassin and ClamAV for their versions.
// sa-update's revision is read from its script ($Id: sa-update.raw NNN):
// "sa-update --version" costs a quarter of a second of CPU, as much as all
// the other probes together; "spamassassin --version" is kept, since the
// SpamAssassin it loads may differ from the copy MailScanner's @INC finds.
// Last, the build_tools section has one line "TOOL PATH" for each program
// the MailScanner installers build with, PATH "-" when neither command -v
// nor the usual bin directories have it; the programs section one line
// "PATH yes|no" for each of skippedBuilds.
var packagesCommand = `LC_ALL=C; export LC_ALL
db=
for d in /var/lib/rpm /usr/lib/sysimage/rpm; do
  for f in Packages rpmdb.sqlite Packages.db; do
    if [ -z "$db" ] && [ -f "$d/$f" ]; then db=$d; fi
  done
done
if [ -n "$db" ] && command -v rpm >/dev/null 2>&1; then
  echo "@@fc rpm $db"
  rpm --dbpath "$db" -qa --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{PACKAGER}\t%{INSTALLTIME}\n' 2>/dev/null |
    awk -F '\t' '$1 ~ /^(perl|perl-.*|mailscanner.*|MailScanner.*|spamassassin.*|clam.*|tnef|sendmail.*|postfix.*|exim.*)$/'
fi
if [ -d /var/lib/dpkg/info ] && command -v dpkg-query >/dev/null 2>&1; then
  echo "@@fc dpkg"
  dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${Maintainer}\t${Status}\n' 2>/dev/null |
    awk -F '\t' '$5 ~ / installed$/ && $1 ~ /^(perl|perl-base|perl-modules.*|lib.*-perl|mailscanner.*|spamassassin|spamc|spamd|sa-compile|clam.*|tnef|sendmail.*|postfix.*|exim4.*)$/'
fi
for t in spamassassin sa-update clamscan clamd; do
  p=
  for d in /usr/bin /usr/sbin /usr/local/bin /usr/local/sbin /bin /sbin; do
    if [ -z "$p" ] && [ -x "$d/$t" ]; then p=$d/$t; fi
  done
  if [ -z "$p" ]; then continue; fi
  echo "@@fc tool $t $p"
  if [ "$t" = sa-update ]; then
    sed -n 's/.*[$]Id: sa-update[^ ]* \([0-9][0-9]*\) .*/sa-update version svn\1/p' "$p" 2>/dev/null | sed -n '1p'
  else
    "$p" --version 2>&1 </dev/null | sed -n '1,5p'
  fi
done
echo "@@fc build_tools"
for t in make gcc cc patch rpmbuild; do
  p=$(command -v "$t" 2>/dev/null)
  for d in /usr/bin /usr/local/bin /bin /usr/sbin /usr/local/sbin /sbin; do
    if [ -z "$p" ] && [ -x "$d/$t" ]; then p=$d/$t; fi
  done
  printf '%s %s\n' "$t" "${p:--}"
done
echo "@@fc programs"
for p in ` + strings.Join(skippedBuilds, " ") + `; do
  if [ -x "$p" ]; then echo "$p yes"; else echo "$p no"; fi
done
exit 0`

// skippedBuilds are the programs an installer builds only when they are
// missing: the tarball installer configures and makes tnef unless
// /usr/local/bin/tnef exists.
var skippedBuilds = []string{fleet.TarballTnef}

// Packages lists the installed Perl, MailScanner, SpamAssassin, ClamAV,
// tnef and MTA packages, the versions the tools print, and which build
// tools (make, gcc, cc, patch, rpmbuild) are on the host.
var Packages = register(Probe{
	Name:    fleet.ProbePackages,
	Command: packagesCommand,
	Parse:   parsePackages,
})

// maxPackages bounds the package list of one host.
const maxPackages = 20000

func parsePackages(r Result, f *fleet.Facts) error { return store(&f.Packages, readPackages, r.Stdout) }

// readPackages parses the output of packagesCommand.
func readPackages(b []byte) (*fleet.Packages, error) {
	out := &fleet.Packages{Packages: []fleet.Package{}, Tools: map[string]string{}}
	for _, s := range sections(b) {
		switch s.Name {
		case "rpm":
			out.Manager = "rpm"
			for _, l := range s.Lines {
				if p, ok := rpmPackage(l); ok && len(out.Packages) < maxPackages {
					out.Packages = append(out.Packages, p)
				}
			}
		case "dpkg":
			if out.Manager == "" {
				out.Manager = "dpkg"
			}
			for _, l := range s.Lines {
				if p, ok := dpkgPackage(l); ok && len(out.Packages) < maxPackages {
					out.Packages = append(out.Packages, p)
				}
			}
		case "tool":
			name, _, _ := strings.Cut(s.Arg, " ")
			if v := toolVersion(s.Lines); v != "" && len(out.Tools) < 16 {
				out.Tools[clean(name)] = v
			}
		case "build_tools":
			out.BuildTools = readBuildTools(s.Lines)
		case "programs":
			out.Programs = readPrograms(s.Lines)
		}
	}
	if out.Manager == "" && len(out.Tools) == 0 {
		return nil, ErrNotApplicable
	}
	if out.Manager == "" {
		return nil, errors.New("packages: no package database found")
	}
	sort.SliceStable(out.Packages, func(i, j int) bool {
		a, b := out.Packages[i], out.Packages[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Arch < b.Arch
	})
	return out, nil
}

// rpmPackage reads one rpm -qa --qf line (8 tab-separated fields).
func rpmPackage(l string) (fleet.Package, bool) {
	fs := strings.Split(l, "\t")
	if len(fs) != 8 || fs[0] == "" {
		return fleet.Package{}, false
	}
	for i := range fs {
		fs[i] = none(capString(clean(fs[i]), 512))
	}
	p := fleet.Package{Name: fs[0], Epoch: fs[1], Version: fs[2], Release: fs[3], Arch: fs[4], Vendor: fs[5], Packager: fs[6]}
	if t, err := strconv.ParseInt(fs[7], 10, 64); err == nil {
		p.InstallTime = t
	}
	return p, true
}

// dpkgPackage reads one dpkg-query line: package, version, architecture,
// maintainer, status. The version is split into epoch, upstream version
// and Debian revision (Release).
func dpkgPackage(l string) (fleet.Package, bool) {
	fs := strings.Split(l, "\t")
	if len(fs) < 4 || fs[0] == "" {
		return fleet.Package{}, false
	}
	for i := range fs {
		fs[i] = capString(clean(fs[i]), 512)
	}
	p := fleet.Package{Name: fs[0], Arch: fs[2], Packager: fs[3]}
	v := fs[1]
	if e, rest, ok := strings.Cut(v, ":"); ok {
		p.Epoch, v = e, rest
	}
	if i := strings.LastIndexByte(v, '-'); i > 0 {
		p.Version, p.Release = v[:i], v[i+1:]
	} else {
		p.Version = v
	}
	return p, true
}

// toolVersionRe finds the version in "SpamAssassin version 3.4.6",
// "sa-update version svn1652283", "ClamAV 0.103.11/27100/Tue ...".
var toolVersionRe = regexp.MustCompile(`(?i)(?:version|ClamAV)\s+([0-9A-Za-z][0-9A-Za-z._+~-]*)`)

// toolVersion returns the version a tool printed, or "".
func toolVersion(lines []string) string {
	for _, l := range lines {
		if m := toolVersionRe.FindStringSubmatch(clean(l)); m != nil {
			return capString(m[1], 128)
		}
	}
	return ""
}

// buildToolNames are the programs the build_tools section reports on.
var buildToolNames = []string{"make", "gcc", "cc", "patch", "rpmbuild"}

// readBuildTools reads the build_tools section: "TOOL PATH" lines, PATH
// "-" for a tool not found. A tool without a line (output cut short) is
// neither found nor missing: unknown.
func readBuildTools(lines []string) *fleet.BuildTools {
	bt := &fleet.BuildTools{Found: map[string]string{}, Missing: []string{}}
	for _, l := range lines {
		name, p, _ := strings.Cut(strings.TrimSpace(clean(l)), " ")
		p = strings.TrimSpace(p)
		if !slices.Contains(buildToolNames, name) || p == "" {
			continue
		}
		if _, dup := bt.Found[name]; dup || slices.Contains(bt.Missing, name) {
			continue
		}
		if p == "-" {
			bt.Missing = append(bt.Missing, name)
		} else {
			bt.Found[name] = capString(p, 512)
		}
	}
	sort.Strings(bt.Missing)
	return bt
}

// readPrograms reads the programs section: "PATH yes|no" lines for the
// paths of skippedBuilds; other lines are ignored.
func readPrograms(lines []string) map[string]bool {
	out := map[string]bool{}
	for _, l := range lines {
		p, v, ok := strings.Cut(strings.TrimSpace(l), " ")
		if ok && slices.Contains(skippedBuilds, p) && (v == "yes" || v == "no") {
			out[p] = v == "yes"
		}
	}
	return out
}
