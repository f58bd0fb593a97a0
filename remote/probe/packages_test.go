package probe

import (
	"errors"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func pkg(ps *fleet.Packages, name string) (fleet.Package, bool) {
	for _, p := range ps.Packages {
		if p.Name == name {
			return p, true
		}
	}
	return fleet.Package{}, false
}

func TestParsePackagesCentOS5(t *testing.T) {
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: readCase(t, "packages", "centos5")}, &f); err != nil {
		t.Fatal(err)
	}
	ps := f.Packages
	if ps.Manager != "rpm" || len(ps.Packages) != 9 {
		t.Fatalf("manager %q, %d packages", ps.Manager, len(ps.Packages))
	}
	perl, _ := pkg(ps, "perl")
	if perl.Epoch != "4" || perl.Version != "5.8.8" || perl.Release != "43.el5_11" || perl.Vendor != "CentOS" || perl.Packager != "" || perl.InstallTime != 1420070400 {
		t.Errorf("perl = %+v", perl)
	}
	zip, _ := pkg(ps, "perl-Archive-Zip")
	if zip.Epoch != "" || !strings.Contains(zip.Packager, "mailscanner") {
		t.Errorf("perl-Archive-Zip = %+v", zip)
	}
	want := map[string]string{"spamassassin": "3.2.5", "sa-update": "svn607589", "clamscan": "0.98.7/20812/Mon", "clamd": "0.98.7/20812/Mon"}
	for k, v := range want {
		if got := ps.Tools[k]; !strings.HasPrefix(v, got) || got == "" {
			t.Errorf("Tools[%s] = %q, want %q", k, got, v)
		}
	}
}

// TestParsePackagesOldOutput: output without the build_tools section (an
// older fleetcheck's command) leaves the build tools unknown, not missing.
func TestParsePackagesOldOutput(t *testing.T) {
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: readCase(t, "packages", "centos5")}, &f); err != nil {
		t.Fatal(err)
	}
	if f.Packages.BuildTools != nil {
		t.Errorf("BuildTools = %+v, want nil (not looked for)", f.Packages.BuildTools)
	}
}

// TestParseBuildToolsCaptured reads the build_tools sections captured on
// Debian 12 (see testdata/README.md).
func TestParseBuildToolsCaptured(t *testing.T) {
	for file, want := range map[string]struct{ found, missing string }{
		"debian12":             {"cc,gcc,make,patch,rpmbuild", ""},
		"debian12-rpm":         {"cc,gcc,make,patch,rpmbuild", ""},
		"debian12-no-compiler": {"make,patch", "cc,gcc,rpmbuild"},
	} {
		var f fleet.Facts
		if err := Packages.Parse(Result{Stdout: readCase(t, "packages", file)}, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		bt := f.Packages.BuildTools
		if bt == nil {
			t.Fatalf("%s: no build tools", file)
		}
		found := slices.Sorted(maps.Keys(bt.Found))
		if strings.Join(found, ",") != want.found || strings.Join(bt.Missing, ",") != want.missing {
			t.Errorf("%s: found %q, missing %q; want %s / %s", file, bt.Found, bt.Missing, want.found, want.missing)
		}
		if p, ok := bt.Found["make"]; !ok || p != "/usr/bin/make" {
			t.Errorf("%s: make at %q", file, p)
		}
	}
}

func TestReadBuildTools(t *testing.T) {
	bt := readBuildTools([]string{
		"make /usr/bin/make",
		"gcc -",
		"cc /opt/my tools/cc",
		"patch",              // no path: not reported
		"ld /usr/bin/ld",     // not looked for
		"make -",             // duplicate: the first line wins
		"rpmbuild \x1b[31m-", // escapes are stripped first
	})
	if len(bt.Found) != 2 || bt.Found["make"] != "/usr/bin/make" || bt.Found["cc"] != "/opt/my tools/cc" {
		t.Errorf("Found = %q", bt.Found)
	}
	if strings.Join(bt.Missing, ",") != "gcc,rpmbuild" {
		t.Errorf("Missing = %q", bt.Missing)
	}
	// Cut short: the tools without a line are neither found nor missing.
	bt = readBuildTools(nil)
	if bt == nil || len(bt.Found) != 0 || len(bt.Missing) != 0 {
		t.Errorf("empty section = %+v", bt)
	}
	b := mustJSON(t, fleet.Packages{BuildTools: bt})
	if !strings.Contains(string(b), `"build_tools":{"found":{},"missing":[]}`) {
		t.Errorf("empty build tools marshal as %s", b)
	}
}

// TestPackagesNoCompiler runs the command in a mount namespace where
// /usr/bin/gcc (and so cc, a symlink to it) and /usr/bin/rpmbuild are
// /dev/null, which is not executable.
func TestPackagesNoCompiler(t *testing.T) {
	for _, tool := range []string{"gcc", "cc", "rpmbuild", "make", "patch"} {
		if p, err := exec.LookPath(tool); err != nil || !strings.HasPrefix(p, "/usr/bin/") {
			t.Skipf("needs %s in /usr/bin", tool)
		}
	}
	setup := `set -e
gcc=$(readlink -e /usr/bin/gcc)
mount --bind /dev/null "$gcc"
mount --bind /dev/null /usr/bin/rpmbuild
exec dash -c "$2"`
	out := inNamespace(t, setup, "", Packages.Command)
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	bt := f.Packages.BuildTools
	if bt == nil || strings.Join(bt.Missing, ",") != "cc,gcc,rpmbuild" || bt.Found["make"] != "/usr/bin/make" || bt.Found["patch"] != "/usr/bin/patch" {
		t.Fatalf("build tools = %+v\n%s", bt, out)
	}
	saveCapture(t, "packages", "debian12-no-compiler", out)
}

func TestParsePackagesNone(t *testing.T) {
	var f fleet.Facts
	if err := Packages.Parse(Result{}, &f); !errors.Is(err, ErrNotApplicable) || f.Packages != nil {
		t.Errorf("no package manager: err %v; want ErrNotApplicable", err)
	}
}

func TestDpkgVersionSplit(t *testing.T) {
	p, ok := dpkgPackage("perl\t5.36.0-7+deb12u4\tamd64\tNiko Tyni <ntyni@debian.org>\tinstall ok installed")
	if !ok || p.Epoch != "" || p.Version != "5.36.0" || p.Release != "7+deb12u4" {
		t.Errorf("perl = %+v", p)
	}
	p, _ = dpkgPackage("libfoo-perl\t1:2.0-1-2\tall\tx\tinstall ok installed")
	if p.Epoch != "1" || p.Version != "2.0-1" || p.Release != "2" {
		t.Errorf("libfoo-perl = %+v", p)
	}
}

func TestPackagesReal(t *testing.T) {
	if _, err := exec.LookPath("dpkg-query"); err != nil {
		t.Skip("needs a Debian host")
	}
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			r := runShell(t, sh, Packages.Command, nil)
			var f fleet.Facts
			if err := Packages.Parse(r, &f); err != nil {
				t.Fatalf("%v\n%s", err, r.Stdout)
			}
			ps := f.Packages
			if ps.Manager != "dpkg" {
				t.Errorf("manager = %q", ps.Manager)
			}
			perl, ok := pkg(ps, "perl")
			want, _ := exec.Command("perl", "-e", `printf "%vd", $^V`).Output()
			if !ok || perl.Version != string(want) {
				t.Errorf("perl package = %+v, want version %s", perl, want)
			}
			if _, ok := pkg(ps, "libarchive-zip-perl"); !ok {
				t.Errorf("libarchive-zip-perl missing")
			}
			if sa, ok := pkg(ps, "spamassassin"); ok && !strings.HasPrefix(sa.Version, ps.Tools["spamassassin"]) {
				t.Errorf("spamassassin package %+v, tool says %q", sa, ps.Tools["spamassassin"])
			}
			for _, p := range ps.Packages {
				if strings.HasPrefix(p.Name, "lib") && !strings.HasSuffix(p.Name, "-perl") {
					t.Errorf("unfiltered package %s", p.Name)
				}
			}
			bt := ps.BuildTools
			if bt == nil || len(bt.Found)+len(bt.Missing) != len(buildToolNames) {
				t.Fatalf("build tools = %+v", bt)
			}
			for _, tool := range buildToolNames {
				if p, err := exec.LookPath(tool); err == nil && bt.Found[tool] != p {
					t.Errorf("build tool %s at %q, want %q", tool, bt.Found[tool], p)
				}
			}
			if sh == "dash" {
				saveCapture(t, "packages", "debian12", r.Stdout)
			}
		})
	}
}

func TestPackagesRPM(t *testing.T) {
	h := rpmShadowHost(t)
	out := h.run(t, Packages.Command)
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	p, ok := pkg(f.Packages, "perl-Archive-Zip")
	if f.Packages.Manager != "rpm" || !ok || p.Version != "1.30" || p.Release != "1" || p.Arch != "noarch" || p.InstallTime == 0 {
		t.Errorf("manager %q, perl-Archive-Zip = %+v", f.Packages.Manager, p)
	}
	saveCapture(t, "packages", "debian12-rpm", out)
}

func FuzzParsePackages(f *testing.F) {
	seedCorpus(f, "packages")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, Packages, data) })
}

// TestPackagesProgramsReal runs the command in a private mount namespace
// with a /usr/local/bin/tnef, then without, and reads the programs section.
func TestPackagesProgramsReal(t *testing.T) {
	for _, want := range []bool{true, false} {
		setup := "set -e\nmount -t tmpfs tmpfs /usr/local/bin\n"
		if want {
			setup += "printf '#!/bin/sh\\necho tnef 1.4.5\\n' > /usr/local/bin/tnef\nchmod 755 /usr/local/bin/tnef\n"
		}
		out := inNamespace(t, setup+"exec dash -c \"$2\"", "", Packages.Command)
		if want {
			saveCapture(t, "packages", "debian12-local-tnef", out)
		}
		checkPrograms(t, out, want)
	}
}

func TestParseProgramsCaptured(t *testing.T) {
	checkPrograms(t, readCase(t, "packages", "debian12-local-tnef"), true)
	// output of an older command: not looked for, so unknown
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: readCase(t, "packages", "debian12")}, &f); err != nil || f.Packages.Programs != nil {
		t.Errorf("Programs = %v (%v), want nil", f.Packages.Programs, err)
	}
}

func checkPrograms(t *testing.T, out []byte, want bool) {
	t.Helper()
	var f fleet.Facts
	if err := Packages.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatal(err)
	}
	if got, ok := f.Packages.Programs[fleet.TarballTnef]; !ok || got != want || len(f.Packages.Programs) != 1 {
		t.Errorf("Programs = %v, want %s %v", f.Packages.Programs, fleet.TarballTnef, want)
	}
}
