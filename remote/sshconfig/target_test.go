package sshconfig

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func resolve(t *testing.T, h fleet.Host, inv *fleet.Inventory, c *Config) Target {
	t.Helper()
	tg, err := Resolve(context.Background(), h, inv, c)
	if err != nil {
		t.Fatalf("Resolve(%s) = %v", h.Name, err)
	}
	return tg
}

func TestResolvePrecedence(t *testing.T) {
	cfg := load(t, `
Host mail1
  HostName 192.0.2.11
  User cfguser
  Port 2222
  IdentityFile /keys/cfg
Host *
  ConnectTimeout 4
`)
	dir := t.TempDir()
	explicitKey, defaultKey := filepath.Join(dir, "explicit"), filepath.Join(dir, "default")
	writeFile(t, explicitKey, "")
	writeFile(t, defaultKey, "")
	defaults := fleet.Settings{User: "root", Port: 2200, IdentityFile: defaultKey}
	inv := &fleet.Inventory{Defaults: defaults}
	env := testEnv(t, nil)
	type sub struct {
		HostName, User string
		Port           int
		IdentityFiles  []string
	}
	for _, tc := range []struct {
		name string
		host fleet.Host
		want sub
	}{
		{"ssh_config over defaults", fleet.Host{Name: "mail1", Defaults: defaults},
			sub{"192.0.2.11", "cfguser", 2222, []string{"/keys/cfg"}}},
		// The inventory's values come first, as ssh's -l, -p, -o HostName
		// and -i do; ssh_config's IdentityFile still follows the -i one.
		{"explicit over ssh_config", fleet.Host{Name: "mail1", Address: "10.1.1.1", Defaults: defaults,
			Explicit: fleet.Settings{User: "auditor", Port: 22, IdentityFile: explicitKey}},
			sub{"10.1.1.1", "auditor", 22, []string{explicitKey, "/keys/cfg"}}},
		{"defaults when ssh_config is silent", fleet.Host{Name: "mail2", Defaults: defaults},
			sub{"mail2", "root", 2200, []string{defaultKey}}},
		{"built-ins last", fleet.Host{Name: "mail3"},
			sub{"mail3", env.LocalUser, 22, []string{env.Home + "/.ssh/id_rsa", env.Home + "/.ssh/id_ecdsa",
				env.Home + "/.ssh/id_ecdsa_sk", env.Home + "/.ssh/id_ed25519", env.Home + "/.ssh/id_ed25519_sk",
				env.Home + "/.ssh/id_xmss", env.Home + "/.ssh/id_dsa"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := resolve(t, tc.host, inv, cfg)
			if got.ConnectTimeout != 4*time.Second {
				t.Errorf("ConnectTimeout = %s, want 4s", got.ConnectTimeout)
			}
			if diff := cmp.Diff(tc.want, sub{got.HostName, got.User, got.Port, got.IdentityFiles}); diff != "" {
				t.Errorf("Resolve(%s) mismatch (-want +got):\n%s", tc.host.Name, diff)
			}
		})
	}
}

// TestResolveDefaultsSeenByMatch: an inventory default fills what
// ssh_config leaves unset as ssh -l would, so Match user sees it, as it
// does when the openssh transport passes it.
func TestResolveDefaultsSeenByMatch(t *testing.T) {
	cfg := load(t, "Match user root\n  Port 2022\n")
	got := resolve(t, fleet.Host{Name: "h", Defaults: fleet.Settings{User: "root"}}, nil, cfg)
	if got.User != "root" || got.Port != 2022 || got.Preset.User != "root" {
		t.Errorf("Resolve = %s@:%d (preset %+v), want root and port 2022 from Match user root", got.User, got.Port, got.Preset)
	}
}

func TestResolveTokens(t *testing.T) {
	cfg := load(t, `
Host box
  HostName %h.example.net
  User ops
  Port 2022
  IdentityFile ~/.ssh/%r@%h:%p
  IdentityFile /k/%n-%u-100%%
  UserKnownHostsFile ~/kh/%h "/other kh/%p"
  CertificateFile %d/certs/%k
`)
	got := resolve(t, fleet.Host{Name: "box"}, &fleet.Inventory{}, cfg)
	env := testEnv(t, nil)
	want := Target{
		HostName:         "box.example.net",
		IdentityFiles:    []string{env.Home + "/.ssh/ops@box.example.net:2022", "/k/box-" + env.LocalUser + "-100%"},
		CertificateFiles: []string{env.Home + "/certs/box"},
		KnownHostsFiles:  []string{env.Home + "/kh/box.example.net", "/other kh/2022", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
	}
	sub := Target{HostName: got.HostName, IdentityFiles: got.IdentityFiles, CertificateFiles: got.CertificateFiles,
		KnownHostsFiles: got.KnownHostsFiles}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
	}

	bad := load(t, "Host x\n  IdentityFile /k/%Q\n")
	if _, err := Resolve(context.Background(), fleet.Host{Name: "x"}, nil, bad); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("Resolve with an unknown token = %v, want an error naming line 2", err)
	}
}

func TestResolveKnownHostsAndAlias(t *testing.T) {
	cfg := load(t, "Host *\n  UserKnownHostsFile /cfg/kh\n  StrictHostKeyChecking accept-new\n  HostKeyAlias Shared\n")
	got := resolve(t, fleet.Host{Name: "a"}, &fleet.Inventory{KnownHosts: []string{"/inv/kh"}}, cfg)
	if diff := cmp.Diff([]string{"/inv/kh", "/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"}, got.KnownHostsFiles); diff != "" {
		t.Errorf("the inventory's known_hosts wins, as -o UserKnownHostsFile does (-want +got):\n%s", diff)
	}
	if got.StrictHostKeyChecking != "accept-new" {
		t.Errorf("StrictHostKeyChecking = %q, want accept-new", got.StrictHostKeyChecking)
	}
	if got.KnownHostsAddr() != "shared:22" || got.Addr() != "a:22" {
		t.Errorf("KnownHostsAddr %q, Addr %q; want the alias shared:22 for keys, a:22 to dial", got.KnownHostsAddr(), got.Addr())
	}
	got = resolve(t, fleet.Host{Name: "a"}, &fleet.Inventory{}, cfg)
	if got.KnownHostsFiles[0] != "/cfg/kh" {
		t.Errorf("known_hosts = %q, want /cfg/kh first", got.KnownHostsFiles)
	}
}

func TestResolveIdentityAgent(t *testing.T) {
	cfg := load(t, `Host none
  IdentityAgent none
Host env
  IdentityAgent SSH_AUTH_SOCK
Host var
  IdentityAgent $FC_SOCK
Host unset
  IdentityAgent $FC_NOT_SET
Host path
  IdentityAgent ~/agent.%r
`)
	cfg.env = testEnv(t, map[string]string{"FC_SOCK": "/run/agent.sock"})
	for alias, want := range map[string]string{"none": "none", "env": "", "var": "/run/agent.sock", "unset": "none",
		"path": cfg.env.Home + "/agent." + cfg.env.LocalUser, "default": ""} {
		if got := resolve(t, fleet.Host{Name: alias}, nil, cfg).IdentityAgent; got != want {
			t.Errorf("%s: IdentityAgent = %q, want %q", alias, got, want)
		}
	}
}

func TestResolveProxyJump(t *testing.T) {
	cfg := load(t, `
Host t1
  ProxyJump j2,admin@j3:2200
Host t2
  ProxyJump u@[2001:db8::1]:2022
Host t3
  ProxyJump none
  ProxyJump j1
Host t5
  ProxyJump j1
  ProxyCommand nc %h %p
Host loop1
  ProxyJump loop2
Host loop2
  ProxyJump loop1
Host j1
  HostName 10.0.0.1
  User jumper
  IdentityFile /keys/j1
Host j2
  HostName 10.0.0.2
  ProxyJump j1
Host j3
  User ignored
  Port 1
  ProxyJump also-ignored
Host t*
  User tuser
`)
	inv := &fleet.Inventory{Defaults: fleet.Settings{User: "root"}}
	type hop struct {
		Name, HostName, User string
		Port                 int
	}
	hops := func(tg Target) []hop {
		var out []hop
		for _, j := range tg.Jump {
			out = append(out, hop{j.Name, j.HostName, j.User, j.Port})
		}
		return out
	}
	local := testEnv(t, nil).LocalUser
	for _, tc := range []struct {
		alias string
		want  []hop
	}{
		// j3 is reached with -J j2 (its own ProxyJump is ignored) and its
		// spec's user and port; j2 with its own ProxyJump, j1.
		{"t1", []hop{{"j1", "10.0.0.1", "jumper", 22}, {"j2", "10.0.0.2", local, 22}, {"j3", "j3", "admin", 2200}}},
		{"t2", []hop{{"2001:db8::1", "2001:db8::1", "u", 2022}}},
		{"t3", nil},
		{"t5", []hop{{"j1", "10.0.0.1", "jumper", 22}}},
	} {
		got := resolve(t, fleet.Host{Name: tc.alias, Defaults: inv.Defaults}, inv, cfg)
		if diff := cmp.Diff(tc.want, hops(got)); diff != "" {
			t.Errorf("Resolve(%s).Jump mismatch (-want +got):\n%s", tc.alias, diff)
		}
		if got.ProxyCommand != "" || got.Transport != fleet.TransportNative {
			t.Errorf("Resolve(%s): ProxyCommand %q, transport %s; want none and native", tc.alias, got.ProxyCommand, got.Transport)
		}
		if got.User != "tuser" {
			t.Errorf("Resolve(%s).User = %q, want tuser", tc.alias, got.User)
		}
	}
	tg := resolve(t, fleet.Host{Name: "t5"}, inv, cfg)
	if diff := cmp.Diff([]string{"/keys/j1"}, tg.Jump[0].IdentityFiles); diff != "" {
		t.Errorf("hop identity files come from its own block (-want +got):\n%s", diff)
	}
	if _, err := Resolve(context.Background(), fleet.Host{Name: "loop1"}, inv, cfg); err == nil ||
		!(strings.Contains(err.Error(), "loop") || strings.Contains(err.Error(), "too long")) {
		t.Errorf("Resolve(loop1) = %v, want a ProxyJump loop error", err)
	}
}

// TestResolveTransport: what only ssh can do sends the host to the
// openssh transport, unless the inventory names a transport.
func TestResolveTransport(t *testing.T) {
	cfg := load(t, `Host cmd
  ProxyCommand nc %h %p
Host viahop
  ProxyJump hop
Host hop
  ProxyCommand nc %h %p
Host dns
  CanonicalizeHostname yes
  CanonicalDomains example.com
Host pkcs
  PKCS11Provider /usr/lib/opensc.so
`)
	for alias, want := range map[string]string{"cmd": fleet.TransportOpenSSH, "viahop": fleet.TransportOpenSSH,
		"dns": fleet.TransportOpenSSH, "pkcs": fleet.TransportOpenSSH, "plain": fleet.TransportNative} {
		if got := resolve(t, fleet.Host{Name: alias}, nil, cfg).Transport; got != want {
			t.Errorf("%s: transport %s, want %s", alias, got, want)
		}
	}
	got := resolve(t, fleet.Host{Name: "cmd", Explicit: fleet.Settings{Transport: fleet.TransportNative}}, nil, cfg)
	if got.Transport != fleet.TransportNative || got.ProxyCommand != "nc cmd 22" {
		t.Errorf("explicit native: transport %s, ProxyCommand %q", got.Transport, got.ProxyCommand)
	}
	dns := resolve(t, fleet.Host{Name: "dns"}, nil, cfg)
	if len(dns.Warnings) != 1 || !strings.Contains(dns.Warnings[0], "CanonicalizeHostname yes: fleetcheck does no DNS lookups") {
		t.Errorf("dns warnings = %q", dns.Warnings)
	}
}

// TestResolveWarnings: each setting that applies but is not honoured gets
// exactly one warning naming its file and line, per transport; settings
// that ask for what fleetcheck does anyway, or do not apply, get none.
func TestResolveWarnings(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config")
	writeFile(t, file, `Host a
  ForwardAgent yes
  LocalForward 8080 localhost:80
  LocalForward 8081 localhost:81
  Compression no
  StrictHostKeyChecking no
  LogLevel DEBUG
Host b
  ForwardX11 yes
Match final
  ControlMaster auto
`)
	c, _, err := Load(file, testEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	at := func(n int) string { return file + ":" + strconv.Itoa(n) + ": " }
	native := resolve(t, fleet.Host{Name: "a"}, nil, c)
	want := []string{
		at(2) + "ForwardAgent yes is not honoured: fleetcheck never forwards anything to an audited host",
		at(3) + "LocalForward 8080 localhost:80 is not honoured: fleetcheck never forwards anything to an audited host",
		at(4) + "LocalForward 8081 localhost:81 is not honoured: fleetcheck never forwards anything to an audited host",
		at(11) + "ControlMaster auto is not honoured: the native transport keeps one connection per host itself",
		at(6) + "StrictHostKeyChecking no is not honoured: fleetcheck accepts unknown host keys (as accept-new) but never a changed one",
	}
	if diff := cmp.Diff(want, native.Warnings); diff != "" {
		t.Errorf("native warnings (-want +got):\n%s", diff)
	}
	ssh := resolve(t, fleet.Host{Name: "a", Explicit: fleet.Settings{Transport: fleet.TransportOpenSSH}}, nil, c)
	want = []string{
		at(2) + "ForwardAgent yes is not honoured: the openssh transport sets ForwardAgent=no",
		at(3) + "LocalForward 8080 localhost:80 is not honoured: the openssh transport sets ClearAllForwardings=yes",
		at(4) + "LocalForward 8081 localhost:81 is not honoured: the openssh transport sets ClearAllForwardings=yes",
		at(6) + "StrictHostKeyChecking no is not honoured: fleetcheck accepts unknown host keys (as accept-new) but never a changed one",
	}
	if diff := cmp.Diff(want, ssh.Warnings); diff != "" {
		t.Errorf("openssh warnings (-want +got):\n%s", diff)
	}
	if w := resolve(t, fleet.Host{Name: "c"}, nil, c).Warnings; len(w) != 1 {
		t.Errorf("c: warnings %q, want only the Match final one", w)
	}
	if w := resolve(t, fleet.Host{Name: "c", Explicit: fleet.Settings{Transport: fleet.TransportOpenSSH}}, nil, c).Warnings; len(w) != 0 {
		t.Errorf("c over openssh: warnings %q, want none (ControlMaster auto is what it sets)", w)
	}
}

func TestResolveMissingPresetIdentity(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	got := resolve(t, fleet.Host{Name: "h", Explicit: fleet.Settings{IdentityFile: missing}}, nil, load(t, ""))
	if len(got.Warnings) != 1 || !strings.Contains(got.Warnings[0], missing+" not accessible") {
		t.Errorf("warnings = %q, want one about %s, as ssh -i warns", got.Warnings, missing)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Fatal("the test's file exists")
	}
}

func TestResolveNilConfig(t *testing.T) {
	got := resolve(t, fleet.Host{Name: "h", Address: "192.0.2.9", Explicit: fleet.Settings{User: "u", Port: 2}}, nil, nil)
	if got.Addr() != "192.0.2.9:2" || got.User != "u" || got.ConnectTimeout != DefaultConnectTimeout || got.Transport != fleet.TransportNative {
		t.Errorf("Resolve without ssh_config = %+v", got)
	}
}
