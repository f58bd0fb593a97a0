package probe

import (
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestParseCaptured parses the outputs captured on a Debian 12 machine
// (see testdata/README.md) and checks facts known from that capture.
func TestParseCaptured(t *testing.T) {
	tests := []struct {
		probe Probe
		file  string
		check func(t *testing.T, f *fleet.Facts)
	}{
		{Mounts, "debian12", func(t *testing.T, f *fleet.Facts) {
			tmp, _ := pathOf(f.Mounts, "/tmp", "default")
			ms, _ := pathOf(f.Mounts, "/var/spool/MailScanner", "default")
			if !tmp.Exists || tmp.MountPoint != "/" || tmp.NoExec || tmp.FreeKB == nil || ms.Exists || ms.MountPoint != "/" {
				t.Errorf("/tmp = %+v, /var/spool/MailScanner = %+v", tmp, ms)
			}
		}},
		{Perl, "debian12", func(t *testing.T, f *fleet.Facts) {
			p := f.Perl
			if p.Version != "5.36.0" || p.Archname != "x86_64-linux-gnu-thread-multi" || len(p.INC) != 9 || p.INC[0] != "/etc/perl" || p.Dirs["vendorlib"] != "/usr/share/perl5" {
				t.Errorf("perl = %+v", p)
			}
		}},
		{PerlModules, "debian12", func(t *testing.T, f *fleet.Facts) {
			zip := module(t, f.PerlModules, "Archive::Zip")
			if c, _ := zip.Loaded(); c.Owner.Package != "libarchive-zip-perl" || c.Owner.Version != "1.68-1" || c.Version != "1.68" || !zip.Loads {
				t.Errorf("Archive::Zip = %+v", zip)
			}
			cfg := module(t, f.PerlModules, "Config")
			if cfg.Source != "duplicate" || len(cfg.Copies) < 2 || cfg.Copies[1].Owner.Package != "libperl5.36:amd64" {
				t.Errorf("Config = %+v, want a duplicate", cfg)
			}
			if m := module(t, f.PerlModules, "Mail::ClamAV"); m.Loads || len(m.Copies) != 0 {
				t.Errorf("Mail::ClamAV = %+v", m)
			}
			if m := module(t, f.PerlModules, "JSON::PP"); m.Source != "extra" {
				t.Errorf("JSON::PP = %+v", m)
			}
		}},
		{PerlModules, "debian12-rpm-shadow", func(t *testing.T, f *fleet.Facts) {
			zip := module(t, f.PerlModules, "Archive::Zip")
			if c, _ := zip.Loaded(); c.Owner.Manager != "rpm" || c.Owner.Package != "perl-Archive-Zip" || c.Version != "1.30" || zip.LoadedPath != c.Path {
				t.Errorf("Archive::Zip = %+v", zip)
			}
			if len(f.PerlModules.CPANLog) != 1 {
				t.Errorf("CPANLog = %+v", f.PerlModules.CPANLog)
			}
		}},
		{Packages, "debian12", func(t *testing.T, f *fleet.Facts) {
			perl, _ := pkg(f.Packages, "perl")
			if f.Packages.Manager != "dpkg" || perl.Version != "5.36.0" || perl.Release != "7+deb12u4" || f.Packages.Tools["spamassassin"] != "4.0.1" || f.Packages.Tools["clamscan"] != "1.4.6" {
				t.Errorf("packages: perl %+v, tools %v", perl, f.Packages.Tools)
			}
			if !strings.HasPrefix(f.Packages.Tools["sa-update"], "svn") {
				t.Errorf("sa-update = %q", f.Packages.Tools["sa-update"])
			}
		}},
		{Packages, "debian12-rpm", func(t *testing.T, f *fleet.Facts) {
			p, ok := pkg(f.Packages, "perl-Archive-Zip")
			if f.Packages.Manager != "rpm" || !ok || p.Vendor != "" || !strings.Contains(p.Packager, "mailscanner") {
				t.Errorf("rpm packages: %+v", p)
			}
		}},
		{Processes, "debian12-fake-mailscanner", func(t *testing.T, f *fleet.Facts) {
			if len(f.Processes.Master) != 1 || len(f.Processes.Children) != 3 {
				t.Errorf("processes = %+v", f.Processes)
			}
		}},
		{MailScannerVersion, "debian12-standin", func(t *testing.T, f *fleet.Facts) {
			ms := f.MailScanner
			if ms.PerlVersion != "5.036000 (5.36.0)" || len(ms.OSLines) != 0 || len(ms.Extra) != 0 {
				t.Errorf("-v = %+v", ms)
			}
			if m, _ := moduleVersion(ms.Optional, "Mail::SpamAssassin"); m.Version != "4.000001" {
				t.Errorf("Mail::SpamAssassin = %+v", m)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.probe.Name+"/"+tt.file, func(t *testing.T) {
			var f fleet.Facts
			if err := tt.probe.Parse(Result{Stdout: readCase(t, tt.probe.Name, tt.file)}, &f); err != nil {
				t.Fatal(err)
			}
			tt.check(t, &f)
		})
	}
}
