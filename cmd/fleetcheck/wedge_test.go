package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// wedgeHost is a host whose server stops answering at one step.
type wedgeHost struct {
	name string
	cfg  sshsim.Config
	// step is how the host's error must name where it stopped.
	step string
}

// wedgeHosts wedge at every step after the TCP connection.
func wedgeHosts() []wedgeHost {
	return []wedgeHost{
		{"handshake", sshsim.Config{Wedge: sshsim.WedgeHandshake}, "exchanging keys"},
		{"auth", sshsim.Config{Wedge: sshsim.WedgeAuth}, "authenticating"},
		{"channel", sshsim.Config{Wedge: sshsim.WedgeChannelOpen}, "opening a session"},
		{"exec", sshsim.Config{Wedge: sshsim.WedgeExec}, "starting the command"},
		{"output", sshsim.Config{Handler: sshsim.Wedge()}, "reading the command's output"},
		{"close", sshsim.Config{Handler: sshsim.WedgeOnClose(sshsim.Shell())}, "closing the session"},
	}
}

// wedgeFleet starts the servers and writes an ssh_config, a known_hosts
// and an inventory for them; it returns the inventory and the servers.
func wedgeFleet(t *testing.T, hosts []wedgeHost) (string, map[string]*sshsim.Server) {
	t.Helper()
	dir := t.TempDir()
	priv, signer, err := sshsim.GenerateKey("ed25519")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "id_ed25519")
	if err := sshsim.WritePrivateKey(keyPath, priv, ""); err != nil {
		t.Fatal(err)
	}
	hostKey := sshsim.MustSigner("ed25519")
	servers := map[string]*sshsim.Server{}
	var cfg, kh, inv strings.Builder
	for _, h := range hosts {
		c := h.cfg
		c.HostKeys = []ssh.Signer{hostKey}
		c.AuthorizedKeys = []ssh.PublicKey{signer.PublicKey()}
		srv, err := sshsim.NewServer(c)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		servers[h.name] = srv
		fmt.Fprintf(&cfg, "Host %s\n  HostName 127.0.0.1\n  Port %d\n", h.name, srv.Port())
		fmt.Fprintf(&kh, "[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(hostKey.PublicKey()))
		fmt.Fprintf(&inv, "  - %s\n", h.name)
	}
	fmt.Fprintf(&cfg, "Host *\n  User tester\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n",
		keyPath, filepath.Join(dir, "known_hosts"))
	for name, content := range map[string]string{"ssh_config": cfg.String(), "known_hosts": kh.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	invPath := filepath.Join(dir, "inventory.yaml")
	err = os.WriteFile(invPath, []byte(fmt.Sprintf("ssh_config: %s\nhosts:\n%s", filepath.Join(dir, "ssh_config"), inv.String())), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	return invPath, servers
}

// TestWedgedHostsEndAtTheirDeadline: a server that accepts the connection
// and then stops answering, at each step, ends its host at the host's
// deadline (plus at most 5 s) with status timeout and a message naming
// the step; the run record is final.
func TestWedgedHostsEndAtTheirDeadline(t *testing.T) {
	hosts := wedgeHosts()
	inv, _ := wedgeFleet(t, hosts)
	store := t.TempDir()
	const deadline = 3 * time.Second
	start := time.Now()
	code, out, stderr := runCLI(t, map[string]string{"HOME": t.TempDir()}, "collect", "-i", inv, "--store", store,
		"--timeout", deadline.String(), "--probes", "os")
	elapsed := time.Since(start)
	if code != exitUnassessed {
		t.Errorf("exit %d, want %d\n%s%s", code, exitUnassessed, out, stderr)
	}
	t.Logf("6 wedged hosts, deadline %s: the run took %s", deadline, elapsed.Round(time.Millisecond))
	rec, snaps := latestRun(t, store)
	if rec.State != fleet.RunStateComplete {
		t.Errorf("run.json state %q, want %q", rec.State, fleet.RunStateComplete)
	}
	for i, h := range hosts {
		want := fmt.Sprintf("host deadline %s reached while %s", deadline, h.step)
		if s := snaps[i]; s.Status != fleet.HostTimeout || !strings.Contains(s.Error, want) {
			t.Errorf("%s: %s %q, want %s with %q", h.name, s.Status, s.Error, fleet.HostTimeout, want)
		}
		if rh := rec.Hosts[i]; rh.Status != fleet.HostTimeout {
			t.Errorf("run.json: %s is %s, want %s", h.name, rh.Status, fleet.HostTimeout)
		}
		took := time.Duration(snaps[i].DurationMS) * time.Millisecond
		if took > deadline+5*time.Second {
			t.Errorf("%s: the host took %s, want at most its %s deadline + 5s", h.name, took, deadline)
		}
		t.Logf("wedged at %-9s ended after %5dms: %s", h.name, snaps[i].DurationMS, snaps[i].Error)
	}
}

// TestCtrlCEndsAWedgedRun: cancelling the run (what the first Ctrl-C
// does) ends every wedged host at once and leaves a final run record.
func TestCtrlCEndsAWedgedRun(t *testing.T) {
	hosts := wedgeHosts()
	inv, servers := wedgeFleet(t, hosts)
	store := t.TempDir()
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		waitExec(t, servers["output"])
		cancel(errInterrupted)
	}()
	e := &env{stdout: &strings.Builder{}, stderr: &strings.Builder{}, getenv: func(k string) string { return "" }}
	start := time.Now()
	code := run(ctx, e, []string{"collect", "-i", inv, "--store", store, "--timeout", "5m", "--probes", "os"})
	elapsed := time.Since(start)
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if elapsed > 30*time.Second {
		t.Errorf("the interrupted run took %s", elapsed)
	}
	rec, snaps := latestRun(t, store)
	if rec.State != fleet.RunStateInterrupted {
		t.Errorf("run.json state %q, want %q", rec.State, fleet.RunStateInterrupted)
	}
	for _, s := range snaps {
		if s.Status != fleet.HostInterrupted {
			t.Errorf("%s: %s (%s), want %s", s.Host, s.Status, s.Error, fleet.HostInterrupted)
		}
	}
}

// waitExec waits until s has received a command.
func waitExec(t *testing.T, s *sshsim.Server) {
	for i := 0; i < 300 && len(s.Commands()) == 0; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	if len(s.Commands()) == 0 {
		t.Error("the server never received the command")
	}
}

// TestSecondSignalExitsAtOnce runs fleetcheck as a process: after a first
// Ctrl-C it stops its hosts cleanly (a wedged command is given a grace
// period), a second Ctrl-C or a SIGTERM ends it at once, with exit
// status 4 and a final run record.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		sigs []os.Signal
	}{
		{"second ctrl-c", []os.Signal{os.Interrupt, os.Interrupt}},
		{"sigterm", []os.Signal{syscall.SIGTERM}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, servers := wedgeFleet(t, []wedgeHost{{"output", sshsim.Config{Handler: sshsim.Wedge()}, ""}})
			store := t.TempDir()
			cmd := exec.Command(os.Args[0], "collect", "-i", inv, "--store", store, "--timeout", "5m", "--probes", "os")
			cmd.Env = append(os.Environ(), mainInTestEnv+"=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitExec(t, servers["output"])
			var sent time.Time
			for i, sig := range tc.sigs {
				if i > 0 {
					time.Sleep(300 * time.Millisecond)
				}
				sent = time.Now()
				if err := cmd.Process.Signal(sig); err != nil {
					t.Fatal(err)
				}
			}
			err := cmd.Wait()
			took := time.Since(sent)
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
				t.Errorf("exit %v, want status %d\n%s", err, exitInterrupted, stderr.String())
			}
			if took > 2500*time.Millisecond { // stopping cleanly takes the 3s grace
				t.Errorf("fleetcheck took %s to exit after the last signal, want at once", took)
			}
			rec, snaps := latestRun(t, store)
			if rec.State != fleet.RunStateInterrupted || snaps[0].Status != fleet.HostInterrupted {
				t.Errorf("run.json state %q, host %s; want %q and %s\n%s", rec.State, snaps[0].Status,
					fleet.RunStateInterrupted, fleet.HostInterrupted, stderr.String())
			}
		})
	}
}
