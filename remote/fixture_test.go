package remote

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// fixture is one test's client side: a home directory with a client key,
// a known_hosts file, and helpers to start servers and dialers.
type fixture struct {
	t          *testing.T
	dir        string
	home       string
	keyPriv    any
	key        ssh.Signer
	keyFile    string
	hostKey    ssh.Signer
	knownHosts string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	f := &fixture{t: t, dir: dir, home: filepath.Join(dir, "home"), knownHosts: filepath.Join(dir, "known_hosts")}
	if err := os.MkdirAll(filepath.Join(f.home, ".ssh"), 0o700); err != nil {
		t.Fatal(err)
	}
	priv, key, err := sshsim.GenerateKey(sshsim.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	f.keyPriv, f.key = priv, key
	f.keyFile = filepath.Join(dir, "id_ed25519")
	if err := sshsim.WritePrivateKey(f.keyFile, priv, ""); err != nil {
		t.Fatal(err)
	}
	f.hostKey = sshsim.MustSigner(sshsim.Ed25519)
	return f
}

// server starts a server that accepts only the fixture's client key,
// with the fixture's host key unless cfg has some.
func (f *fixture) server(cfg sshsim.Config) *sshsim.Server {
	f.t.Helper()
	if cfg.HostKeys == nil {
		cfg.HostKeys = []ssh.Signer{f.hostKey}
	}
	if cfg.AuthorizedKeys == nil {
		cfg.AuthorizedKeys = []ssh.PublicKey{f.key.PublicKey()}
	}
	s, err := sshsim.NewServer(cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { s.Close() })
	return s
}

// trusted starts a server as server does and trusts its host key.
func (f *fixture) trusted(cfg sshsim.Config) *sshsim.Server {
	f.t.Helper()
	s := f.server(cfg)
	f.trust(s.Addr)
	return s
}

// connected starts a trusted server and connects to it with a default
// strict dialer.
func (f *fixture) connected(cfg sshsim.Config) (*sshsim.Server, Conn) {
	f.t.Helper()
	s := f.trusted(cfg)
	return s, f.connect(f.dialer(DialerOptions{}), f.target(s))
}

// trust appends known_hosts lines for s with the given keys (default: the
// fixture's host key).
func (f *fixture) trust(addr string, keys ...ssh.PublicKey) {
	f.t.Helper()
	if len(keys) == 0 {
		keys = []ssh.PublicKey{f.hostKey.PublicKey()}
	}
	for _, k := range keys {
		appendLine(f.t, f.knownHosts, fmt.Sprintf("%s %s", normalizeAddr(addr), strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))))
	}
}

func normalizeAddr(addr string) string {
	h, p, _ := net.SplitHostPort(addr)
	if p == "22" {
		return h
	}
	return "[" + h + "]:" + p
}

func appendLine(t *testing.T, file, line string) {
	t.Helper()
	fh, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.WriteString(line + "\n"); err != nil {
		t.Fatal(err)
	}
}

// target is a Target for s using the fixture's key and known_hosts.
func (f *fixture) target(s *sshsim.Server) sshconfig.Target {
	return sshconfig.Target{Name: "test", HostName: s.Host(), Port: s.Port(), User: "audit",
		IdentityFiles: []string{f.keyFile}, KnownHostsFiles: []string{f.knownHosts},
		ConnectTimeout: 10 * time.Second, Transport: "native"}
}

func (f *fixture) dialer(opt DialerOptions) *Dialer {
	f.t.Helper()
	if opt.Home == "" {
		opt.Home = f.home
	}
	opt.Logf = f.t.Logf
	d, err := NewDialer(opt)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { d.Close() })
	return d
}

// connect connects with a fresh strict dialer and fails the test on error.
func (f *fixture) connect(d *Dialer, t sshconfig.Target) Conn {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := d.Connect(ctx, t)
	if err != nil {
		f.t.Fatalf("Connect(%s) = %v", t.Addr(), err)
	}
	f.t.Cleanup(func() { c.Close() })
	return c
}

// startAgent serves an in-process agent holding keys on a unix socket.
func startAgent(t *testing.T, keys ...any) string {
	t.Helper()
	kr := agent.NewKeyring()
	for _, k := range keys {
		if err := kr.Add(agent.AddedKey{PrivateKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := os.MkdirTemp("", "agent")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = agent.ServeAgent(kr, c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		os.RemoveAll(dir)
	})
	return sock
}

func run(t *testing.T, c Conn, cmd string, stdin string) (Output, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return RunCapped(ctx, c, cmd, []byte(stdin), 0)
}
