package probe

import (
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// diskSpaceSetup builds, in a private mount namespace, a v4 tarball layout
// whose MailScanner.conf puts the Incoming Work Dir on a full 256 KB tmpfs
// and the Quarantine Dir on a tmpfs out of inodes, then runs the command.
const diskSpaceSetup = `set -e
mount -t tmpfs tmpfs /opt
mkdir -p /opt/MailScanner/etc/conf.d /opt/work /opt/quarantine
cat > /opt/MailScanner/etc/MailScanner.conf <<'CONF'
%spool% = /opt
Incoming Work Dir = /opt/work   # on its own tmpfs
Lockfile Dir = %spool%/locks
include /opt/MailScanner/etc/conf.d/*.conf
CONF
printf 'Quarantine Dir = /opt/quarantine\nOutgoing Queue Dir = /opt/missing\n' > /opt/MailScanner/etc/conf.d/local.conf
mount -t tmpfs -o size=256k tmpfs /opt/work
dd if=/dev/zero of=/opt/work/fill bs=4k count=64 2>/dev/null || true
mount -t tmpfs -o nr_inodes=8 tmpfs /opt/quarantine
i=0; while touch /opt/quarantine/f$i 2>/dev/null; do i=$((i+1)); done
exec dash -c "$2"`

// TestDiskSpaceReal runs the command against full filesystems made in a
// private mount namespace, under dash and bash.
func TestDiskSpaceReal(t *testing.T) {
	out := inNamespace(t, diskSpaceSetup, "", DiskSpace.Command)
	out2 := inNamespace(t, strings.Replace(diskSpaceSetup, "exec dash", "exec bash", 1), "", DiskSpace.Command)
	// the numbers move with the machine's other writers; the markers may not
	markers := func(b []byte) string {
		var m []string
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, marker) {
				m = append(m, l)
			}
		}
		return strings.Join(m, "\n")
	}
	if markers(out2) != markers(out) {
		t.Errorf("bash output differs from dash:\n%s\n---\n%s", out2, out)
	}
	checkFullWorkDir(t, out2)
	saveCapture(t, fleet.ProbeDiskSpace, "debian12-full-workdir", out)
	checkFullWorkDir(t, out)
}

func TestParseDiskSpaceCaptured(t *testing.T) {
	checkFullWorkDir(t, readCase(t, fleet.ProbeDiskSpace, "debian12-full-workdir"))
}

func dirSpace(ds *fleet.DiskSpace, path string) (fleet.DirSpace, bool) {
	for _, d := range ds.Dirs {
		if d.Path == path {
			return d, true
		}
	}
	return fleet.DirSpace{}, false
}

func checkFullWorkDir(t *testing.T, out []byte) {
	t.Helper()
	var f fleet.Facts
	if err := DiskSpace.Parse(Result{Stdout: out}, &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	work, ok := dirSpace(f.DiskSpace, "/opt/work")
	if !ok || !slices.Equal(work.Sources, []string{"incomingworkdir"}) || work.MountPoint != "/opt/work" || !work.Blocks.Full() || work.Inodes.Full() {
		t.Errorf("/opt/work = %+v (blocks %+v)\n%s", work, work.Blocks, out)
	}
	q, ok := dirSpace(f.DiskSpace, "/opt/quarantine")
	if !ok || !slices.Equal(q.Sources, []string{"quarantinedir"}) || q.Inodes == nil || q.Inodes.Free != 0 || !q.Inodes.Full() || q.Blocks.Full() {
		t.Errorf("/opt/quarantine = %+v (inodes %+v)", q, q.Inodes)
	}
	tmp, ok := dirSpace(f.DiskSpace, "/tmp")
	if !ok || tmp.Blocks == nil || tmp.Blocks.Total <= 0 || !slices.Equal(tmp.Sources, []string{"default"}) {
		t.Errorf("/tmp = %+v", tmp)
	}
	for _, p := range []string{"/opt/missing", "/opt/locks", "%spool%/locks"} {
		if d, ok := dirSpace(f.DiskSpace, p); ok {
			t.Errorf("%s measured: %+v", p, d)
		}
	}
	if _, ok := dirSpace(f.DiskSpace, "/var"); !ok {
		t.Errorf("/var not measured")
	}
}

// TestParseDiskSpaceHung: a df that never returns leaves its directory
// hung and the directories measured before it known.
func TestParseDiskSpaceHung(t *testing.T) {
	out := "@@fc want default /tmp\n@@fc want quarantinedir /mnt/nfs/quarantine\n" +
		"@@fc dir /tmp\nFilesystem 1024-blocks Used Available Capacity Mounted on\n/dev/vda 100 50 50 50% /\n" +
		"@@fc dir /mnt/nfs/quarantine\n"
	var f fleet.Facts
	if err := DiskSpace.Parse(Result{Stdout: []byte(out), TimedOut: true}, &f); err != nil {
		t.Fatal(err)
	}
	tmp, _ := dirSpace(f.DiskSpace, "/tmp")
	q, _ := dirSpace(f.DiskSpace, "/mnt/nfs/quarantine")
	if tmp.Hung || tmp.Blocks == nil || tmp.Blocks.UsedPercent != 50 || !q.Hung || q.Blocks != nil {
		t.Errorf("/tmp = %+v, quarantine = %+v", tmp, q)
	}
	if err := DiskSpace.Parse(Result{Stdout: []byte("")}, &f); err == nil {
		t.Error("empty output parsed")
	}
}

// TestDiskSpaceZeroInodes: filesystems without an inode table (btrfs)
// report zero inodes, which is unknown, never "no free inodes".
func TestDiskSpaceZeroInodes(t *testing.T) {
	out := "@@fc want default /var\n@@fc dir /var\n" +
		"Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sda2 1000 10 990 1% /var\n" +
		"Filesystem Inodes IUsed IFree IUse% Mounted on\n/dev/sda2 0 0 0 - /var\n"
	var f fleet.Facts
	if err := DiskSpace.Parse(Result{Stdout: []byte(out)}, &f); err != nil {
		t.Fatal(err)
	}
	if d, _ := dirSpace(f.DiskSpace, "/var"); d.Inodes != nil || d.Blocks == nil || d.Blocks.Full() {
		t.Errorf("/var = %+v", d)
	}
}

func FuzzParseDiskSpace(f *testing.F) {
	seedCorpus(f, fleet.ProbeDiskSpace)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, DiskSpace, data) })
}
