package probe

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// childCPU returns the user+system CPU time of waited-for children so far.
func childCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// standIn is the lab's MailScanner stand-in, whose -v loads every module
// of MailScanner's lists with this machine's perl, as the real one does.
const standIn = "../lab/assets/MailScanner"

// BenchmarkRemoteCPU runs the built-in commands one after the other under
// dash on this machine, as a host runs them in a full audit, and reports
// the CPU time the remote side spends, in total and per probe:
//
//	go test ./remote/probe -run '^$' -bench RemoteCPU -benchtime 5x
//
// MailScanner -v is the lab's stand-in (on PATH), run through the handoff
// filter; perl_modules then gets what it hands over, as in a session that
// runs both ("handoff" is the filter's own cost). perl_modules-alone is the
// probe without it (-v not selected, failed or timed out). MailScanner
// --lint is left out: it needs a MailScanner installation. The figures
// leave out the batch's own processes (sh -s, watchdogs), the login and
// sshd; remote/lab/bench/remotecpu.sh measures those on lab hosts.
func BenchmarkRemoteCPU(b *testing.B) {
	for _, tool := range []string{"dash", "perl"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("needs %s", tool)
		}
	}
	bin := b.TempDir()
	src, err := os.ReadFile(standIn)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "MailScanner"), src, 0o755); err != nil {
		b.Fatal(err)
	}
	path := "PATH=" + bin + ":" + os.Getenv("PATH")
	per := map[string]time.Duration{}
	var total time.Duration
	run := func(name, cmd string, stdin []byte, fd5 *os.File) []byte {
		c := exec.Command("dash", "-c", cmd)
		c.Env = append(os.Environ(), path)
		c.Stdin = bytes.NewReader(stdin)
		var out bytes.Buffer
		c.Stdout = &out
		if fd5 != nil {
			c.ExtraFiles = []*os.File{nil, nil, fd5}
		}
		before := childCPU(b)
		if err := c.Run(); err != nil {
			if _, ok := err.(*exec.ExitError); !ok {
				b.Fatal(err)
			}
		}
		d := childCPU(b) - before
		per[name] += d
		if name != "perl_modules-alone" {
			total += d
		}
		return out.Bytes()
	}
	for i := 0; i < b.N; i++ {
		var handed []byte
		for _, p := range All() {
			switch p.Name {
			case MailScannerLint.Name, PerlModules.Name:
			case MailScannerVersion.Name:
				out := run(p.Name, p.Command, nil, nil)
				r, w, err := os.Pipe()
				if err != nil {
					b.Fatal(err)
				}
				done := make(chan []byte)
				go func() {
					var buf bytes.Buffer
					_, _ = buf.ReadFrom(r)
					done <- buf.Bytes()
				}()
				run("handoff", mailScannerLoads.Filter, out, w)
				w.Close()
				handed = append([]byte(HandoffOK+"\n"), <-done...)
				r.Close()
			default:
				run(p.Name, p.Command, nil, nil)
			}
		}
		if bytes.Count(handed, []byte(loadedLine)) < 40 {
			b.Fatalf("the stand-in's -v handed over too little: %s", handed)
		}
		run(PerlModules.Name, PerlModules.Command, handed, nil)
		run("perl_modules-alone", PerlModules.Command, nil, nil)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "cpu-ms/op")
	for name, d := range per {
		b.ReportMetric(float64(d.Milliseconds())/float64(b.N), name+"-cpu-ms/op")
	}
}
