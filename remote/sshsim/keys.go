package sshsim

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// Key kinds accepted by GenerateKey.
const (
	Ed25519 = "ed25519"
	ECDSA   = "ecdsa"
	RSA     = "rsa"
)

// GenerateKey returns a new private key of the given kind (Ed25519, ECDSA
// P-256 or RSA 2048) as a crypto key and an ssh.Signer.
func GenerateKey(kind string) (any, ssh.Signer, error) {
	var priv any
	var err error
	switch kind {
	case Ed25519:
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case ECDSA:
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RSA:
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		return nil, nil, fmt.Errorf("sshsim: unknown key kind %q", kind)
	}
	if err != nil {
		return nil, nil, err
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, nil, err
	}
	return priv, s, nil
}

// MustSigner is GenerateKey for tests and demos that cannot go on without
// a key: it panics on failure (which only a broken crypto/rand causes).
func MustSigner(kind string) ssh.Signer {
	_, s, err := GenerateKey(kind)
	if err != nil {
		panic(err)
	}
	return s
}

var rsaOnce struct {
	sync.Once
	priv any
	s    ssh.Signer
	err  error
}

// SharedRSA returns one RSA key per process: generating 2048-bit keys is
// slow, and tests that only need "an RSA key" can share it.
func SharedRSA() (any, ssh.Signer, error) {
	rsaOnce.Do(func() { rsaOnce.priv, rsaOnce.s, rsaOnce.err = GenerateKey(RSA) })
	return rsaOnce.priv, rsaOnce.s, rsaOnce.err
}

// WritePrivateKey writes priv to path in OpenSSH format (mode 0600),
// encrypted when passphrase is not empty, and its public half to path.pub.
func WritePrivateKey(path string, priv any, passphrase string) error {
	var block *pem.Block
	var err error
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "sshsim")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "sshsim", []byte(passphrase))
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return err
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return err
	}
	return os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(s.PublicKey()), 0o644)
}

// HostCertSigner returns key wrapped in a host certificate signed by ca,
// valid for principals and for the next day.
func HostCertSigner(ca, key ssh.Signer, principals ...string) (ssh.Signer, error) {
	cert := &ssh.Certificate{
		Key:             key.PublicKey(),
		Serial:          1,
		CertType:        ssh.HostCert,
		KeyId:           "sshsim",
		ValidPrincipals: principals,
		ValidAfter:      uint64(time.Now().Add(-time.Hour).Unix()),
		ValidBefore:     uint64(time.Now().Add(24 * time.Hour).Unix()),
	}
	if err := cert.SignCert(rand.Reader, ca); err != nil {
		return nil, err
	}
	return ssh.NewCertSigner(cert, key)
}

// Tarpit accepts TCP connections and never says anything: the SSH
// handshake never starts.
type Tarpit struct {
	// Addr is the "host:port" the tarpit listens on.
	Addr string

	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	done  chan struct{}
}

// NewTarpit starts a tarpit on 127.0.0.1.
func NewTarpit() (*Tarpit, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sshsim: %w", err)
	}
	t := &Tarpit{Addr: ln.Addr().String(), ln: ln, done: make(chan struct{})}
	go func() {
		defer close(t.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.mu.Lock()
			t.conns = append(t.conns, c)
			t.mu.Unlock()
		}
	}()
	return t, nil
}

// Close stops the tarpit and drops its connections.
func (t *Tarpit) Close() error {
	err := t.ln.Close()
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range t.conns {
		c.Close()
	}
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
