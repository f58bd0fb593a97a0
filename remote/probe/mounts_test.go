package probe

import (
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func pathOf(m *fleet.Mounts, path, source string) (fleet.PathMount, bool) {
	for _, p := range m.Paths {
		if p.Path == path && p.Source == source {
			return p, true
		}
	}
	return fleet.PathMount{}, false
}

func TestParseMounts(t *testing.T) {
	type want struct {
		path, mountPoint, typ string
		exists, noexec, ro    bool
		free                  int64 // -1: unknown
	}
	tests := []struct {
		file  string
		paths []want
	}{
		{"centos5-noexec-tmp", []want{
			{"/tmp", "/tmp", "ext3", true, true, false, 929172},
			{"/var/tmp", "/tmp", "ext3", true, true, false, 929172}, // bind via symlink: RealPath /tmp
			{"/var/spool/MailScanner/incoming", "/var", "ext3", true, false, false, 7582668},
		}},
		{"centos7-tmpfs-incoming", []want{
			{"/tmp", "/", "xfs", true, false, false, 47971692},
			// two mounts on one point: the last one is on top
			{"/var/spool/MailScanner/incoming", "/var/spool/MailScanner/incoming", "tmpfs", true, true, false, 1046528},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var f fleet.Facts
			if err := Mounts.Parse(Result{Stdout: readCase(t, "mounts", tt.file)}, &f); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.paths {
				p, ok := pathOf(f.Mounts, w.path, "default")
				if !ok {
					t.Errorf("%s: missing", w.path)
					continue
				}
				if p.MountPoint != w.mountPoint || p.Type != w.typ || p.Exists != w.exists || p.NoExec != w.noexec || p.ReadOnly != w.ro {
					t.Errorf("%s = %+v, want %+v", w.path, p, w)
				}
				if w.free >= 0 && (p.FreeKB == nil || *p.FreeKB != w.free) {
					t.Errorf("%s free = %v, want %d", w.path, p.FreeKB, w.free)
				}
			}
		})
	}
}

func TestMountEscapes(t *testing.T) {
	var f fleet.Facts
	if err := Mounts.Parse(Result{Stdout: readCase(t, "mounts", "centos7-tmpfs-incoming")}, &f); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range f.Mounts.All {
		if m.MountPoint == "/srv/mail archive" {
			found = true
		}
	}
	if !found {
		t.Errorf("no mount point %q (\\040 not decoded)", "/srv/mail archive")
	}
	if got := unescapeMount(`a\134b\011c\0`); got != "a\\b\tc\\0" {
		t.Errorf("unescapeMount = %q", got)
	}
}

func TestDeriveMountPaths(t *testing.T) {
	var f fleet.Facts
	if err := Mounts.Parse(Result{Stdout: readCase(t, "mounts", "centos7-tmpfs-incoming")}, &f); err != nil {
		t.Fatal(err)
	}
	f.Config = &fleet.MailScannerConfig{Values: map[string]fleet.ConfigValue{
		"incomingworkdir":          {Value: "/var/spool/MailScanner/incoming"},
		"quarantinedir":            {Value: "/var/spool/MailScanner/quarantine/"},
		"spamassassintemporarydir": {Value: "/var/spool/MailScanner/incoming/SpamAssassin-Temp"},
		"lockfiledir":              {Value: "%rules-dir%/locks"},
		"maxchildren":              {Value: "7"},
	}}
	f.Processes = &fleet.Processes{}
	Derive(&f)
	Derive(&f) // idempotent
	n := 0
	for _, p := range f.Mounts.Paths {
		if p.Source != "default" {
			n++
			if p.SizeKB != nil || p.FreeKB != nil {
				t.Errorf("%s: sizes set without df", p.Path)
			}
		}
	}
	if n != 3 {
		t.Errorf("derived %d paths, want 3: %+v", n, f.Mounts.Paths)
	}
	q, ok := pathOf(f.Mounts, "/var/spool/MailScanner/quarantine", "quarantinedir")
	if !ok || q.Type != "nfs" {
		t.Errorf("quarantine = %+v, want on nfs", q)
	}
	sa, ok := pathOf(f.Mounts, "/var/spool/MailScanner/incoming/SpamAssassin-Temp", "spamassassintemporarydir")
	if !ok || !sa.NoExec || sa.Type != "tmpfs" {
		t.Errorf("sa temp = %+v, want on noexec tmpfs", sa)
	}
	if f.Processes.MaxChildren != 7 {
		t.Errorf("MaxChildren = %d, want 7", f.Processes.MaxChildren)
	}
	Derive(&fleet.Facts{}) // nothing known: no panic
	Derive(nil)
}

func TestMountsReal(t *testing.T) {
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			r := runShell(t, sh, Mounts.Command, nil)
			var f fleet.Facts
			if err := Mounts.Parse(r, &f); err != nil {
				t.Fatalf("%v\n%s", err, r.Stdout)
			}
			proc := false
			for _, m := range f.Mounts.All {
				if m.MountPoint == "/proc" && m.Type == "proc" {
					proc = true
				}
			}
			if !proc {
				t.Errorf("/proc is not mounted according to %s", r.Stdout)
			}
			tmp, ok := pathOf(f.Mounts, "/tmp", "default")
			if !ok || !tmp.Exists || tmp.MountPoint == "" || tmp.FreeKB == nil {
				t.Errorf("/tmp = %+v", tmp)
			}
			if sh == "dash" {
				saveCapture(t, "mounts", "debian12", r.Stdout)
			}
		})
	}
}

func FuzzParseMounts(f *testing.F) {
	seedCorpus(f, "mounts")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, Mounts, data) })
}

// TestMountsBounded: one mount with very many options, shared by many
// paths, must not multiply into the facts.
func TestMountsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("@@fc mounts\n/dev/x / ext4 " + strings.Repeat("a,", 50000) + "rw 0 0\n")
	for i := 0; i < 100; i++ {
		b.WriteString("@@fc nodir /tmp\n")
	}
	fuzzParse(t, Mounts, []byte(b.String()))
}

// TestReadMountsHostileNames checks mount names are unescaped before they
// are cleaned: an escaped newline is part of the path and stays, an escaped
// terminal sequence goes.
func TestReadMountsHostileNames(t *testing.T) {
	out := "@@fc mounts\n/dev/sda1 /mnt/a\\012b ext4 rw 0 0\n/dev/x\\033]0;owned\\007 /mnt/\\033[2Jc\\342\\200\\256 ext4 rw 0 0\n"
	m, err := readMounts([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	want := []fleet.Mount{{Device: "/dev/sda1", MountPoint: "/mnt/a\nb"}, {Device: "/dev/x", MountPoint: "/mnt/c"}}
	if len(m.All) != len(want) {
		t.Fatalf("mounts = %+v, want %d", m.All, len(want))
	}
	for i, w := range want {
		if g := m.All[i]; g.Device != w.Device || g.MountPoint != w.MountPoint {
			t.Errorf("mount %d = %q on %q, want %q on %q", i, g.Device, g.MountPoint, w.Device, w.MountPoint)
		}
	}
}
