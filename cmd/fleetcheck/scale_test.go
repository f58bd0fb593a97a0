package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

var scaleHosts = flag.Int("scale-hosts", 1000, "BenchmarkScale: number of simulated hosts")

// scaleFleetEnv, set to "DIR N", makes the test binary serve a simulated
// fleet of N demo hosts, writing its inventory into DIR, until its
// standard input closes: BenchmarkScale runs the fleet in a process of its
// own so that the coordinator's figures are the coordinator's alone.
const scaleFleetEnv = "FLEETCHECK_SCALE_FLEET"

// serveScaleFleet is the fleet process of BenchmarkScale.
func serveScaleFleet(spec string) {
	dir, nText, _ := strings.Cut(spec, " ")
	n, err := strconv.Atoi(nText)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale fleet:", err)
		os.Exit(2)
	}
	d, err := startDemoFleet(dir, n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale fleet:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	d.close()
	os.Exit(0)
}

// measured is what one coordinator command cost.
type measured struct {
	wall     time.Duration
	cpu      time.Duration
	maxRSSKB int64
	code     int
	stderr   string
}

// runMeasured runs the fleetcheck binary and reads its CPU time and peak
// resident set from the kernel's accounting of the child.
func runMeasured(b *testing.B, bin, home string, args ...string) measured {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "SSH_AUTH_SOCK=", "HOME="+home)
	var errb strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	start := time.Now()
	err := cmd.Run()
	m := measured{wall: time.Since(start), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		m.code = ee.ExitCode()
	case err != nil:
		b.Fatalf("fleetcheck %v: %v", args, err)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	m.maxRSSKB = ru.Maxrss
	return m
}

// dirBytes is the total size of the regular files under dir.
func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// chromiumOpen is how long headless Chromium takes to load and lay out
// page, less what it takes for an empty page.
func chromiumOpen(b *testing.B, dir, page string) (time.Duration, bool) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		return 0, false
	}
	load := func(p string) time.Duration {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
			"--user-data-dir="+filepath.Join(dir, "chromium-profile"), "--dump-dom", "file://"+p)
		start := time.Now()
		out, err := cmd.Output()
		if err != nil || len(out) == 0 {
			b.Fatalf("chromium --dump-dom %s: %v", p, err)
		}
		return time.Since(start)
	}
	empty := filepath.Join(dir, "empty.html")
	if err := os.WriteFile(empty, []byte("<!doctype html><title>empty</title>"), 0o644); err != nil {
		b.Fatal(err)
	}
	load(empty) // warm the profile
	base := load(empty)
	return load(page) - base, true
}

// BenchmarkScale measures the real path at fleet scale: a simulated fleet
// of -scale-hosts demo hosts (the demo's recordings of real lab hosts, so
// real-sized snapshots) runs in a process of its own on loopback ports, and
// the fleetcheck binary, unchanged, collects it, compares the stored run
// and writes the HTML report. Run it once:
//
//	go test ./cmd/fleetcheck -run '^$' -bench Scale -benchtime 1x
//	go test ./cmd/fleetcheck -run '^$' -bench Scale -benchtime 1x -timeout 60m -scale-hosts 10000
//
// The fleet process holds a listening socket per host: its file descriptor
// limit (ulimit -n) must exceed N by a few hundred.
func BenchmarkScale(b *testing.B) {
	n := *scaleHosts
	dir := b.TempDir()
	bin := filepath.Join(dir, "fleetcheck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	srv := exec.Command(self)
	srv.Env = append(os.Environ(), scaleFleetEnv+"="+dir+" "+strconv.Itoa(n))
	stdin, err := srv.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := srv.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		stdin.Close()
		_ = srv.Wait()
	}()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "ready\n" {
		b.Fatalf("simulated fleet did not start: %q %v", line, err)
	}
	inv := filepath.Join(dir, "inventory.yaml")
	for i := 0; i < b.N; i++ {
		store := filepath.Join(dir, fmt.Sprintf("runs%d", i))
		col := runMeasured(b, bin, dir, "collect", "-i", inv, "--store", store, "--parallel", "64")
		if col.code != exitUnassessed && col.code != exitOK {
			b.Fatalf("collect exit %d\n%s", col.code, col.stderr)
		}
		run, err := fleet.LatestRun(store)
		if err != nil {
			b.Fatal(err)
		}
		_, snaps, err := fleet.ReadRun(run)
		if err != nil || len(snaps) != n {
			b.Fatalf("run holds %d of %d hosts: %v", len(snaps), n, err)
		}
		for _, s := range snaps {
			if s.Status != fleet.HostOK && s.Status != fleet.HostPartial {
				b.Fatalf("%s: %s %s", s.Host, s.Status, s.Error)
			}
		}
		snaps = nil
		html := filepath.Join(dir, "report.html")
		cmp := runMeasured(b, bin, dir, "compare", "--from", run, "--format", "html", "-o", html)
		if cmp.code != exitDiffers {
			b.Fatalf("compare exit %d\n%s", cmp.code, cmp.stderr)
		}
		jsonReport := filepath.Join(dir, "report.json")
		if m := runMeasured(b, bin, dir, "compare", "--from", run, "--format", "json", "-o", jsonReport); m.code != exitDiffers {
			b.Fatalf("compare --format json exit %d\n%s", m.code, m.stderr)
		}
		perHost := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(n) }
		size := func(p string) float64 {
			info, err := os.Stat(p)
			if err != nil {
				b.Fatal(err)
			}
			return float64(info.Size()) / 1e6
		}
		b.ReportMetric(perHost(col.cpu), "collect-cpu-ms/host")
		b.ReportMetric(float64(col.maxRSSKB)/1024, "collect-peak-MB")
		b.ReportMetric(col.wall.Seconds(), "collect-wall-s")
		b.ReportMetric(float64(dirBytes(b, run))/float64(n)/1e3, "run-kB/host")
		b.ReportMetric(cmp.wall.Seconds(), "compare-html-wall-s")
		b.ReportMetric(cmp.cpu.Seconds(), "compare-html-cpu-s")
		b.ReportMetric(float64(cmp.maxRSSKB)/1024, "compare-html-peak-MB")
		b.ReportMetric(size(html), "html-MB")
		b.ReportMetric(size(jsonReport), "json-MB")
		if d, ok := chromiumOpen(b, dir, html); ok {
			b.ReportMetric(d.Seconds(), "chromium-open-s")
		}
	}
}
