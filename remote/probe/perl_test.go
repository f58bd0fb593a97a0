package probe

import (
	"os/exec"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestParsePerlCentOS5(t *testing.T) {
	var f fleet.Facts
	if err := Perl.Parse(Result{Stdout: readCase(t, "perl", "centos5")}, &f); err != nil {
		t.Fatal(err)
	}
	p := f.Perl
	if p.Version != "5.8.8" || p.Archname != "i386-linux-thread-multi" || p.Path != "/usr/bin/perl" {
		t.Errorf("perl = %+v", p)
	}
	if len(p.INC) != 12 || p.INC[0] != "/usr/lib/MailScanner" || p.INC[11] != "." {
		t.Errorf("INC = %q", p.INC)
	}
	if p.Dirs["sitelib"] != "/usr/lib/perl5/site_perl/5.8.8" || len(p.Dirs) != 6 {
		t.Errorf("Dirs = %v", p.Dirs)
	}
}

func TestParsePerlEmpty(t *testing.T) {
	var f fleet.Facts
	if err := Perl.Parse(Result{Stdout: []byte("perl: not found\n")}, &f); err == nil || f.Perl != nil {
		t.Fatalf("err = %v, Perl = %+v; want an error and no facts", err, f.Perl)
	}
}

func TestPerlReal(t *testing.T) {
	want, err := exec.Command("/usr/bin/perl", "-e", `printf "%vd", $^V`).Output()
	if err != nil {
		t.Skip(err)
	}
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			r := runShell(t, sh, Perl.Command, nil)
			var f fleet.Facts
			if err := Perl.Parse(r, &f); err != nil {
				t.Fatalf("%v\n%s%s", err, r.Stdout, r.Stderr)
			}
			if f.Perl.Version != string(want) {
				t.Errorf("version = %q, want %q", f.Perl.Version, want)
			}
			if f.Perl.Path != "/usr/bin/perl" || len(f.Perl.INC) < 3 || f.Perl.Dirs["privlib"] == "" {
				t.Errorf("perl = %+v", f.Perl)
			}
			if sh == "dash" {
				saveCapture(t, "perl", "debian12", r.Stdout)
			}
		})
	}
}

func FuzzParsePerl(f *testing.F) {
	seedCorpus(f, "perl")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, Perl, data) })
}
