package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// defaultIdentities are the files OpenSSH tries when no IdentityFile is
// configured (ssh_config(5)), minus the FIDO (_sk) keys this client cannot
// use and the obsolete ~/.ssh/identity.
var defaultIdentities = []string{"id_rsa", "id_ecdsa", "id_ed25519"}

// errNoUsableKey aborts authentication when there is no key to offer.
var errNoUsableKey = errors.New("no usable key")

// authKey is one key to offer, with a description for messages.
type authKey struct {
	signer ssh.Signer
	desc   string
}

// identity is a parsed identity file, cached for the run.
type identity struct {
	signer    ssh.Signer    // nil when encrypted or unreadable
	pub       ssh.PublicKey // from the key, its .pub file or the key file's public section
	encrypted bool
	missing   bool
	err       error
	warned    bool // a missing explicit file is logged once per run
}

// identities caches parsed identity files: 500 hosts share a handful.
type identities struct {
	mu     sync.Mutex
	byPath map[string]*identity
}

func (ids *identities) load(path string) *identity {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	if id, ok := ids.byPath[path]; ok {
		return id
	}
	id := readIdentity(path)
	if ids.byPath == nil {
		ids.byPath = map[string]*identity{}
	}
	ids.byPath[path] = id
	return id
}

// warnOnce reports whether id has not been warned about yet.
func (ids *identities) warnOnce(id *identity) bool {
	ids.mu.Lock()
	defer ids.mu.Unlock()
	first := !id.warned
	id.warned = true
	return first
}

func readIdentity(path string) *identity {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &identity{missing: true}
	}
	if err != nil {
		return &identity{err: err}
	}
	s, err := ssh.ParsePrivateKey(b)
	if err == nil {
		return &identity{signer: s, pub: s.PublicKey()}
	}
	var pm *ssh.PassphraseMissingError
	if !errors.As(err, &pm) {
		return &identity{err: err}
	}
	id := &identity{encrypted: true, pub: pm.PublicKey}
	if id.pub == nil {
		if pb, err := os.ReadFile(path + ".pub"); err == nil {
			if pk, _, _, _, err := ssh.ParseAuthorizedKey(pb); err == nil {
				id.pub = pk
			}
		}
	}
	return id
}

// agentConn is the one ssh-agent connection of a Dialer, opened on first use.
type agentConn struct {
	socket string
	once   sync.Once
	conn   net.Conn
	client agent.ExtendedAgent
	err    error
	warned atomic.Bool
}

func (a *agentConn) signers() ([]ssh.Signer, error) {
	if a == nil || a.socket == "" {
		return nil, nil
	}
	a.once.Do(func() {
		a.conn, a.err = net.DialTimeout("unix", a.socket, 2*time.Second)
		if a.err == nil {
			a.client = agent.NewClient(a.conn)
		}
	})
	if a.err != nil {
		return nil, fmt.Errorf("ssh-agent: %w", a.err)
	}
	s, err := a.client.Signers()
	if err != nil {
		return nil, fmt.Errorf("ssh-agent: %w", err)
	}
	return s, nil
}

func (a *agentConn) close() error {
	if a == nil || a.conn == nil {
		return nil
	}
	return a.conn.Close()
}

// authState records what one connection offered, for AuthError.
type authState struct {
	tried    []string
	problems []string
	called   bool
}

// authMethod returns the single public key method for t: agent keys and
// identity files together, since x/crypto uses only the first method of
// each kind. It never prompts: an encrypted key that no agent holds is
// skipped and reported.
func (d *Dialer) authMethod(t sshconfig.Target, st *authState) ssh.AuthMethod {
	return ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
		keys, problems := d.authKeys(t)
		if t.LegacyAlgorithms {
			preferRSA(keys)
		}
		st.called = true
		st.problems = problems
		signers := make([]ssh.Signer, len(keys))
		for i, k := range keys {
			st.tried = append(st.tried, k.desc)
			signers[i] = k.signer
		}
		if len(signers) == 0 {
			return nil, errNoUsableKey
		}
		return signers, nil
	})
}

// authKeys orders the keys to offer: each identity file in turn (through
// the agent when it holds that key), then, unless IdentitiesOnly, the
// agent's other keys. Without configured identity files the OpenSSH
// defaults under ~/.ssh are used.
func (d *Dialer) authKeys(t sshconfig.Target) ([]authKey, []string) {
	var (
		keys     []authKey
		problems []string
		seen     = map[string]bool{}
	)
	agentKeys, err := d.agent.signers()
	if err != nil {
		problems = append(problems, err.Error())
		if !d.agent.warned.Swap(true) {
			d.logf("%v", err)
		}
	}
	add := func(s ssh.Signer, desc string) {
		k := string(s.PublicKey().Marshal())
		if !seen[k] {
			seen[k] = true
			keys = append(keys, authKey{signer: s, desc: desc + " " + ssh.FingerprintSHA256(s.PublicKey())})
		}
	}
	files, explicit := t.IdentityFiles, true
	if len(files) == 0 {
		explicit = false
		for _, n := range defaultIdentities {
			files = append(files, filepath.Join(d.home, ".ssh", n))
		}
	}
	for _, f := range files {
		id := d.ids.load(f)
		if id.missing {
			if explicit && d.ids.warnOnce(id) {
				d.logf("identity file %s not found", f)
			}
			continue
		}
		var viaAgent ssh.Signer
		if id.pub != nil {
			for _, s := range agentKeys {
				if keysEqual(s.PublicKey(), id.pub) {
					viaAgent = s
					break
				}
			}
		}
		switch {
		case viaAgent != nil:
			add(viaAgent, f+" (agent)")
		case id.signer != nil:
			add(id.signer, f)
		case id.encrypted:
			problems = append(problems, fmt.Sprintf("%s is encrypted and no ssh-agent holds it (load it with: ssh-add %s)", f, quoteArg(f)))
		case id.err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", f, id.err))
		}
	}
	if !t.IdentitiesOnly {
		for _, s := range agentKeys {
			add(s, "agent key")
		}
	}
	return keys, problems
}

// authError builds the AuthError for a failed authentication.
func authError(t sshconfig.Target, addr string, st *authState, err error) *AuthError {
	why := "the server accepted none of the keys"
	if errors.Is(err, errNoUsableKey) {
		why = "no usable key"
	}
	if len(st.problems) > 0 {
		why += "; " + strings.Join(st.problems, "; ")
	}
	return &AuthError{User: t.User, Addr: addr, Tried: st.tried, Err: errors.New(why)}
}
