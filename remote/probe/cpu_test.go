package probe

import (
	"os/exec"
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

// BenchmarkRemoteCPU runs every built-in command but MailScanner's own
// (-v and --lint) one after the other under dash on this machine, and
// reports the CPU time the remote side spends, in total and per probe:
//
//	go test ./remote/probe -run '^$' -bench RemoteCPU -benchtime 5x
func BenchmarkRemoteCPU(b *testing.B) {
	if _, err := exec.LookPath("dash"); err != nil {
		b.Skip("needs dash")
	}
	per := map[string]time.Duration{}
	var total time.Duration
	for i := 0; i < b.N; i++ {
		for _, p := range All() {
			if p.Name == MailScannerVersion.Name || p.Name == MailScannerLint.Name {
				continue
			}
			before := childCPU(b)
			if err := exec.Command("dash", "-c", p.Command).Run(); err != nil {
				if _, ok := err.(*exec.ExitError); !ok {
					b.Fatal(err)
				}
			}
			d := childCPU(b) - before
			per[p.Name] += d
			total += d
		}
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "cpu-ms/op")
	for name, d := range per {
		b.ReportMetric(float64(d.Milliseconds())/float64(b.N), name+"-cpu-ms/op")
	}
}
