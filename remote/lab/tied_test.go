package lab_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// tiedChildEnv, set to a lab directory, makes TestLabEndsWithCaller the
// process that starts the lab and then waits to be killed.
const tiedChildEnv = "FLEETLAB_TIED_CHILD"

// TestLabEndsWithCaller: a lab started with EndWithCaller dies with the
// process that started it, killed without a chance to stop it (as a
// test's timeout kills a test binary): no sshd, unshare or tarpit of it
// is left on the machine.
func TestLabEndsWithCaller(t *testing.T) {
	if dir := os.Getenv(tiedChildEnv); dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if _, err := lab.Start(ctx, lab.Config{Dir: dir, Profiles: []string{lab.ProfileGood, lab.ProfileTarpit}, EndWithCaller: true}); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("ready")
		time.Sleep(10 * time.Minute)
		os.Exit(1)
	}
	requireLab(t)
	dir := labDir(t)
	child := exec.Command(os.Args[0], "-test.run=^TestLabEndsWithCaller$")
	child.Env = append(os.Environ(), tiedChildEnv+"="+dir)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if line != "ready\n" {
		child.Process.Kill()
		child.Wait()
		t.Fatalf("the lab did not start: %q %v", line, err)
	}
	n := len(processesOf(dir))
	t.Logf("%d processes of the lab running", n)
	if n < 3 {
		t.Fatalf("%d processes of the lab running, want its unshare, sshd and tarpit at least", n)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	var left []int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if left = processesOf(dir); len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("processes of the lab left after its caller was killed: %v", left)
		for _, pid := range left { // ours: their command lines name this test's lab directory
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
		}
	}
}

// processesOf returns the processes whose command line names dir.
func processesOf(dir string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err == nil && bytes.Contains(b, []byte(dir+"/")) {
			pids = append(pids, pid)
		}
	}
	return pids
}
