package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// sudoFleet is one host whose sudo wants a password, after a resolver
// warning, and one that is down; the login user is "auditor".
func sudoFleet(t *testing.T) (inv string, vars map[string]string) {
	t.Helper()
	refusal := "sudo: unable to resolve host mailx: Name or service not known\nsudo: a password is required\n"
	path, _ := wedgeFleet(t, []wedgeHost{{name: "needpass", cfg: sshsim.Config{
		Handler: sshsim.Canned(map[string]sshsim.Reply{"sudo -n true": {Stderr: refusal, Exit: 1}})}}})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "hosts:\n", "defaults: {sudo: true, user: auditor}\nhosts:\n", 1) +
		"  - {name: down, address: 127.0.0.1, port: 1}\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(filepath.Dir(path), "ssh_config")
	data, _ = os.ReadFile(cfg)
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(data), "  User tester\n", "", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, map[string]string{"HOME": t.TempDir()}
}

// TestCheckOutputYouCanActOn: every failure is printed whole below the
// table, with its fix; for sudo, the line that matters and the sudoers
// lines with the real user.
func TestCheckOutputYouCanActOn(t *testing.T) {
	inv, vars := sudoFleet(t)
	code, out, stderr := runCLI(t, vars, "check", "-i", inv)
	if code != exitUnassessed {
		t.Errorf("exit %d, want %d\n%s%s", code, exitUnassessed, out, stderr)
	}
	for _, want := range []string{
		"needpass: sudo-denied\n  sudo -n true failed: sudo: a password is required\n",
		"  fix: allow auditor password-less sudo, in /etc/sudoers.d/fleetcheck (edit with visudo -f):\n" +
			"       auditor ALL=(root) NOPASSWD: ALL\n       Defaults:auditor !requiretty\n",
		"down: unreachable\n  connect 127.0.0.1:1: ",
		"  fix: check the address and port",
		"0 of 2 hosts ready",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "unable to resolve host") {
		t.Errorf("check shows sudo's resolver warning instead of its refusal:\n%s", out)
	}
}

func TestCheckJSON(t *testing.T) {
	inv, vars := sudoFleet(t)
	code, out, _ := runCLI(t, vars, "check", "-i", inv, "--format", "json")
	if code != exitUnassessed {
		t.Errorf("exit %d, want %d", code, exitUnassessed)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("check --format json: %v\n%s", err, out)
	}
	if len(got) != 2 || got[0]["host"] != "needpass" || got[0]["result"] != "sudo-denied" || got[0]["ok"] != false ||
		!strings.Contains(fmt.Sprint(got[0]["fix"]), "auditor ALL=(root) NOPASSWD: ALL") || got[1]["result"] != "unreachable" {
		t.Errorf("check --format json = %s", out)
	}
	var keys []string
	for k := range got[0] {
		keys = append(keys, k)
	}
	want := []string{"address", "detail", "fix", "host", "ok", "result", "transport", "warnings"}
	if diff := cmp.Diff(want, sorted(keys)); diff != "" {
		t.Errorf("check JSON fields (-want +got):\n%s", diff)
	}
}

func sorted(s []string) []string {
	return slices.Sorted(slices.Values(s))
}

// explainHome is the home directory ssh expands ~ with: the passwd one.
func explainHome(t *testing.T) string {
	t.Helper()
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	return u.HomeDir
}

// TestCheckExplain: --explain connects to nothing (the hosts need not
// exist) and prints the resolution with its warnings.
func TestCheckExplain(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ssh_config")
	writeTestFile(t, cfg, `Host mail1
  HostName 192.0.2.11
  Port 2222
  HostKeyAlias Mail-VIP
  ProxyJump ops@bastion:2200
  ForwardAgent yes
Host bastion
  HostName 198.51.100.1
Host *
  User auditor
  IdentityFile ~/.ssh/fleet
  CertificateFile ~/.ssh/fleet-cert.pub
  IdentityAgent none
  UserKnownHostsFile ~/.ssh/fleet_known_hosts
  StrictHostKeyChecking accept-new
`)
	inv := filepath.Join(dir, "inventory.yaml")
	writeTestFile(t, inv, "ssh_config: "+cfg+"\nhosts: [mail1]\n")
	code, out, stderr := runCLI(t, map[string]string{"HOME": dir}, "check", "-i", inv, "--explain", "mail1", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--explain --format json: %v\n%s", err, out)
	}
	if len(got) != 1 {
		t.Fatalf("%d objects, want 1", len(got))
	}
	x := got[0]
	var keys []string
	for k := range x {
		keys = append(keys, k)
	}
	fields := []string{"certificate_files", "host", "host_key_alias", "hostname", "identity_agent", "identity_files",
		"known_hosts_files", "port", "proxy_jump", "strict_host_key_checking", "transport", "user", "warnings"}
	if diff := cmp.Diff(fields, sorted(keys)); diff != "" {
		t.Errorf("--explain JSON fields (-want +got):\n%s", diff)
	}
	home := explainHome(t)
	want := map[string]any{"host": "mail1", "hostname": "192.0.2.11", "port": 2222.0, "user": "auditor",
		"identity_files": []any{home + "/.ssh/fleet"}, "certificate_files": []any{home + "/.ssh/fleet-cert.pub"},
		"identity_agent": "none", "proxy_jump": "ops@bastion:2200", "host_key_alias": "mail-vip",
		"known_hosts_files":        []any{home + "/.ssh/fleet_known_hosts", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
		"strict_host_key_checking": "accept-new", "transport": "native",
		"warnings": []any{cfg + ":6: ForwardAgent yes is not honoured: fleetcheck never forwards anything to an audited host"}}
	if diff := cmp.Diff(want, x); diff != "" {
		t.Errorf("--explain mail1 (-want +got):\n%s", diff)
	}

	code, out, _ = runCLI(t, map[string]string{"HOME": dir}, "check", "-i", inv, "--explain", "mail1")
	for _, w := range []string{"mail1\n", "  hostname           192.0.2.11\n", "    through          bastion (ops@198.51.100.1:2200)\n",
		"  transport          native\n", "  warning: " + cfg + ":6: ForwardAgent yes"} {
		if code != exitOK || !strings.Contains(out, w) {
			t.Errorf("--explain (exit %d) lacks %q:\n%s", code, w, out)
		}
	}
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
