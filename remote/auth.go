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

// agents holds one connection per ssh-agent socket a Dialer uses (the
// environment's, and those ssh_config's IdentityAgent names), each opened
// on first use and kept for the run.
type agents struct {
	mu     sync.Mutex
	def    string
	bySock map[string]*agentConn
}

// forTarget is the agent of t: its IdentityAgent, else the Dialer's
// socket; nil for none.
func (a *agents) forTarget(t sshconfig.Target) *agentConn {
	sock := t.IdentityAgent
	switch sock {
	case "none":
		return nil
	case "":
		sock = a.def
	}
	if sock == "" {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.bySock == nil {
		a.bySock = map[string]*agentConn{}
	}
	c, ok := a.bySock[sock]
	if !ok {
		c = &agentConn{socket: sock}
		a.bySock[sock] = c
	}
	return c
}

func (a *agents) close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	for _, c := range a.bySock {
		errs = append(errs, c.close())
	}
	return errors.Join(errs...)
}

// agentConn is one ssh-agent connection, opened on first use.
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
// agent's other keys. Each key whose certificate is known (CertificateFile,
// or the identity file's "-cert.pub", as ssh looks for) is offered with
// that certificate first. Without configured identity files the OpenSSH
// defaults under ~/.ssh are used; missing defaults are not worth a word.
func (d *Dialer) authKeys(t sshconfig.Target) ([]authKey, []string) {
	var (
		keys     []authKey
		problems []string
		seen     = map[string]bool{}
	)
	ag := d.agents.forTarget(t)
	agentKeys, err := ag.signers()
	if err != nil {
		problems = append(problems, err.Error())
		if !ag.warned.Swap(true) {
			d.logf("%v", err)
		}
	}
	files, explicit := t.IdentityFiles, !t.DefaultIdentities
	if len(files) == 0 {
		explicit = false
		for _, n := range defaultIdentities {
			files = append(files, filepath.Join(d.home, ".ssh", n))
		}
	}
	certs, certProblems := d.certificates(t, files)
	problems = append(problems, certProblems...)
	add := func(s ssh.Signer, desc string) {
		k := string(s.PublicKey().Marshal())
		if seen[k] {
			return
		}
		seen[k] = true
		for _, c := range certs {
			if keysEqual(c.cert.Key, s.PublicKey()) {
				if cs, err := ssh.NewCertSigner(c.cert, s); err == nil {
					keys = append(keys, authKey{signer: cs, desc: c.file + " (certificate) " + ssh.FingerprintSHA256(s.PublicKey())})
				}
			}
		}
		keys = append(keys, authKey{signer: s, desc: desc + " " + ssh.FingerprintSHA256(s.PublicKey())})
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
		case id.err != nil && explicit:
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

// certificate is a user certificate to offer with its key.
type certificate struct {
	file string
	cert *ssh.Certificate
}

// certificates reads t's CertificateFiles and the "-cert.pub" next to each
// identity file, as ssh does; a configured certificate that cannot be
// read is a problem, a missing "-cert.pub" is not.
func (d *Dialer) certificates(t sshconfig.Target, identityFiles []string) ([]certificate, []string) {
	var out []certificate
	var problems []string
	read := func(f string, configured bool) {
		b, err := os.ReadFile(f)
		if err != nil {
			if configured {
				problems = append(problems, fmt.Sprintf("certificate %s: %v", f, errors.Unwrap(err)))
			}
			return
		}
		pk, _, _, _, err := ssh.ParseAuthorizedKey(b)
		cert, ok := pk.(*ssh.Certificate)
		if err != nil || !ok {
			if configured {
				problems = append(problems, fmt.Sprintf("certificate %s: not an OpenSSH certificate", f))
			}
			return
		}
		out = append(out, certificate{file: f, cert: cert})
	}
	for _, f := range t.CertificateFiles {
		read(f, true)
	}
	for _, f := range identityFiles {
		read(f+"-cert.pub", false)
	}
	return out, problems
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
