package sshconfig

import (
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func loadConfig(t *testing.T, text string) *Config {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config")
	writeFile(t, file, text)
	c, warns, err := LoadFiles(file, "")
	if err != nil || len(warns) > 0 {
		t.Fatalf("LoadFiles = %v, %q", err, warns)
	}
	return c
}

func TestResolvePrecedence(t *testing.T) {
	cfg := loadConfig(t, `
Host mail1
  HostName 192.0.2.11
  User cfguser
  Port 2222
  IdentityFile /keys/cfg
Host *
  ConnectTimeout 4
`)
	defaults := fleet.Settings{User: "root", Port: 2200, IdentityFile: "/keys/default"}
	inv := &fleet.Inventory{Defaults: defaults}
	local, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		host fleet.Host
		want Target
	}{
		{"ssh_config over defaults", fleet.Host{Name: "mail1", Defaults: defaults},
			Target{HostName: "192.0.2.11", User: "cfguser", Port: 2222, IdentityFiles: []string{"/keys/cfg"}}},
		{"explicit over ssh_config", fleet.Host{Name: "mail1", Address: "10.1.1.1", Defaults: defaults,
			Explicit: fleet.Settings{User: "auditor", Port: 22, IdentityFile: "/keys/explicit"}},
			Target{HostName: "10.1.1.1", User: "auditor", Port: 22, IdentityFiles: []string{"/keys/explicit"}}},
		{"defaults when ssh_config is silent", fleet.Host{Name: "mail2", Defaults: defaults},
			Target{HostName: "mail2", User: "root", Port: 2200, IdentityFiles: []string{"/keys/default"}}},
		{"built-ins last", fleet.Host{Name: "mail3"},
			Target{HostName: "mail3", User: local.Username, Port: 22}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.host, inv, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got.ConnectTimeout != 4*time.Second {
				t.Errorf("ConnectTimeout = %s, want 4s", got.ConnectTimeout)
			}
			sub := Target{HostName: got.HostName, User: got.User, Port: got.Port, IdentityFiles: got.IdentityFiles}
			if diff := cmp.Diff(tc.want, sub); diff != "" {
				t.Errorf("Resolve(%s) mismatch (-want +got):\n%s", tc.host.Name, diff)
			}
		})
	}
}

func TestResolveTokens(t *testing.T) {
	cfg := loadConfig(t, `
Host box
  HostName %h.example.net
  User ops
  Port 2022
  IdentityFile ~/.ssh/%r@%h:%p
  IdentityFile /k/%n-%u-100%%
  UserKnownHostsFile ~/kh/%h "/other kh/%p"
`)
	got, err := Resolve(fleet.Host{Name: "box"}, &fleet.Inventory{}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	local, _ := user.Current()
	home := cfg.home
	want := Target{
		HostName:        "box.example.net",
		IdentityFiles:   []string{home + "/.ssh/ops@box.example.net:2022", "/k/box-" + local.Username + "-100%"},
		KnownHostsFiles: []string{home + "/kh/box.example.net", "/other kh/2022"},
	}
	sub := Target{HostName: got.HostName, IdentityFiles: got.IdentityFiles, KnownHostsFiles: got.KnownHostsFiles}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("Resolve mismatch (-want +got):\n%s", diff)
	}

	bad := loadConfig(t, "Host x\n  IdentityFile /k/%Q\n")
	if _, err := Resolve(fleet.Host{Name: "x"}, nil, bad); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("Resolve with an unknown token = %v, want an error naming line 2", err)
	}
}

func TestResolveKnownHostsPrecedence(t *testing.T) {
	cfg := loadConfig(t, "Host *\n  UserKnownHostsFile /cfg/kh\n  StrictHostKeyChecking accept-new\n")
	got, err := Resolve(fleet.Host{Name: "a"}, &fleet.Inventory{KnownHosts: []string{"/inv/kh"}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/inv/kh"}, got.KnownHostsFiles); diff != "" {
		t.Errorf("inventory known_hosts should win (-want +got):\n%s", diff)
	}
	if got.StrictHostKeyChecking != "accept-new" {
		t.Errorf("StrictHostKeyChecking = %q, want accept-new", got.StrictHostKeyChecking)
	}
	got, _ = Resolve(fleet.Host{Name: "a"}, &fleet.Inventory{}, cfg)
	if diff := cmp.Diff([]string{"/cfg/kh"}, got.KnownHostsFiles); diff != "" {
		t.Errorf("ssh_config known_hosts (-want +got):\n%s", diff)
	}
	got, _ = Resolve(fleet.Host{Name: "a"}, &fleet.Inventory{}, loadConfig(t, ""))
	if len(got.KnownHostsFiles) != 1 || !strings.HasSuffix(got.KnownHostsFiles[0], "/.ssh/known_hosts") {
		t.Errorf("default known_hosts = %q, want ~/.ssh/known_hosts", got.KnownHostsFiles)
	}
}

func TestResolveProxyJump(t *testing.T) {
	cfg := loadConfig(t, `
Host t1
  ProxyJump j2,admin@j3:2200
Host t2
  ProxyJump ssh://u@[2001:db8::1]:2022
Host t3
  ProxyJump none
  ProxyJump j1
Host t4
  ProxyCommand nc %h %p
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
	local, _ := user.Current()
	for _, tc := range []struct {
		alias string
		want  []hop
		cmd   string
	}{
		// j2's own ProxyJump comes first; j3's spec wins over its Host block.
		{"t1", []hop{{"j1", "10.0.0.1", "jumper", 22}, {"j2", "10.0.0.2", local.Username, 22}, {"j3", "j3", "admin", 2200}}, ""},
		{"t2", []hop{{"2001:db8::1", "2001:db8::1", "u", 2022}}, ""},
		{"t3", nil, ""},
		{"t4", nil, "nc t4 22"},
		{"t5", []hop{{"j1", "10.0.0.1", "jumper", 22}}, ""},
	} {
		got, err := Resolve(fleet.Host{Name: tc.alias, Defaults: inv.Defaults}, inv, cfg)
		if err != nil {
			t.Fatalf("Resolve(%s): %v", tc.alias, err)
		}
		if diff := cmp.Diff(tc.want, hops(got)); diff != "" {
			t.Errorf("Resolve(%s).Jump mismatch (-want +got):\n%s", tc.alias, diff)
		}
		if got.ProxyCommand != tc.cmd {
			t.Errorf("Resolve(%s).ProxyCommand = %q, want %q", tc.alias, got.ProxyCommand, tc.cmd)
		}
		if got.User != "tuser" {
			t.Errorf("Resolve(%s).User = %q, want tuser", tc.alias, got.User)
		}
	}
	tg, _ := Resolve(fleet.Host{Name: "t5"}, inv, cfg)
	if diff := cmp.Diff([]string{"/keys/j1"}, tg.Jump[0].IdentityFiles); diff != "" {
		t.Errorf("hop identity files come from its own block (-want +got):\n%s", diff)
	}
	if _, err := Resolve(fleet.Host{Name: "loop1"}, inv, cfg); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("Resolve(loop1) = %v, want a ProxyJump loop error", err)
	}
}

func TestResolveNilConfig(t *testing.T) {
	got, err := Resolve(fleet.Host{Name: "h", Address: "192.0.2.9", Explicit: fleet.Settings{User: "u", Port: 2}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr() != "192.0.2.9:2" || got.User != "u" || got.ConnectTimeout != DefaultConnectTimeout || got.Transport != fleet.TransportNative {
		t.Errorf("Resolve without ssh_config = %+v", got)
	}
}

func TestParseJump(t *testing.T) {
	for _, tc := range []struct {
		spec, user, host string
		port             int
		bad              bool
	}{
		{"h", "", "h", 0, false},
		{"u@h:2", "u", "h", 2, false},
		{"u@[::1]:2", "u", "::1", 2, false},
		{"[::1]", "", "::1", 0, false},
		{"ssh://u@h:3", "u", "h", 3, false},
		{"h:0", "", "", 0, true},
		{"u@", "", "", 0, true},
	} {
		u, h, p, err := parseJump(tc.spec)
		if (err != nil) != tc.bad || (!tc.bad && (u != tc.user || h != tc.host || p != tc.port)) {
			t.Errorf("parseJump(%q) = %q, %q, %d, %v; want %q, %q, %d, bad %v", tc.spec, u, h, p, err, tc.user, tc.host, tc.port, tc.bad)
		}
	}
}
