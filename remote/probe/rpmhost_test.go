package probe

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rpmHost is this Debian machine seen through a private mount namespace in
// which an RPM database at /var/lib/rpm holds one package, built for real
// with Debian's rpmbuild: perl-Archive-Zip-1.30-1 (packager: MailScanner's),
// owning a shadowing Archive/Zip.pm in site_perl. site_perl also gets a
// perllocal.pod entry. Nothing changes outside the namespace.
type rpmHost struct {
	tmp, sitelib, sitearch string
}

// rpmShadowHost builds the package and database, or skips the test.
func rpmShadowHost(t *testing.T) *rpmHost { return newRPMHost(t, false) }

// newRPMHost builds the host; with shared, a second package
// (mailscanner-perl-bundle) owns the same Archive/Zip.pm.
func newRPMHost(t *testing.T, shared bool) *rpmHost {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	for _, tool := range []string{"unshare", "rpmbuild", "rpm", "dpkg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s", tool)
		}
	}
	site, err := exec.Command("perl", "-MConfig", "-e", `print $Config{sitelibexp}, "\n", $Config{sitearchexp}`).Output()
	if err != nil {
		t.Skip(err)
	}
	dirs := strings.Fields(string(site))
	if len(dirs) != 2 || !strings.HasPrefix(dirs[0], "/usr/local/share/") || !strings.HasPrefix(dirs[1], "/usr/local/lib/") {
		t.Skipf("site dirs %q are not Debian's", dirs)
	}
	h := &rpmHost{tmp: t.TempDir(), sitelib: dirs[0], sitearch: dirs[1]}
	spec := `Name: perl-Archive-Zip
Version: 1.30
Release: 1
Summary: MailScanner build of Archive::Zip
License: GPL
BuildArch: noarch
Packager: Julian Field <mailscanner@ecs.soton.ac.uk>
%description
test
%install
mkdir -p %{buildroot}` + h.sitelib + `/Archive
printf 'package Archive::Zip;\n$VERSION = "1.30";\n1;\n' > %{buildroot}` + h.sitelib + `/Archive/Zip.pm
%files
` + h.sitelib + `/Archive/Zip.pm
`
	for _, d := range []string{"build/SPECS", "rpmdb", "varlib"} {
		if err := os.MkdirAll(filepath.Join(h.tmp, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(h.tmp, "build/SPECS/p.spec"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	if shared {
		bundle := strings.Replace(strings.Replace(spec, "Name: perl-Archive-Zip", "Name: mailscanner-perl-bundle", 1), "Version: 1.30", "Version: 4.84.6", 1)
		if err := os.WriteFile(filepath.Join(h.tmp, "build/SPECS/b.spec"), []byte(bundle), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pod := "=head2 Wed Jan 30 02:11:03 2008: C<Module> L<Archive::Zip|Archive::Zip>\n\n=over 4\n\n=item *\n\nC<installed into: " + h.sitelib +
		">\n\n=item *\n\nC<LINKTYPE: dynamic>\n\n=item *\n\nC<VERSION: 1.30>\n\n=item *\n\nC<EXE_FILES: >\n\n=back\n\n"
	if err := os.WriteFile(filepath.Join(h.tmp, "perllocal.pod"), []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	specs, _ := filepath.Glob(filepath.Join(h.tmp, "build/SPECS/*.spec"))
	for _, sp := range specs {
		run("rpmbuild", "-bb", "--quiet", "--define", "_topdir "+filepath.Join(h.tmp, "build"), sp)
	}
	rpms, _ := filepath.Glob(filepath.Join(h.tmp, "build/RPMS/noarch/*.rpm"))
	if len(rpms) != len(specs) {
		t.Fatalf("rpmbuild made %v", rpms)
	}
	db := filepath.Join(h.tmp, "rpmdb")
	run("rpm", "--dbpath", db, "--initdb")
	run("rpm", append([]string{"--dbpath", db, "-i", "--justdb", "--nodeps", "--noscripts", "--replacefiles"}, rpms...)...)
	return h
}

// run runs cmd with dash inside the namespace and returns its stdout.
func (h *rpmHost) run(t *testing.T, cmd string) []byte {
	t.Helper()
	setup := `set -e
T="$1"
mount --bind /var/lib "$T/varlib"
mount -t tmpfs tmpfs /var/lib
mkdir /var/lib/dpkg /var/lib/rpm
mount --bind "$T/varlib/dpkg" /var/lib/dpkg
mount --bind "$T/rpmdb" /var/lib/rpm
mount -t tmpfs tmpfs /usr/local/share
mount -t tmpfs tmpfs /usr/local/lib
mkdir -p "` + h.sitelib + `/Archive" "` + h.sitearch + `"
printf 'package Archive::Zip;\n$VERSION = "1.30";\n1;\n' > "` + h.sitelib + `/Archive/Zip.pm"
cp "$T/perllocal.pod" "` + h.sitearch + `/perllocal.pod"
exec dash -c "$2"`
	return inNamespace(t, setup, h.tmp, cmd)
}

// inNamespace runs the sh script setup in a private mount namespace with
// arguments arg and cmd ($1, $2); setup ends by running cmd. It skips the
// test when namespaces are unavailable.
func inNamespace(t *testing.T, setup, arg, cmd string) []byte {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Skip("needs unshare")
	}
	c := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c", setup, "sh", arg, cmd)
	var out, errb strings.Builder
	c.Stdout, c.Stderr = &out, &errb
	if err := c.Run(); err != nil {
		t.Skipf("mount namespace unavailable: %v\n%s", err, errb.String())
	}
	return []byte(out.String())
}
