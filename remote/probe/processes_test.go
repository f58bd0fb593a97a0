package probe

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestParseProcesses(t *testing.T) {
	tests := []struct {
		file              string
		masters, children int
		masterCPU         int64
		masterElapsed     int64
	}{
		{"centos5", 1, 3, 3*3600 + 12*60 + 9, 3*86400 + 2*3600 + 11*60 + 45},
		{"v5", 1, 5, 12, 86400},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var f fleet.Facts
			if err := Processes.Parse(Result{Stdout: readCase(t, "processes", tt.file)}, &f); err != nil {
				t.Fatal(err)
			}
			p := f.Processes
			if len(p.Master) != tt.masters || len(p.Children) != tt.children {
				t.Fatalf("%d masters, %d children; want %d, %d: %+v", len(p.Master), len(p.Children), tt.masters, tt.children, p)
			}
			if m := p.Master[0]; m.CPUSec != tt.masterCPU || m.ElapsedSec != tt.masterElapsed {
				t.Errorf("master = %+v, want cpu %d elapsed %d", m, tt.masterCPU, tt.masterElapsed)
			}
		})
	}
}

func TestPSDuration(t *testing.T) {
	tests := map[string]int64{"00:03": 3, "05:01": 301, "04:05:12": 4*3600 + 5*60 + 12, "3-02:11:45": 3*86400 + 2*3600 + 11*60 + 45, "1-00:00:00": 86400}
	for in, want := range tests {
		if got, ok := psDuration(in); !ok || got != want {
			t.Errorf("psDuration(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "12", "a:b", "1-2-3:4", "-1:00", "1:2:3:4"} {
		if _, ok := psDuration(bad); ok {
			t.Errorf("psDuration(%q) ok", bad)
		}
	}
}

// TestProcessesReal starts a fake MailScanner (a perl script of that name
// forking three children that retitle themselves like MailScanner 5) and
// finds it with the real ps.
func TestProcessesReal(t *testing.T) {
	c := startFakeMailScanner(t, "")
	for _, sh := range shells {
		t.Run(sh, func(t *testing.T) {
			var f fleet.Facts
			var r Result
			// Other MailScanners may run on this machine (a lab's
			// fat-children host): look at ours only.
			ours := func() (master, children int) {
				for _, m := range f.Processes.Master {
					if m.PID == c.Process.Pid {
						master++
					}
				}
				for _, ch := range f.Processes.Children {
					if ch.PPID == c.Process.Pid {
						children++
					}
				}
				return master, children
			}
			for i := 0; i < 50; i++ { // the children need a moment to retitle
				r = runShell(t, sh, Processes.Command, nil)
				if err := Processes.Parse(r, &f); err != nil {
					t.Fatalf("%v\n%s", err, r.Stdout)
				}
				if _, children := ours(); children >= 3 {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			p := f.Processes
			master, children := ours()
			for _, ch := range p.Children {
				if ch.PPID == c.Process.Pid && ch.Args != "MailScanner: waiting for messages" {
					t.Errorf("child = %+v", ch)
				}
			}
			if master != 1 || children != 3 {
				t.Fatalf("processes = %+v, want master %d and 3 children\n%s", p, c.Process.Pid, r.Stdout)
			}
			if sh == "dash" {
				saveCapture(t, "processes", "debian12-fake-mailscanner", r.Stdout)
			}
		})
	}
}

func FuzzParseProcesses(f *testing.F) {
	seedCorpus(f, "processes")
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, Processes, data) })
}

// startFakeMailScanner starts a perl program called MailScanner that forks
// three children retitled like MailScanner 5's, each running childCode
// first, in a process group of its own that the test's end kills.
func startFakeMailScanner(t *testing.T, childCode string) *exec.Cmd {
	t.Helper()
	prog := filepath.Join(t.TempDir(), "MailScanner")
	script := "#!/usr/bin/perl\nfor (1..3) { if (!fork) { $0 = \"MailScanner: waiting for messages\"; " + childCode + " sleep 30; exit 0 } }\nsleep 30;\n"
	if err := os.WriteFile(prog, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	c := exec.Command(prog)
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
		_ = c.Wait()
	})
	return c
}
