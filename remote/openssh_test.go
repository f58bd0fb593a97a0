package remote

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

func needSSH(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(sshBinary); err != nil {
		t.Skip("no ssh binary")
	}
}

// opensshTarget is f.target(s) for the openssh transport: ssh reads no
// ssh_config, and everything it needs comes as the inventory's values.
func opensshTarget(f *fixture, s *sshsim.Server) sshconfig.Target {
	tg := f.target(s)
	tg.Transport = fleet.TransportOpenSSH
	tg.IdentitiesOnly = true
	tg.SSHConfigFile = "none"
	tg.Preset = sshconfig.Preset{HostName: tg.HostName, Port: tg.Port, User: tg.User,
		IdentityFiles: tg.IdentityFiles, UserKnownHostsFiles: tg.KnownHostsFiles}
	return tg
}

func TestOpenSSHRun(t *testing.T) {
	needSSH(t)
	f := newFixture(t)
	s := f.trusted(sshsim.Config{Handler: sshsim.Route(map[string]sshsim.Handler{"hang": sshsim.Hang()}, nil)})
	d := f.dialer(DialerOptions{})
	c := f.connect(d, opensshTarget(f, s))
	if _, ok := c.(*OpenSSH); !ok {
		t.Fatalf("Connect returned %T, want *OpenSSH", c)
	}
	if got, want := c.Security().HostKeyFingerprint, ssh.FingerprintSHA256(f.hostKey.PublicKey()); got != want {
		t.Errorf("fingerprint = %q, want %q", got, want)
	}
	out, err := run(t, c, "cat; echo err >&2; exit 4", "from stdin\n")
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if string(out.Stdout) != "from stdin\n" || string(out.Stderr) != "err\n" || out.Code != 4 {
		t.Errorf("Run = %q, %q, %+v; want stdin echoed, err, code 4", out.Stdout, out.Stderr, out.Exit)
	}
	// A remote exit 255 with no ssh message is the command's own status.
	if out, err := run(t, c, "echo fine; exit 255", ""); err != nil || out.Code != 255 {
		t.Errorf("Run(exit 255) = %+v, %v; want code 255, no error", out.Exit, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	exit, err := c.Run(ctx, Command{Cmd: "hang"})
	if err != nil || !exit.TimedOut {
		t.Errorf("Run(hang) = %+v, %v; want TimedOut", exit, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run(hang) took %s", d)
	}
	// Every command went through the one control master.
	if got := len(s.Users()); got != 1 {
		t.Errorf("server saw %d connections, want 1 (ControlMaster)", got)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestOpenSSHHostKeyErrors(t *testing.T) {
	needSSH(t)
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	d := f.dialer(DialerOptions{})
	_, err := d.Connect(context.Background(), opensshTarget(f, s))
	hostKeyErr(t, err, KeyUnknown)

	f.trust("[10.9.9.9]:22")
	f.trust(s.Addr, sshsim.MustSigner(sshsim.Ed25519).PublicKey())
	_, err = d.Connect(context.Background(), opensshTarget(f, s))
	he := hostKeyErr(t, err, KeyChanged)
	if he.File != f.knownHosts || he.Line != 2 {
		t.Errorf("changed key entry at %s:%d, want %s:2", he.File, he.Line, f.knownHosts)
	}
	if Status(err) != fleet.HostKeyMismatch || !strings.Contains(he.Fix, "ssh-keygen -R '[127.0.0.1]:"+itoa(s.Port())+"'") {
		t.Errorf("error %v: want hostkey-mismatch with the ssh-keygen -R fix", err)
	}
}

func TestOpenSSHAuthError(t *testing.T) {
	needSSH(t)
	f := newFixture(t)
	s := f.trusted(sshsim.Config{AuthorizedKeys: []ssh.PublicKey{sshsim.MustSigner(sshsim.Ed25519).PublicKey()}})
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), opensshTarget(f, s))
	authErr(t, err)
}

func TestOpenSSHAcceptNew(t *testing.T) {
	needSSH(t)
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	c := f.connect(f.dialer(DialerOptions{Policy: AcceptNew}), opensshTarget(f, s))
	if !c.Security().HostKeyAdded {
		t.Error("Security().HostKeyAdded = false after a first-use accept")
	}
	if lines := readLines(t, f.knownHosts); len(lines) != 1 || !strings.HasPrefix(lines[0], "|1|") {
		t.Errorf("known_hosts = %q, want one hashed line", lines)
	}
}

func TestOpenSSHLegacyOnlyServer(t *testing.T) {
	needSSH(t)
	f := newFixture(t)
	s := f.server(sshsim.Config{
		KeyExchanges: []string{ssh.InsecureKeyExchangeDH1SHA1},
		Ciphers:      []string{ssh.InsecureCipherAES128CBC},
		MACs:         []string{ssh.HMACSHA1},
	})
	f.trust(s.Addr)
	d := f.dialer(DialerOptions{})
	tg := opensshTarget(f, s)
	_, err := d.Connect(context.Background(), tg)
	var ae *AlgorithmError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "legacy_algorithms") {
		t.Fatalf("Connect(legacy-only) = %v, want an *AlgorithmError mentioning legacy_algorithms", err)
	}
	tg.LegacyAlgorithms = true
	c := f.connect(d, tg)
	got := c.Security().LegacyAlgorithms
	for _, want := range []string{ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureCipherAES128CBC} {
		if !slices.Contains(got, want) {
			t.Errorf("Security().LegacyAlgorithms = %q, want it to contain %q", got, want)
		}
	}
}

func TestOpenSSHArgs(t *testing.T) {
	d, err := NewDialer(DialerOptions{Home: t.TempDir(), KnownHosts: []string{"/kh one"}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Resolved values that came from ssh_config are not passed: ssh
	// resolves the alias itself. Only the inventory's (Preset) are.
	tg := sshconfig.Target{Name: "mail1", HostName: "192.0.2.1", Port: 2222, User: "cfguser", IdentityFiles: []string{"/k"},
		KnownHostsFiles: []string{"/cfg/kh"}, ConnectTimeout: 7 * time.Second, SSHConfigFile: "/home/u/ssh config",
		Preset: sshconfig.Preset{User: "audit", UserKnownHostsFiles: []string{"/kh one"}}}
	args := d.opensshArgs(tg, "/tmp/fc123")
	want := []string{"-F", "/home/u/ssh config", "-o", "BatchMode=yes", "-o", "ForwardAgent=no", "-o", "ForwardX11=no",
		"-o", "ClearAllForwardings=yes", "-o", "RemoteCommand=none", "-o", "RequestTTY=no", "-o", "ControlMaster=auto",
		"-o", "ControlPersist=60", "-o", "ControlPath=/tmp/fc123/%C", "-o", "LogLevel=ERROR", "-l", "audit",
		"-o", `UserKnownHostsFile="/kh one"`}
	if !slices.Equal(args, want) {
		t.Errorf("opensshArgs =\n%q\nwant\n%q", args, want)
	}
	tg = sshconfig.Target{Name: "mail1", StrictHostKeyChecking: "no", LegacyAlgorithms: true,
		Preset: sshconfig.Preset{HostName: "10.0.0.1", Port: 2200, IdentityFiles: []string{"~/k"}}}
	joined := strings.Join(d.opensshArgs(tg, "/d"), " ")
	for _, w := range []string{"-o HostName=10.0.0.1", "-p 2200", "-i ~/k", "StrictHostKeyChecking=accept-new",
		"HashKnownHosts=yes", "KexAlgorithms=+diffie-hellman-group14-sha1"} {
		if !strings.Contains(joined, w) {
			t.Errorf("ssh args %q lack %q", joined, w)
		}
	}
	if strings.Contains(joined, "-F") {
		t.Errorf("ssh args %q name a file when ssh's own defaults apply", joined)
	}
}

func TestClassifyOpenSSH(t *testing.T) {
	tg := sshconfig.Target{HostName: "h", Port: 22, User: "u", KnownHostsFiles: []string{"/kh"}}
	for _, tc := range []struct {
		stderr string
		want   fleet.HostStatus
	}{
		{"ssh: connect to host h port 22: Connection refused", fleet.HostUnreachable},
		{"ssh: connect to host h port 22: Connection timed out", fleet.HostUnreachable},
		{"u@h: Permission denied (publickey).", fleet.HostAuthFailed},
		{"No ED25519 host key is known for h and you have requested strict checking.\nHost key verification failed.", fleet.HostKeyUnknown},
		{"@@@@@\n@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @\nOffending ECDSA key in /kh:3\nHost key verification failed.", fleet.HostKeyMismatch},
		{"Unable to negotiate with h port 22: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1", fleet.HostUnreachable},
	} {
		err := classifyOpenSSH(tg, []byte(tc.stderr))
		if got := Status(err); got != tc.want {
			t.Errorf("classifyOpenSSH(%q) = %v (%s), want %s", tc.stderr, err, got, tc.want)
		}
	}
	if err := classifyOpenSSH(tg, []byte("perl: warning: something")); err != nil {
		t.Errorf("classifyOpenSSH(command stderr) = %v, want nil", err)
	}
}
