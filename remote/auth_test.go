package remote

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

func authErr(t *testing.T, err error) *AuthError {
	t.Helper()
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *AuthError", err)
	}
	if got := Status(err); got != fleet.HostAuthFailed {
		t.Errorf("Status = %q, want %q", got, fleet.HostAuthFailed)
	}
	return ae
}

func TestAgentAuth(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	sock := startAgent(t, f.keyPriv)
	tg := f.target(s)
	tg.IdentityFiles = nil // defaults under an empty home: only the agent has a key
	c := f.connect(f.dialer(DialerOptions{AgentSocket: sock}), tg)
	if out, err := run(t, c, "echo agent", ""); err != nil || string(out.Stdout) != "agent\n" {
		t.Fatalf("Run = %q, %v", out.Stdout, err)
	}
}

func TestWrongKey(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{AuthorizedKeys: []ssh.PublicKey{sshsim.MustSigner(sshsim.Ed25519).PublicKey()}})
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), f.target(s))
	ae := authErr(t, err)
	if len(ae.Tried) != 1 || !strings.Contains(ae.Tried[0], f.keyFile) {
		t.Errorf("Tried = %q, want the one identity file", ae.Tried)
	}
	if ae.User != "audit" {
		t.Errorf("User = %q, want audit", ae.User)
	}
}

func TestEncryptedKeyWithoutAgent(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	enc := filepath.Join(f.dir, "id_encrypted")
	if err := sshsim.WritePrivateKey(enc, f.keyPriv, "secret"); err != nil {
		t.Fatal(err)
	}
	tg := f.target(s)
	tg.IdentityFiles = []string{enc}
	start := time.Now()
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), tg)
	ae := authErr(t, err)
	if !strings.Contains(ae.Error(), "encrypted") || !strings.Contains(ae.Error(), "ssh-add "+enc) {
		t.Errorf("error %q should say the key is encrypted and how to load it into an agent", ae)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s: something waited for a passphrase", time.Since(start))
	}

	// With the key in an agent, the same encrypted file works.
	sock := startAgent(t, f.keyPriv)
	tg.IdentitiesOnly = true
	f.connect(f.dialer(DialerOptions{AgentSocket: sock}), tg)
}

func TestIdentitiesOnly(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	otherPriv1, other1, _ := sshsim.GenerateKey(sshsim.Ed25519)
	otherPriv2, _, _ := sshsim.GenerateKey(sshsim.ECDSA)
	sock := startAgent(t, otherPriv1, otherPriv2, f.keyPriv)

	tg := f.target(s)
	tg.IdentitiesOnly = true
	f.connect(f.dialer(DialerOptions{AgentSocket: sock}), tg)
	offered := s.Offered()
	if len(offered) != 1 || !keysEqual(offered[0], f.key.PublicKey()) {
		t.Errorf("with IdentitiesOnly the server saw %d keys, want only the identity file's", len(offered))
	}

	// Without it, the agent's other keys are offered after the file's.
	s2 := f.trusted(sshsim.Config{AuthorizedKeys: []ssh.PublicKey{other1.PublicKey()}})
	tg2 := f.target(s2)
	f.connect(f.dialer(DialerOptions{AgentSocket: sock}), tg2)
	if got := s2.Offered(); len(got) < 2 || !keysEqual(got[0], f.key.PublicKey()) {
		t.Errorf("without IdentitiesOnly the server saw %d keys, want the file's first then the agent's", len(got))
	}
}

func TestLegacyOffersRSAFirst(t *testing.T) {
	f := newFixture(t)
	rsaPriv, rsaKey, err := sshsim.SharedRSA()
	if err != nil {
		t.Fatal(err)
	}
	rsaFile := filepath.Join(f.dir, "id_rsa")
	if err := sshsim.WritePrivateKey(rsaFile, rsaPriv, ""); err != nil {
		t.Fatal(err)
	}
	s := f.trusted(sshsim.Config{AuthorizedKeys: []ssh.PublicKey{rsaKey.PublicKey()}})
	tg := f.target(s)
	tg.IdentityFiles = []string{f.keyFile, rsaFile}
	tg.LegacyAlgorithms = true
	f.connect(f.dialer(DialerOptions{}), tg)
	if got := s.Offered(); len(got) != 1 || got[0].Type() != ssh.KeyAlgoRSA {
		t.Errorf("legacy host: offered %d keys; want only the RSA key, first", len(got))
	}
}

func TestNoKeyAtAll(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	tg := f.target(s)
	tg.IdentityFiles = []string{filepath.Join(f.dir, "missing")}
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), tg)
	authErr(t, err)
}

func TestStaleAgentSocket(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	// A stale socket does not stop identity files from working.
	d := f.dialer(DialerOptions{AgentSocket: filepath.Join(f.dir, "no-agent")})
	f.connect(d, f.target(s))
	tg := f.target(s)
	tg.IdentityFiles = nil
	_, err := d.Connect(context.Background(), tg)
	if ae := authErr(t, err); !strings.Contains(ae.Error(), "ssh-agent") {
		t.Errorf("error %q should mention the agent problem", ae)
	}
}

func TestDefaultIdentityFiles(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	if err := sshsim.WritePrivateKey(filepath.Join(f.home, ".ssh", "id_ed25519"), f.keyPriv, ""); err != nil {
		t.Fatal(err)
	}
	tg := f.target(s)
	tg.IdentityFiles = nil // as Resolve leaves it when nothing is configured
	f.connect(f.dialer(DialerOptions{}), tg)
}
