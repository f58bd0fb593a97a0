package lab

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// stageVersion changes whenever the staged copies or the spec change, so
// that cached RPMs of an older lab are rebuilt.
const stageVersion = "4"

// perlInfo is the host perl's layout.
type perlInfo struct {
	sitelib, sitearch, version string
}

func probePerl(ctx context.Context) (perlInfo, error) {
	out, err := exec.CommandContext(ctx, "perl", "-MConfig", "-e",
		`print join("\n", $Config{sitelib}, $Config{sitearch}, $Config{version}), "\n"`).Output()
	if err != nil {
		return perlInfo{}, fmt.Errorf("perl -MConfig: %w", err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 3 {
		return perlInfo{}, fmt.Errorf("perl -MConfig: unexpected output %q", out)
	}
	p := perlInfo{sitelib: f[0], sitearch: f[1], version: f[2]}
	for _, d := range []string{p.sitelib, p.sitearch} {
		if !strings.HasPrefix(d, "/usr/local/") {
			return perlInfo{}, fmt.Errorf("perl's site directory %s is not under /usr/local", d)
		}
	}
	return p, nil
}

// siteDir maps "lib"/"arch" to the host perl's directory.
func (p perlInfo) siteDir(dir string) string {
	if dir == "arch" {
		return p.sitearch
	}
	return p.sitelib
}

// staged is a package's files laid out under root as they are installed
// (root/usr/local/share/perl/5.36.0/...), with its RPM once built.
type staged struct {
	name, version, release string // RPM name-version-release
	summary, group, url    string
	root                   string
	files                  []string // absolute installed paths, sorted
	rpm                    string   // path of the built RPM, "" until built
}

var versionLine = regexp.MustCompile(`(\$VERSION\s*=\s*)(['"])([0-9][0-9._]*)(['"])`)

// stageCopy copies Debian's files of c.module into the lab cache and
// relabels them with c.version, once per source version.
func stageCopy(ctx context.Context, cache string, p perlInfo, c oldCopy) (*staged, error) {
	rel := strings.ReplaceAll(c.module, "::", "/") + ".pm"
	out, err := exec.CommandContext(ctx, "env", "-i", "PATH=/usr/bin:/bin", "perl", "-M"+c.module, "-e",
		`print $INC{$ARGV[0]}, "\n", eval("\$$ARGV[1]::VERSION"), "\n"`, rel, c.module).Output()
	if err != nil {
		return nil, fmt.Errorf("locate Perl module %s (is its Debian package installed?): %w", c.module, err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 2 {
		return nil, fmt.Errorf("locate Perl module %s: unexpected output %q", c.module, out)
	}
	src, srcVersion := f[0], f[1]
	srcBase := strings.TrimSuffix(src, rel)

	sum := sha256.Sum256([]byte(strings.Join([]string{stageVersion, c.module, c.version, c.release, src, srcVersion, p.sitelib}, "\x00")))
	dir := filepath.Join(cache, fmt.Sprintf("%s-%s-%s", c.dist, c.version, hex.EncodeToString(sum[:4])))
	s := &staged{
		name: "perl-" + c.dist, version: c.version, release: c.release,
		summary: c.module + " module for perl", group: "Development/Libraries",
		url: "http://search.cpan.org/dist/" + c.dist + "/", root: filepath.Join(dir, "root"),
	}
	if b, err := os.ReadFile(filepath.Join(dir, "files.txt")); err == nil {
		s.files = strings.Fields(string(b))
		if rpms, _ := filepath.Glob(filepath.Join(dir, "*.rpm")); len(rpms) == 1 {
			s.rpm = rpms[0]
		}
		return s, nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}

	var srcFiles []string
	srcFiles = append(srcFiles, rel)
	if c.linked {
		sub := strings.TrimSuffix(rel, ".pm")
		err := filepath.WalkDir(filepath.Join(srcBase, sub), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(path, ".pm") {
				srcFiles = append(srcFiles, strings.TrimPrefix(path, srcBase))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for i, r := range srcFiles {
		b, err := os.ReadFile(filepath.Join(srcBase, r))
		if err != nil {
			return nil, err
		}
		if i == 0 || c.linked {
			relabelled := false
			b = versionLine.ReplaceAllFunc(b, func(m []byte) []byte {
				sm := versionLine.FindSubmatch(m)
				if relabelled && i == 0 || string(sm[3]) != srcVersion {
					return m
				}
				relabelled = true
				return []byte(string(sm[1]) + string(sm[2]) + c.version + string(sm[4]))
			})
			if i == 0 {
				if !relabelled {
					return nil, fmt.Errorf("%s: no $VERSION = '%s' line to relabel", src, srcVersion)
				}
				note := fmt.Sprintf("# fleetlab: Debian's %s %s (%s), relabelled %s to play an old install.\n", c.module, srcVersion, src, c.version)
				b = append([]byte(note), b...)
			}
		}
		dst := filepath.Join(s.root, p.sitelib, r)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return nil, err
		}
		s.files = append(s.files, filepath.Join(p.sitelib, r))
	}
	sort.Strings(s.files)
	if err := os.WriteFile(filepath.Join(dir, "files.txt"), []byte(strings.Join(s.files, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	return s, nil
}

// rpmSpec is a MailScanner-style spec: plain "perl Makefile.PL" builds whose
// files land in the site directory, Packager Julian Field, no dist tag.
const rpmSpec = `Name: %[1]s
Version: %[2]s
Release: %[3]s
Summary: %[4]s
License: GPL or Artistic
Group: %[5]s
URL: %[6]s
Packager: Julian Field <mailscanner@ecs.soton.ac.uk>
Vendor: MailScanner
BuildArch: noarch
AutoReqProv: no

%%description
%[4]s, as the MailScanner installer builds it
(fleetlab: a stand-in package for fleetcheck's test lab).

%%install
mkdir -p %%{buildroot}
cp -a %%{_stagedir}/. %%{buildroot}/

%%files
%%defattr(-,root,root)
%[7]s
`

// stageMailScanner lays out the MailScanner stand-in as the mailscanner RPM
// installs the program.
func stageMailScanner(cache string) (*staged, error) {
	body := asset("MailScanner")
	sum := sha256.Sum256(append([]byte(stageVersion+"\x00"), body...))
	dir := filepath.Join(cache, fmt.Sprintf("mailscanner-%s-%s", mailScannerVersion, hex.EncodeToString(sum[:4])))
	s := &staged{
		name: "mailscanner", version: mailScannerVersion, release: "1",
		summary: "E-Mail Gateway Virus Scanner and Spam Detector", group: "System Environment/Daemons",
		url: "http://www.mailscanner.info", root: filepath.Join(dir, "root"),
		files: []string{"/usr/sbin/MailScanner"},
	}
	if rpms, _ := filepath.Glob(filepath.Join(dir, "*.rpm")); len(rpms) == 1 {
		s.rpm = rpms[0]
		return s, nil
	}
	return s, writeFile(filepath.Join(s.root, "usr", "sbin", "MailScanner"), body, 0o755)
}

// buildRPM builds the staged package's RPM once and keeps it next to the stage.
func buildRPM(ctx context.Context, s *staged) error {
	if s.rpm != "" {
		return nil
	}
	dir := filepath.Dir(s.root)
	top := filepath.Join(dir, "rpmbuild")
	spec := filepath.Join(dir, s.name+".spec")
	body := fmt.Sprintf(rpmSpec, s.name, s.version, s.release, s.summary, s.group, s.url, strings.Join(s.files, "\n"))
	if err := os.WriteFile(spec, []byte(body), 0o644); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "rpmbuild", "-bb", "--quiet",
		"--define", "_topdir "+top,
		"--define", "_stagedir "+s.root,
		"--define", "__os_install_post %{nil}",
		"--define", "debug_package %{nil}",
		"--define", "_build_id_links none",
		spec)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("rpmbuild %s: %w\n%s", s.name, err, tail(out.String(), 20))
	}
	name := fmt.Sprintf("%s-%s-%s.noarch.rpm", s.name, s.version, s.release)
	built := filepath.Join(top, "RPMS", "noarch", name)
	if err := os.Rename(built, filepath.Join(dir, name)); err != nil {
		return err
	}
	os.RemoveAll(top)
	s.rpm = filepath.Join(dir, name)
	return nil
}

// copyTree copies the regular files and directories under src into dst,
// keeping modification times (rpm -V compares them with the RPM's).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := os.WriteFile(target, b, 0o644); err != nil {
			return err
		}
		return os.Chtimes(target, info.ModTime(), info.ModTime())
	})
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
