package remote

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyPolicy says what to do with a host key that is not in known_hosts.
// A key that differs from a known one is refused under every policy but
// Insecure.
type HostKeyPolicy int

const (
	// Strict refuses hosts that are not in known_hosts. It is the default.
	Strict HostKeyPolicy = iota
	// AcceptNew trusts a host on first use: its key is appended, hashed, to
	// the first known_hosts file and trusted for the rest of the run.
	AcceptNew
	// Insecure accepts any host key without checking. Conn.Security reports it.
	Insecure
)

// String returns the policy's name as the command line spells it.
func (p HostKeyPolicy) String() string {
	switch p {
	case Strict:
		return "strict"
	case AcceptNew:
		return "accept-new"
	case Insecure:
		return "insecure"
	}
	return fmt.Sprintf("HostKeyPolicy(%d)", int(p))
}

// hostKeys is the known_hosts state shared by every connection of a Dialer:
// the parsed databases (one per distinct list of files), the keys trusted
// during this run, and the append-only writers used by AcceptNew.
type hostKeys struct {
	mu      sync.Mutex
	dbs     map[string]*dbEntry
	trusted map[string]trustedKey // by normalized address
	writers map[string]*appendFile
}

type dbEntry struct {
	once sync.Once
	db   *knownHostsDB
	err  error
}

type trustedKey struct {
	key  ssh.PublicKey
	file string
	line int
}

// appendFile is one known_hosts file opened for appending; line counts its
// lines so that messages can point at what was written.
type appendFile struct {
	f    *os.File
	line int
}

func newHostKeys() *hostKeys {
	return &hostKeys{dbs: map[string]*dbEntry{}, trusted: map[string]trustedKey{}, writers: map[string]*appendFile{}}
}

// db returns the database for files, reading the files once per run.
// Missing files are skipped, as OpenSSH does.
func (h *hostKeys) db(files []string) (*knownHostsDB, error) {
	k := strings.Join(files, "\x00")
	h.mu.Lock()
	e, ok := h.dbs[k]
	if !ok {
		e = &dbEntry{}
		h.dbs[k] = e
	}
	h.mu.Unlock()
	e.once.Do(func() {
		var existing []string
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				existing = append(existing, f)
			} else if !errors.Is(err, fs.ErrNotExist) {
				e.err = fmt.Errorf("known_hosts: %w", err)
				return
			}
		}
		e.db, e.err = newKnownHostsDB(existing...)
		if e.err != nil {
			e.err = fmt.Errorf("known_hosts: %w", e.err)
		}
	})
	return e.db, e.err
}

// trustedFor returns the key trusted during this run for addr, if any.
func (h *hostKeys) trustedFor(addr string) (trustedKey, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	t, ok := h.trusted[knownhosts.Normalize(addr)]
	return t, ok
}

// add appends a hashed known_hosts line for addr to file and trusts key for
// the rest of the run. Many goroutines may call it: the mutex and one
// O_APPEND handle per file keep lines whole. When another connection to
// the same address added a key first, that key wins and ok is false if it
// differs from key.
func (h *hostKeys) add(file, addr string, key ssh.PublicKey) (trustedKey, bool, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	norm := knownhosts.Normalize(addr)
	if t, ok := h.trusted[norm]; ok {
		return t, keysEqual(t.key, key), nil
	}
	w, err := h.writer(file)
	if err != nil {
		return trustedKey{}, false, err
	}
	line := knownhosts.Line([]string{xknownhosts.HashHostname(norm)}, key) + "\n"
	if _, err := w.f.WriteString(line); err != nil {
		return trustedKey{}, false, fmt.Errorf("known_hosts: %w", err)
	}
	w.line++
	t := trustedKey{key: key, file: file, line: w.line}
	h.trusted[norm] = t
	return t, true, nil
}

// writer opens file for appending once; h.mu is held.
func (h *hostKeys) writer(file string) (*appendFile, error) {
	if w, ok := h.writers[file]; ok {
		return w, nil
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	f, err := os.OpenFile(file, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("known_hosts: %w", err)
	}
	// Count the lines already there, and end an unterminated last line so
	// that the first appended entry does not run into it.
	lines, last := 0, byte('\n')
	sc := bufio.NewReader(f)
	for {
		b, err := sc.ReadBytes('\n')
		if len(b) > 0 {
			last = b[len(b)-1]
			lines++
		}
		if err != nil {
			break
		}
	}
	if last != '\n' {
		if _, err := f.WriteString("\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
	}
	w := &appendFile{f: f, line: lines}
	h.writers[file] = w
	return w, nil
}

func (h *hostKeys) close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var errs []error
	for _, w := range h.writers {
		errs = append(errs, w.f.Close())
	}
	h.writers = map[string]*appendFile{}
	return errors.Join(errs...)
}

func keysEqual(a, b ssh.PublicKey) bool {
	return a.Type() == b.Type() && bytes.Equal(a.Marshal(), b.Marshal())
}

// hostKeyCheck verifies one connection's host key and records what it saw.
type hostKeyCheck struct {
	keys   *hostKeys
	policy HostKeyPolicy
	files  []string // known_hosts files; files[0] receives new keys
	db     *knownHostsDB
	// scan is the "host:port" ssh-keyscan reaches; it differs from the
	// name checked in known_hosts under a HostKeyAlias.
	scan string

	// Set by the callback.
	fingerprint string
	added       bool
	insecure    bool
	restricted  []string // HostKeyAlgorithms derived from known_hosts, if any
}

// newHostKeyCheck prepares the check of addr (the name known_hosts lists
// the host under; scan is the address ssh-keyscan reaches) and returns the
// host key algorithms of the keys known for addr, so that a server with
// ECDSA and Ed25519 keys is not refused when only its Ed25519 key is known
// (golang/go#29286).
func (d *Dialer) newHostKeyCheck(addr, scan string, files []string, policy HostKeyPolicy) (*hostKeyCheck, []string, error) {
	hc := &hostKeyCheck{keys: d.keys, policy: policy, files: files, scan: scan}
	if policy == Insecure {
		return hc, nil, nil
	}
	db, err := d.keys.db(files)
	if err != nil {
		return nil, nil, err
	}
	hc.db = db
	if t, ok := d.keys.trustedFor(addr); ok {
		hc.restricted = algorithmsForKey(t.key.Type())
	} else {
		hc.restricted = db.HostKeyAlgorithms(addr)
	}
	return hc, hc.restricted, nil
}

// algorithmsForKey lists the signature algorithms a key type can be used with.
func algorithmsForKey(keyType string) []string {
	if keyType == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{keyType}
}

func (hc *hostKeyCheck) callback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	hc.fingerprint = ssh.FingerprintSHA256(key)
	if hc.policy == Insecure {
		hc.insecure = true
		return nil
	}
	err := hc.db.callback(hostname, remote, key)
	if err == nil {
		return nil
	}
	var (
		revoked *xknownhosts.RevokedError
		ke      *xknownhosts.KeyError
	)
	switch {
	case errors.As(err, &revoked):
		return &HostKeyError{Problem: KeyRevoked, Addr: hostname, Fingerprint: hc.fingerprint,
			File: revoked.Revoked.Filename, Line: revoked.Revoked.Line}
	case errors.As(err, &ke) && len(ke.Want) > 0:
		w := ke.Want[0]
		return &HostKeyError{Problem: KeyChanged, Addr: hostname, Fingerprint: hc.fingerprint,
			File: w.Filename, Line: w.Line, Fix: fixChanged(hostname, hc.scan, w.Filename)}
	case errors.As(err, &ke):
		return hc.unknown(hostname, key)
	}
	if _, ok := key.(*ssh.Certificate); ok {
		return &HostKeyError{Problem: KeyInvalid, Addr: hostname, Fingerprint: hc.fingerprint, Err: err}
	}
	return fmt.Errorf("host key check: %w", err)
}

// unknown handles a host that known_hosts does not list: a key trusted
// earlier in this run, trust on first use, or a refusal.
func (hc *hostKeyCheck) unknown(addr string, key ssh.PublicKey) error {
	file := ""
	if len(hc.files) > 0 {
		file = hc.files[0]
	}
	if t, ok := hc.keys.trustedFor(addr); ok {
		if keysEqual(t.key, key) {
			return nil
		}
		return &HostKeyError{Problem: KeyChanged, Addr: addr, Fingerprint: hc.fingerprint,
			File: t.file, Line: t.line, Fix: fixChanged(addr, hc.scan, t.file)}
	}
	if hc.policy != AcceptNew || file == "" {
		return &HostKeyError{Problem: KeyUnknown, Addr: addr, Fingerprint: hc.fingerprint, File: file,
			Fix: fixUnknown(addr, hc.scan, file)}
	}
	t, same, err := hc.keys.add(file, addr, key)
	if err != nil {
		return err
	}
	if !same {
		return &HostKeyError{Problem: KeyChanged, Addr: addr, Fingerprint: hc.fingerprint,
			File: t.file, Line: t.line, Fix: fixChanged(addr, hc.scan, t.file)}
	}
	hc.added = true
	return nil
}

// changedByAlgorithms recognises a changed host key that shows up as a
// failed host key negotiation: known_hosts lists only key types the
// server no longer offers.
func (hc *hostKeyCheck) changedByAlgorithms(addr string, err error) error {
	var ne *ssh.AlgorithmNegotiationError
	if len(hc.restricted) == 0 || !errors.As(err, &ne) || ne.What != "host key" {
		return nil
	}
	he := &HostKeyError{Problem: KeyChanged, Addr: addr, Err: fmt.Errorf("known_hosts lists %s keys, the host offers %s",
		joinComma(hc.restricted), joinComma(ne.RequestedAlgorithms))}
	file := ""
	if len(hc.files) > 0 {
		file = hc.files[0]
	}
	he.File, he.Fix = file, fixChanged(addr, hc.scan, file)
	return he
}

// fixChanged is the repair for a changed key: drop the old entry, then
// fetch the new one (after verifying its fingerprint out of band). addr
// is the name known_hosts lists, scan the address ssh-keyscan reaches.
func fixChanged(addr, scan, file string) string {
	return fmt.Sprintf("after verifying the new key out of band, run: ssh-keygen -R '%s' -f %s && %s",
		knownhosts.Normalize(addr), quoteArg(file), keyscan(addr, scan, file))
}

// fixUnknown is the repair for an unknown host.
func fixUnknown(addr, scan, file string) string {
	if file == "" {
		file = "~/.ssh/known_hosts"
	}
	return fmt.Sprintf("verify the fingerprint out of band, then run: %s (or collect with --accept-new)",
		keyscan(addr, scan, file))
}

// keyscan is the command that appends the host's keys to file, under the
// name addr when it is a HostKeyAlias rather than the scanned address.
func keyscan(addr, scan, file string) string {
	if scan == "" {
		scan = addr
	}
	host, port := splitAddr(scan)
	cmd := fmt.Sprintf("ssh-keyscan -p %s %s", port, host)
	if knownhosts.Normalize(addr) != knownhosts.Normalize(scan) {
		cmd += fmt.Sprintf(" | sed 's/^[^ ]*/%s/'", knownhosts.Normalize(addr))
	}
	return cmd + " >> " + quoteArg(file)
}

func splitAddr(addr string) (host, port string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, "22"
	}
	return host, port
}

func joinComma(ss []string) string { return strings.Join(ss, ",") }

// quoteArg quotes s for a POSIX shell when it needs it.
func quoteArg(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
