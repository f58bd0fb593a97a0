package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// runCLI runs fleetcheck in process and returns its exit code and output.
func runCLI(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, args)
	return code, out.String(), errb.String()
}

// latestRun reads the newest run directory under store.
func latestRun(t *testing.T, store string) (*fleet.RunRecord, []*fleet.Snapshot) {
	t.Helper()
	run, err := fleet.LatestRun(store)
	if err != nil {
		t.Fatal(err)
	}
	rec, snaps, err := fleet.ReadRun(run)
	if err != nil {
		t.Fatal(err)
	}
	return rec, snaps
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nope"},
		{"collect"},
		{"collect", "-i", "/does/not/exist.yaml"},
		{"collect", "--bogus-flag"},
		{"compare", "-i", "x.yaml", "--format", "pdf"},
		{"drift", "--before", "x"},
		{"preflight", "-i", "../../inventory.example.yaml"},
		{"completion"},
	} {
		code, _, _ := runCLI(t, nil, args...)
		if code != exitUsage {
			t.Errorf("fleetcheck %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	for _, c := range commands() {
		code, out, _ := runCLI(t, nil, c.name, "--help")
		if code != exitOK {
			t.Errorf("%s --help: exit %d", c.name, code)
		}
		if !strings.Contains(out, "Exit status:") || !strings.Contains(out, "3  one or more hosts could not be assessed") {
			t.Errorf("%s --help does not document the exit codes:\n%s", c.name, out)
		}
	}
}

func TestInventoryErrorNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte("hosts:\n  - name: mail3\n    port: 70000\n"), 0o644)
	code, _, stderr := runCLI(t, nil, "collect", "-i", inv)
	if code != exitUsage || !strings.Contains(stderr, inv+`:3: host "mail3": port 70000 out of range`) {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestCollectLocal(t *testing.T) {
	store := t.TempDir()
	code, out, stderr := runCLI(t, nil, "collect", "--local", "--store", store, "--probes", "os,mounts")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	rec, snaps := latestRun(t, store)
	if rec.State != fleet.RunStateComplete || len(snaps) != 1 || snaps[0].Facts.OS == nil || snaps[0].Facts.Mounts == nil {
		t.Fatalf("run %+v, snapshot %+v", rec, snaps)
	}
	if _, ran := snaps[0].Probes["perl"]; ran {
		t.Error("--probes os,mounts also ran perl")
	}
	if !strings.Contains(out, "| collected ") {
		t.Errorf("status table lacks the host:\n%s", out)
	}
}

// sshFleet starts in-process SSH servers that run commands with /bin/sh and
// writes an inventory for them; the badkey host is in known_hosts with
// another key.
func sshFleet(t *testing.T) (inv string, vars map[string]string) {
	t.Helper()
	return sshFleetWith(t, nil)
}

// sshFleetWith is sshFleet with the servers' exec handler (nil: /bin/sh).
func sshFleetWith(t *testing.T, handler sshsim.Handler) (inv string, vars map[string]string) {
	t.Helper()
	dir := t.TempDir()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	keyPath := filepath.Join(dir, "id_ed25519")
	if err := sshsim.WritePrivateKey(keyPath, priv, ""); err != nil {
		t.Fatal(err)
	}
	authorized, _ := ssh.NewPublicKey(pub)
	var cfg, kh, hosts strings.Builder
	for _, name := range []string{"good", "badkey"} {
		_, hk, _ := ed25519.GenerateKey(rand.Reader)
		signer, _ := ssh.NewSignerFromKey(hk)
		srv, err := sshsim.NewServer(sshsim.Config{HostKeys: []ssh.Signer{signer}, AuthorizedKeys: []ssh.PublicKey{authorized}, Handler: handler})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { srv.Close() })
		known := signer.PublicKey()
		if name == "badkey" {
			_, other, _ := ed25519.GenerateKey(rand.Reader)
			otherSigner, _ := ssh.NewSignerFromKey(other)
			known = otherSigner.PublicKey()
		}
		fmt.Fprintf(&cfg, "Host %s\n  HostName 127.0.0.1\n  Port %d\n", name, srv.Port())
		fmt.Fprintf(&kh, "[127.0.0.1]:%d %s", srv.Port(), ssh.MarshalAuthorizedKey(known))
		fmt.Fprintf(&hosts, "  - name: %s\n", name)
	}
	hosts.WriteString("  - name: down\n    address: 127.0.0.1\n    port: 1\n")
	fmt.Fprintf(&cfg, "Host *\n  User tester\n  IdentityFile %s\n  IdentitiesOnly yes\n  UserKnownHostsFile %s\n",
		keyPath, filepath.Join(dir, "known_hosts"))
	os.WriteFile(filepath.Join(dir, "ssh_config"), []byte(cfg.String()), 0o600)
	os.WriteFile(filepath.Join(dir, "known_hosts"), []byte(kh.String()), 0o600)
	inv = filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte(fmt.Sprintf("ssh_config: %s\ndefaults: {probe_timeout: 20s}\nhosts:\n%s",
		filepath.Join(dir, "ssh_config"), hosts.String())), 0o644)
	return inv, map[string]string{"HOME": dir}
}

func TestCollectOverSSH(t *testing.T) {
	inv, vars := sshFleet(t)
	store := t.TempDir()
	code, out, stderr := runCLI(t, vars, "collect", "-i", inv, "--store", store, "--probes", "os,mounts")
	if code != exitUnassessed {
		t.Errorf("exit %d, want %d (two hosts cannot be assessed)\n%s%s", code, exitUnassessed, out, stderr)
	}
	_, snaps := latestRun(t, store)
	want := map[string]fleet.HostStatus{"good": fleet.HostOK, "badkey": fleet.HostKeyMismatch, "down": fleet.HostUnreachable}
	for _, s := range snaps {
		if s.Status != want[s.Host] {
			t.Errorf("%s: %s (%s), want %s", s.Host, s.Status, s.Error, want[s.Host])
		}
	}
	if snaps[0].Facts.OS == nil || snaps[0].Security.HostKeyFingerprint == "" {
		t.Errorf("good host facts/security missing: %+v", snaps[0].Security)
	}

	code, out, _ = runCLI(t, vars, "check", "-i", inv)
	if code != exitUnassessed || !strings.Contains(out, "ssh-keygen -R") || !strings.Contains(out, "1 of 3 hosts ready") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

func TestCommandLineQuotes(t *testing.T) {
	got := commandLine("compare", []string{"-i", "my inv.yaml", "--redact-word", "it's", "mail1"})
	want := `fleetcheck compare -i 'my inv.yaml' --redact-word 'it'\''s' mail1`
	if got != want {
		t.Errorf("commandLine = %s, want %s", got, want)
	}
}

func TestSessionsFlagBounds(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "collect", "-i", "../../inventory.example.yaml", "--sessions", "0")
	if code != exitUsage || !strings.Contains(stderr, "--sessions 0: want 1 to 10") {
		t.Errorf("--sessions 0: exit %d, stderr %q", code, stderr)
	}
}

// TestCollectLocalWithInventory: --local probes this machine only, with the
// inventory's custom probes.
func TestCollectLocalWithInventory(t *testing.T) {
	dir := t.TempDir()
	inv := filepath.Join(dir, "inventory.yaml")
	os.WriteFile(inv, []byte("hosts: [mail1, mail2]\nprobes:\n  - {name: kernel, command: uname -s}\n"), 0o644)
	store := t.TempDir()
	code, out, stderr := runCLI(t, nil, "collect", "--local", "-i", inv, "--store", store, "--probes", "os,kernel")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	_, snaps := latestRun(t, store)
	if len(snaps) != 1 || snaps[0].Facts.Custom["kernel"] == nil || snaps[0].Facts.Custom["kernel"].Lines[0] != "Linux" {
		t.Errorf("--local with an inventory: %d snapshots, custom %+v", len(snaps), snaps[0].Facts.Custom)
	}
	if code, _, _ := runCLI(t, nil, "collect", "--local", "--store", store, "mail1"); code != exitUsage {
		t.Errorf("--local with targets: exit %d, want %d", code, exitUsage)
	}
}
