package lab

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// keyPair loads the OpenSSH key at path, or generates and writes it (0600,
// with path+".pub") when it does not exist yet. Keys are kept across starts
// so that a restarted lab keeps its identities.
func keyPair(path, kind, comment string) (ssh.PublicKey, error) {
	if b, err := os.ReadFile(path); err == nil {
		signer, err := ssh.ParsePrivateKey(b)
		if err == nil {
			return signer.PublicKey(), nil
		}
	}
	var priv crypto.PrivateKey
	switch kind {
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		priv = k
	case "rsa":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		priv = k
	default:
		return nil, fmt.Errorf("unknown key type %q", kind)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " " + comment + "\n"
	if err := os.WriteFile(path+".pub", []byte(pub), 0o644); err != nil {
		return nil, err
	}
	return signer.PublicKey(), nil
}

// knownHostsLines returns hashed known_hosts lines (as ssh-keygen -H writes
// them) for the host's name and address, preceded by a plain comment.
func knownHostsLines(name, address string, port int, key ssh.PublicKey) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n", name, address)
	for _, h := range []string{name, address} {
		addr := knownhosts.Normalize(fmt.Sprintf("%s:%d", h, port))
		b.WriteString(knownhosts.Line([]string{knownhosts.HashHostname(addr)}, key))
		b.WriteByte('\n')
	}
	return b.String()
}

// parseAuthorizedKey parses one "type base64 [comment]" line.
func parseAuthorizedKey(line string) (ssh.PublicKey, error) {
	pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	return pk, err
}

// authorizedLine is the "type base64" form of a public key.
func authorizedLine(pk ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk)))
}
