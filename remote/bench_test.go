package remote

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// BenchmarkCollect500 measures the transport: 500 in-process servers on
// loopback (one process, one shared host key), each connected with 32 at a
// time and asked three small commands answered from canned output.
// Reported: CPU ms per host (client and servers together), peak heap in
// use, wall time.
func BenchmarkCollect500(b *testing.B) {
	const hosts, parallel = 500, 32
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		mounts = []byte(strings.Repeat("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n", 30))
	}
	replies := map[string]sshsim.Reply{
		"uname -a":          {Stdout: "Linux mail1 2.6.18-419.el5 #1 SMP x86_64 GNU/Linux\n"},
		"cat /proc/loadavg": {Stdout: "0.42 0.31 0.29 1/123 4567\n"},
		"cat /proc/mounts":  {Stdout: string(mounts)},
	}
	cmds := []string{"uname -a", "cat /proc/loadavg", "cat /proc/mounts"}

	dir := b.TempDir()
	hostKey := sshsim.MustSigner(sshsim.Ed25519)
	priv, clientKey, err := sshsim.GenerateKey(sshsim.Ed25519)
	if err != nil {
		b.Fatal(err)
	}
	keyFile := filepath.Join(dir, "id_ed25519")
	if err := sshsim.WritePrivateKey(keyFile, priv, ""); err != nil {
		b.Fatal(err)
	}
	known := filepath.Join(dir, "known_hosts")
	var kh strings.Builder
	servers := make([]*sshsim.Server, hosts)
	for i := range servers {
		s, err := sshsim.NewServer(sshsim.Config{HostKeys: []ssh.Signer{hostKey},
			AuthorizedKeys: []ssh.PublicKey{clientKey.PublicKey()}, Handler: sshsim.Canned(replies)})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		servers[i] = s
		fmt.Fprintf(&kh, "%s %s", normalizeAddr(s.Addr), ssh.MarshalAuthorizedKey(hostKey.PublicKey()))
	}
	if err := os.WriteFile(known, []byte(kh.String()), 0o600); err != nil {
		b.Fatal(err)
	}

	var cpu time.Duration
	var peak atomic.Uint64
	start := time.Now()
	b.ResetTimer()
	for range b.N {
		d, err := NewDialer(DialerOptions{Home: dir})
		if err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap(&peak)
		before := rusage()
		var g errgroup.Group
		g.SetLimit(parallel)
		var failed atomic.Int32
		for _, s := range servers {
			g.Go(func() error {
				tg := sshconfig.Target{Name: "h", HostName: s.Host(), Port: s.Port(), User: "audit",
					IdentityFiles: []string{keyFile}, KnownHostsFiles: []string{known}, ConnectTimeout: 30 * time.Second}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				c, err := d.Connect(ctx, tg)
				if err != nil {
					b.Error(err)
					failed.Add(1)
					return nil
				}
				defer c.Close()
				for _, cmd := range cmds {
					out, err := RunCapped(ctx, c, cmd, nil, DefaultOutputLimit)
					if err != nil || out.Code != 0 || len(out.Stdout) == 0 {
						b.Errorf("%s: %+v, %v", cmd, out.Exit, err)
						failed.Add(1)
					}
				}
				return nil
			})
		}
		_ = g.Wait()
		cpu += rusage() - before
		stop()
		d.Close()
		if failed.Load() > 0 {
			b.Fatalf("%d failures", failed.Load())
		}
	}
	b.StopTimer()
	wall := time.Since(start)
	n := float64(b.N)
	b.ReportMetric(float64(cpu.Microseconds())/1000/n/hosts, "cpu-ms/host")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(wall.Milliseconds())/n, "wall-ms")
}

// rusage is the process's user+system CPU time so far.
func rusage() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sampleHeap records the largest HeapInuse seen until the returned stop
// function is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
