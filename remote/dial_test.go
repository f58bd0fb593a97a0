package remote

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

func TestConnectAndRun(t *testing.T) {
	f := newFixture(t)
	s, c := f.connected(sshsim.Config{})

	out, err := run(t, c, "echo out; echo err >&2; exit 3", "")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := string(out.Stdout); got != "out\n" {
		t.Errorf("stdout = %q, want %q", got, "out\n")
	}
	if got := string(out.Stderr); got != "err\n" {
		t.Errorf("stderr = %q, want %q", got, "err\n")
	}
	if out.Code != 3 || out.TimedOut {
		t.Errorf("exit = %+v, want code 3", out.Exit)
	}
	sec := c.Security()
	if want := ssh.FingerprintSHA256(f.hostKey.PublicKey()); sec.HostKeyFingerprint != want {
		t.Errorf("fingerprint = %q, want %q", sec.HostKeyFingerprint, want)
	}
	if sec.InsecureHostKey || sec.HostKeyAdded || len(sec.LegacyAlgorithms) > 0 {
		t.Errorf("Security() = %+v, want nothing weakened", sec)
	}
	if got := s.Users(); !slices.Equal(got, []string{"audit"}) {
		t.Errorf("server saw users %q, want [audit]", got)
	}
}

func TestRunFeedsStdinThenEOF(t *testing.T) {
	f := newFixture(t)
	_, c := f.connected(sshsim.Config{})
	// cat only ends when stdin does: a missing EOF makes this time out.
	out, err := run(t, c, "cat; echo done", "line1\nline2\n")
	if err != nil || out.TimedOut {
		t.Fatalf("Run = %+v, %v", out.Exit, err)
	}
	if got, want := string(out.Stdout), "line1\nline2\ndone\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	out, err = run(t, c, "cat; echo done", "")
	if err != nil || string(out.Stdout) != "done\n" {
		t.Errorf("Run without stdin = %q, %v; want %q", out.Stdout, err, "done\n")
	}
	// A command that does not read a large stdin still reports its status.
	out, err = run(t, c, "true", strings.Repeat("x", 8<<20))
	if err != nil || out.Code != 0 {
		t.Errorf("Run(true) with unread stdin = %+v, %v; want code 0, no error", out.Exit, err)
	}
}

func TestTarpitFailsWithinConnectTimeout(t *testing.T) {
	f := newFixture(t)
	tp, err := sshsim.NewTarpit()
	if err != nil {
		t.Fatal(err)
	}
	defer tp.Close()
	host, port, _ := net.SplitHostPort(tp.Addr)
	tg := sshconfig.Target{HostName: host, Port: atoi(t, port), User: "audit", IdentityFiles: []string{f.keyFile},
		KnownHostsFiles: []string{f.knownHosts}, ConnectTimeout: time.Second}
	d := f.dialer(DialerOptions{})
	start := time.Now()
	_, err = d.Connect(context.Background(), tg)
	elapsed := time.Since(start)
	var de *DialError
	if !errors.As(err, &de) || !de.Timeout {
		t.Fatalf("Connect(tarpit) = %v, want a *DialError with Timeout", err)
	}
	if elapsed > 8*time.Second {
		t.Errorf("Connect(tarpit) took %s, want about the 1s connect timeout", elapsed)
	}
	if got := Status(err); got != fleet.HostUnreachable {
		t.Errorf("Status = %q, want %q", got, fleet.HostUnreachable)
	}
	// The caller's own deadline is a timeout of the host, not unreachability.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	tg.ConnectTimeout = time.Minute
	_, err = d.Connect(ctx, tg)
	if got := Status(err); got != fleet.HostTimeout {
		t.Errorf("Status(Connect under an expiring ctx) = %q (%v), want %q", got, err, fleet.HostTimeout)
	}
}

func TestConnectRefused(t *testing.T) {
	f := newFixture(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	tg := sshconfig.Target{HostName: "127.0.0.1", Port: addr.Port, User: "audit", KnownHostsFiles: []string{f.knownHosts}}
	_, err = f.dialer(DialerOptions{}).Connect(context.Background(), tg)
	var de *DialError
	if !errors.As(err, &de) || de.Timeout {
		t.Fatalf("Connect(closed port) = %v, want a *DialError", err)
	}
	if got := Status(err); got != fleet.HostUnreachable {
		t.Errorf("Status = %q, want %q", got, fleet.HostUnreachable)
	}
}

func TestProxyCommandRefusedByNativeTransport(t *testing.T) {
	f := newFixture(t)
	tg := sshconfig.Target{HostName: "192.0.2.1", Port: 22, User: "audit", ProxyCommand: "nc %h %p"}
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), tg)
	if err == nil || !strings.Contains(err.Error(), "transport: openssh") {
		t.Errorf("Connect with ProxyCommand = %v, want an error naming transport: openssh", err)
	}
}

func TestJumpHostChain(t *testing.T) {
	f := newFixture(t)
	hop1 := f.server(sshsim.Config{})
	hop2 := f.server(sshsim.Config{})
	tgt1 := f.server(sshsim.Config{NoForwarding: true})
	tgt2 := f.server(sshsim.Config{NoForwarding: true})
	for _, s := range []*sshsim.Server{hop1, hop2, tgt1, tgt2} {
		f.trust(s.Addr)
	}
	cfgFile := filepath.Join(f.dir, "config")
	writeFile(t, cfgFile, `
Host target1
  HostName 127.0.0.1
  Port `+itoa(tgt1.Port())+`
  ProxyJump hop2
Host target2
  HostName 127.0.0.1
  Port `+itoa(tgt2.Port())+`
  ProxyJump hop2
Host hop2
  HostName 127.0.0.1
  Port `+itoa(hop2.Port())+`
  User second
  ProxyJump first@hop1
Host hop1
  HostName 127.0.0.1
  Port `+itoa(hop1.Port())+`
  User ignored
Host *
  IdentityFile `+f.keyFile+`
  UserKnownHostsFile `+f.knownHosts+`
`)
	env, err := sshconfig.LocalEnv(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, warns, err := sshconfig.Load(cfgFile, env)
	if err != nil || len(warns) > 0 {
		t.Fatalf("LoadFiles = %v, %q", err, warns)
	}
	inv := &fleet.Inventory{}
	d := f.dialer(DialerOptions{})
	for _, name := range []string{"target1", "target2"} {
		tg, err := sshconfig.Resolve(context.Background(), fleet.Host{Name: name, Explicit: fleet.Settings{User: "audit"}}, inv, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(tg.Jump) != 2 || tg.Jump[0].Name != "hop1" || tg.Jump[1].Name != "hop2" {
			t.Fatalf("Resolve(%s).Jump = %+v, want hop1 then hop2", name, tg.Jump)
		}
		c := f.connect(d, tg)
		out, err := run(t, c, "echo via jump", "")
		if err != nil || string(out.Stdout) != "via jump\n" {
			t.Fatalf("Run through jump hosts = %q, %v", out.Stdout, err)
		}
	}
	// Each hop was reached once, as its own user, and reused for target2.
	if got := hop1.Users(); !slices.Equal(got, []string{"first"}) {
		t.Errorf("hop1 users = %q, want [first] (the ProxyJump user, one connection)", got)
	}
	if got := hop2.Users(); !slices.Equal(got, []string{"second"}) {
		t.Errorf("hop2 users = %q, want [second] (its own Host block, one connection)", got)
	}
	if got := tgt1.Users(); !slices.Equal(got, []string{"audit"}) {
		t.Errorf("target users = %q, want [audit]", got)
	}
	// The connections went hop1 -> hop2 -> targets.
	if got, want := hop1.Forwarded(), []string{hop2.Addr}; !slices.Equal(got, want) {
		t.Errorf("hop1 forwarded to %q, want %q", got, want)
	}
	if got, want := hop2.Forwarded(), []string{tgt1.Addr, tgt2.Addr}; !slices.Equal(got, want) {
		t.Errorf("hop2 forwarded to %q, want %q", got, want)
	}

	// A failing hop is named, and its host key problem keeps its status.
	other := f.server(sshsim.Config{})
	tg, err := sshconfig.Resolve(context.Background(), fleet.Host{Name: "target1"}, inv, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tg.Jump[1].Port = other.Port() // a hop whose key nobody trusts
	_, err = f.dialer(DialerOptions{}).Connect(context.Background(), tg)
	var de *DialError
	if !errors.As(err, &de) || de.Hop != "hop2" {
		t.Fatalf("Connect through an unknown hop = %v, want a *DialError naming hop2", err)
	}
	if got := Status(err); got != fleet.HostKeyUnknown {
		t.Errorf("Status = %q, want %q", got, fleet.HostKeyUnknown)
	}
}

func TestLegacyOnlyServer(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{
		KeyExchanges: []string{ssh.InsecureKeyExchangeDH1SHA1},
		Ciphers:      []string{ssh.InsecureCipherAES128CBC, ssh.InsecureCipherTripleDESCBC},
		MACs:         []string{ssh.HMACSHA1},
	})
	f.trust(s.Addr)
	d := f.dialer(DialerOptions{})
	tg := f.target(s)
	_, err := d.Connect(context.Background(), tg)
	var ae *AlgorithmError
	if !errors.As(err, &ae) {
		t.Fatalf("Connect(legacy-only) = %v, want *AlgorithmError", err)
	}
	if !strings.Contains(err.Error(), "legacy_algorithms: true") || !strings.Contains(err.Error(), ssh.InsecureKeyExchangeDH1SHA1) {
		t.Errorf("error %q should list the server's offer and mention legacy_algorithms: true", err)
	}
	if got := Status(err); got != fleet.HostUnreachable {
		t.Errorf("Status = %q, want %q", got, fleet.HostUnreachable)
	}

	tg.LegacyAlgorithms = true
	c := f.connect(d, tg)
	if out, err := run(t, c, "echo old", ""); err != nil || string(out.Stdout) != "old\n" {
		t.Fatalf("Run on legacy host = %q, %v", out.Stdout, err)
	}
	got := c.Security().LegacyAlgorithms
	for _, want := range []string{ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureCipherAES128CBC} {
		if !slices.Contains(got, want) {
			t.Errorf("Security().LegacyAlgorithms = %q, want it to contain %q", got, want)
		}
	}
}

func TestLegacyGroupExchangeSHA1(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{KeyExchanges: []string{ssh.InsecureKeyExchangeDHGEXSHA1}})
	tg := f.target(s)
	tg.LegacyAlgorithms = true
	c := f.connect(f.dialer(DialerOptions{}), tg)
	if got := c.Security().LegacyAlgorithms; !slices.Contains(got, ssh.InsecureKeyExchangeDHGEXSHA1) {
		t.Errorf("Security().LegacyAlgorithms = %q, want %q", got, ssh.InsecureKeyExchangeDHGEXSHA1)
	}
}

func TestDefaultsSpeakToCentOS5(t *testing.T) {
	// A stock OpenSSH 4.3 offers group14-sha1, aes-ctr and hmac-sha1: the
	// x/crypto defaults must connect without legacy algorithms, and report
	// the SHA-1 key exchange.
	f := newFixture(t)
	s := f.server(sshsim.Config{
		KeyExchanges: []string{ssh.InsecureKeyExchangeDHGEXSHA1, ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1},
		Ciphers:      []string{ssh.CipherAES128CTR, ssh.InsecureCipherAES128CBC},
		MACs:         []string{ssh.HMACSHA1},
	})
	f.trust(s.Addr)
	c := f.connect(f.dialer(DialerOptions{}), f.target(s))
	if got := c.Security().LegacyAlgorithms; !slices.Equal(got, []string{ssh.InsecureKeyExchangeDH14SHA1}) {
		t.Errorf("Security().LegacyAlgorithms = %q, want [%s]", got, ssh.InsecureKeyExchangeDH14SHA1)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
