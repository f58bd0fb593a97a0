package probe

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestParseOS(t *testing.T) {
	tests := []struct {
		file                        string
		distro, id, version, family string
		kernel                      string
		cpus                        int
		mem                         int64
		load0                       float64
	}{
		{"centos4", "CentOS release 4.6 (Final)", "centos", "4.6", "rhel", "2.6.9-67.0.1.ELsmp", 2, 2055244, 3.41},
		{"centos5", "CentOS release 5.11 (Final)", "centos", "5.11", "rhel", "2.6.18-398.el5", 2, 2074636, 3.12},
		{"centos7", "CentOS Linux release 7.9.2009 (Core)", "centos", "7", "rhel", "3.10.0-1160.el7.x86_64", 4, 8008960, 0.01},
		{"sles11", "SUSE Linux Enterprise Server 11 (x86_64)", "sles", "11", "suse", "3.0.101-63-default", 1, 1018376, 0},
		{"debian12", "Debian GNU/Linux 12 (bookworm)", "debian", "12", "debian", "", 0, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var f fleet.Facts
			if err := OS.Parse(Result{Stdout: readCase(t, "os", tt.file)}, &f); err != nil {
				t.Fatal(err)
			}
			o := f.OS
			if o.Distro != tt.distro || o.ID != tt.id || o.VersionID != tt.version || o.Family != tt.family {
				t.Errorf("distro = %q %q %q %q, want %q %q %q %q", o.Distro, o.ID, o.VersionID, o.Family, tt.distro, tt.id, tt.version, tt.family)
			}
			if tt.kernel != "" && o.KernelRelease != tt.kernel {
				t.Errorf("kernel = %q, want %q", o.KernelRelease, tt.kernel)
			}
			if tt.cpus != 0 && o.CPUs != tt.cpus {
				t.Errorf("cpus = %d, want %d", o.CPUs, tt.cpus)
			}
			if tt.mem != 0 && o.MemTotalKB != tt.mem {
				t.Errorf("mem = %d, want %d", o.MemTotalKB, tt.mem)
			}
			if tt.load0 >= 0 && o.Load[0] != tt.load0 {
				t.Errorf("load = %v, want %v", o.Load[0], tt.load0)
			}
			if o.Uname == "" || o.Hostname == "" {
				t.Errorf("uname %q hostname %q empty", o.Uname, o.Hostname)
			}
		})
	}
}

func TestParseOSEmpty(t *testing.T) {
	var f fleet.Facts
	if err := OS.Parse(Result{}, &f); err == nil || f.OS != nil {
		t.Fatalf("empty output: err %v, facts %+v; want an error and no facts", err, f.OS)
	}
}

func TestOSReal(t *testing.T) {
	kernel, err := exec.Command("uname", "-r").Output()
	if err != nil {
		t.Skip(err)
	}
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			r := runShell(t, sh, OS.Command, nil)
			var f fleet.Facts
			if err := OS.Parse(r, &f); err != nil {
				t.Fatalf("%v\n%s", err, r.Stdout)
			}
			if f.OS.KernelRelease != strings.TrimSpace(string(kernel)) {
				t.Errorf("kernel = %q, want %q", f.OS.KernelRelease, kernel)
			}
			if f.OS.CPUs < 1 || f.OS.MemTotalKB <= 0 || f.OS.UptimeSeconds <= 0 {
				t.Errorf("cpus %d mem %d uptime %v", f.OS.CPUs, f.OS.MemTotalKB, f.OS.UptimeSeconds)
			}
			if sh == "dash" {
				saveCapture(t, "os", "debian12", r.Stdout)
			}
		})
	}
}

func FuzzParseOS(f *testing.F) {
	seedCorpus(f, "os")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, OS, data) })
}

func TestRedhatID(t *testing.T) {
	tests := []struct{ line, id, version string }{
		{"CentOS release 4.9 (Final)", "centos", "4.9"},
		{"Red Hat Enterprise Linux Server release 5.11 (Tikanga)", "rhel", "5.11"},
		{"Fedora release 8 (Werewolf)", "fedora", "8"},
		{"Scientific Linux release 6.10 (Carbon)", "scientific", "6.10"},
		{"Rocky Linux release 8.9 (Green Obsidian)", "rocky", "8.9"},
		{"AlmaLinux release 9.3 (Shamrock Pampas Cat)", "almalinux", "9.3"},
		{"Oracle Linux Server release 7.9", "ol", "7.9"},
		{"CloudLinux release 6.10 (Final)", "cloudlinux", "6.10"},
		{"Mandriva Linux release 2010.0", "", "2010.0"},
		{"release", "", ""},
	}
	for _, tt := range tests {
		if id, v := redhatID(tt.line); id != tt.id || v != tt.version {
			t.Errorf("redhatID(%q) = %q, %q, want %q, %q", tt.line, id, v, tt.id, tt.version)
		}
	}
}
