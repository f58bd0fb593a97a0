package remote

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// TestIdentityAgentPerHost: ssh_config's IdentityAgent picks the agent of
// each host; "none" uses no agent even when the environment has one.
func TestIdentityAgentPerHost(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	f.trust(s.Addr)
	hostAgent := startAgent(t, f.keyPriv)
	other, _, err := sshsim.GenerateKey(sshsim.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	envAgent := startAgent(t, other)
	d := f.dialer(DialerOptions{AgentSocket: envAgent})
	tg := f.target(s)
	tg.IdentityFiles = nil // only an agent has the key
	tg.IdentityAgent = hostAgent
	f.connect(d, tg)

	tg.IdentityAgent = "none"
	_, err = d.Connect(context.Background(), tg)
	if ae := authErr(t, err); len(ae.Tried) != 0 {
		t.Errorf("IdentityAgent none: offered %q, want no agent key", ae.Tried)
	}
}

// TestCertificateFileOffered: a certificate from CertificateFile is
// offered, before the plain key it certifies.
func TestCertificateFileOffered(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	f.trust(s.Addr)
	ca := sshsim.MustSigner(sshsim.Ed25519)
	cert := &ssh.Certificate{Key: f.key.PublicKey(), CertType: ssh.UserCert, KeyId: "audit",
		ValidPrincipals: []string{"audit"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		t.Fatal(err)
	}
	certFile := filepath.Join(f.dir, "audit-cert.pub")
	writeFile(t, certFile, string(ssh.MarshalAuthorizedKey(cert)))
	tg := f.target(s)
	tg.CertificateFiles = []string{certFile}
	f.connect(f.dialer(DialerOptions{}), tg)
	offered := s.Offered()
	if len(offered) < 2 {
		t.Fatalf("offered %d keys, want the certificate then the key", len(offered))
	}
	if c, ok := offered[0].(*ssh.Certificate); !ok || !keysEqual(c.Key, f.key.PublicKey()) {
		t.Errorf("first offered %s, want the certificate of the identity", offered[0].Type())
	}
}

// TestConfigAlgorithms: ssh_config's Ciphers (and the like) apply to the
// native transport's lists as ssh applies them to its own.
func TestConfigAlgorithms(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{Ciphers: []string{ssh.CipherAES256CTR}})
	f.trust(s.Addr)
	d := f.dialer(DialerOptions{})
	tg := f.target(s)
	tg.Ciphers = "-aes256-ctr"
	_, err := d.Connect(context.Background(), tg)
	var ae *AlgorithmError
	if !errors.As(err, &ae) || ae.What != "client to server cipher" && ae.What != "server to client cipher" {
		t.Errorf("Ciphers -aes256-ctr against an aes256-ctr-only server: %v, want an *AlgorithmError about ciphers", err)
	}
	tg.Ciphers = "aes256-ctr"
	f.connect(d, tg)
	tg.Ciphers = "no-such-cipher"
	if _, err := d.Connect(context.Background(), tg); err == nil {
		t.Error("a Ciphers list with nothing x/crypto has connected")
	}
}

// TestServerAliveFromConfig: ServerAliveInterval and ServerAliveCountMax
// close a connection whose peer stops answering.
func TestServerAliveFromConfig(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{Handler: sshsim.Wedge()})
	f.trust(s.Addr)
	tg := f.target(s)
	tg.ServerAliveInterval, tg.ServerAliveCountMax = 200*time.Millisecond, 2
	c := f.connect(f.dialer(DialerOptions{}), tg)
	start := time.Now()
	_, err := c.Run(context.Background(), Command{Cmd: "anything"})
	if err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("Run on a wedged peer = %v after %s, want the keepalives to close it within a second", err, time.Since(start))
	}
}
