package probe

import (
	"errors"
	"os/exec"
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
