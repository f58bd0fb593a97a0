package remote

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"
)

// knownHostsDB answers what host key checking asks of the known_hosts
// files (the algorithms known for an address, and whether a presented key
// is accepted) with exactly the results of github.com/skeema/knownhosts'
// HostKeyDB over golang.org/x/crypto/ssh/knownhosts, errors included, but
// without trying every line for every host.
//
// x/crypto tries each line's matcher in turn. A line whose host patterns
// are all plain names ("host", "[host]:port", addresses; no "*", "?" or
// "!", not hashed; @cert-authority or not) matches an address only when
// one of its patterns equals it, so such lines are found through a map. Every other line is
// tried as x/crypto tries it: a hashed line costs an HMAC per lookup,
// whatever the index. The lines that match are the map's ∪ the others',
// taken in file order, so that the accepting line, the Want list of a
// KeyError and every other error come out as x/crypto gives them.
//
// The line parsing and matching rules below follow x/crypto's and
// skeema's unexported code (x/crypto v0.59.0, skeema v1.3.3);
// ssh.ParseKnownHosts is not used for lines as it splits fields and
// accepts markers differently. knownhosts_index_test.go compares the two
// on random files.
type knownHostsDB struct {
	lines    []knownLine
	literal  map[hostPort][]int // line indexes, ascending, by exact pattern
	residual []int              // lines that need their matcher, ascending
	hashed   bool               // some residual line is hashed
	revoked  map[string]*xknownhosts.KnownKey
	checker  ssh.CertChecker

	// skeema's second reading of the files: lines it takes for
	// @cert-authority ones, and lines whose host field has a "*" that is
	// not followed by "]:" (comments and unparsable lines included).
	isCert     map[fileLine]bool
	isWildcard map[fileLine]bool
}

// hostPort is an address as x/crypto's matchers compare it.
type hostPort struct{ host, port string }

type fileLine struct {
	file string
	line int
}

// knownLine is one accepted line other than @revoked.
type knownLine struct {
	cert     bool // @cert-authority
	known    xknownhosts.KnownKey
	blob     string // known.Key.Marshal()
	patterns []hostPattern
	hashed   bool
	salt     []byte
	hash     []byte
}

type hostPattern struct {
	negate bool
	addr   hostPort
}

const (
	markerCert    = "@cert-authority"
	markerRevoked = "@revoked"
)

// newKnownHostsDB reads files. They are first read by skeema's NewDB, so
// that errors (a file that cannot be read, one without a valid line) are
// the same as before, naming the file and line.
func newKnownHostsDB(files ...string) (*knownHostsDB, error) {
	if _, err := knownhosts.NewDB(files...); err != nil {
		return nil, err
	}
	db := &knownHostsDB{
		literal:    map[hostPort][]int{},
		revoked:    map[string]*xknownhosts.KnownKey{},
		isCert:     map[fileLine]bool{},
		isWildcard: map[fileLine]bool{},
	}
	for _, file := range files {
		if err := db.read(file); err != nil {
			return nil, err
		}
	}
	db.checker = ssh.CertChecker{IsHostAuthority: db.isHostAuthority, IsRevoked: db.isRevoked, HostKeyFallback: db.check}
	return db, nil
}

// read adds the lines of file, reading them as x/crypto's hostKeyDB.Read
// and skeema's NewDB do; lines x/crypto skips are skipped.
func (db *knownHostsDB) read(file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		db.skeemaScan(sc.Bytes(), fileLine{file, n})
		line := bytes.Trim(sc.Bytes(), " \t")
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		db.add(line, file, n)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("knownhosts: %s:%d: %w", file, n, err)
	}
	return nil
}

// skeemaScan records what skeema's NewDB notes about a line.
func (db *knownHostsDB) skeemaScan(line []byte, at fileLine) {
	line = bytes.TrimSpace(line)
	if len(line) > len(markerCert) && bytes.HasPrefix(line, []byte(markerCert)) && (line[len(markerCert)] == ' ' || line[len(markerCert)] == '\t') {
		db.isCert[at] = true
		line = bytes.TrimSpace(line[len(markerCert)+1:])
	}
	if i := bytes.IndexAny(line, "\t "); i >= 0 {
		line = line[:i]
	}
	if i := bytes.IndexByte(line, '*'); i >= 0 && !bytes.Contains(line[i:], []byte("]:")) {
		db.isWildcard[at] = true
	}
}

// add parses one non-blank, non-comment line and files it.
func (db *knownHostsDB) add(line []byte, file string, n int) {
	marker, pattern, key, ok := parseKnownLine(line)
	if !ok {
		return
	}
	known := xknownhosts.KnownKey{Key: key, Filename: file, Line: n}
	if marker == markerRevoked {
		db.revoked[plainKeyBlob(key)] = &known
		return
	}
	l := knownLine{cert: marker == markerCert, known: known, blob: string(key.Marshal())}
	if pattern[0] == '|' {
		if l.salt, l.hash, ok = decodeHashed(pattern); !ok {
			return
		}
		l.hashed = true
	} else if l.patterns, ok = parsePatterns(pattern); !ok {
		return
	}
	i := len(db.lines)
	db.lines = append(db.lines, l)
	if !l.literal() {
		db.residual = append(db.residual, i)
		db.hashed = db.hashed || l.hashed
		return
	}
	for _, p := range l.patterns {
		if ix := db.literal[p.addr]; len(ix) == 0 || ix[len(ix)-1] != i {
			db.literal[p.addr] = append(ix, i)
		}
	}
}

// literal reports whether l matches exactly the addresses its patterns
// spell out.
func (l *knownLine) literal() bool {
	if l.hashed {
		return false
	}
	for _, p := range l.patterns {
		if p.negate || strings.ContainsAny(p.addr.host, "*?") {
			return false
		}
	}
	return true
}

// nextWord splits off the first word of line, as x/crypto does.
func nextWord(line []byte) (string, []byte) {
	i := bytes.IndexAny(line, "\t ")
	if i == -1 {
		return string(line), nil
	}
	return string(line[:i]), bytes.Trim(line[i:], " \t")
}

// parseKnownLine reads the marker, host field and key of a line; ok is
// false for a line x/crypto rejects.
func parseKnownLine(line []byte) (marker, host string, key ssh.PublicKey, ok bool) {
	if w, next := nextWord(line); w == markerCert || w == markerRevoked {
		marker, line = w, next
	}
	host, line = nextWord(line)
	if (len(host) > 0 && host[0] == '@') || len(line) == 0 {
		return "", "", nil, false
	}
	wantType, line := nextWord(line)
	if len(line) == 0 {
		return "", "", nil, false
	}
	blob, _ := nextWord(line)
	raw, err := base64.StdEncoding.DecodeString(blob)
	if err != nil {
		return "", "", nil, false
	}
	if key, err = ssh.ParsePublicKey(raw); err != nil || key.Type() != wantType {
		return "", "", nil, false
	}
	return marker, host, key, true
}

// decodeHashed reads a "|1|salt|hash" host field.
func decodeHashed(field string) (salt, hash []byte, ok bool) {
	c := strings.Split(field, "|")
	if len(c) != 4 || c[1] != "1" {
		return nil, nil, false
	}
	salt, err := base64.StdEncoding.DecodeString(c[2])
	if err != nil {
		return nil, nil, false
	}
	if hash, err = base64.StdEncoding.DecodeString(c[3]); err != nil {
		return nil, nil, false
	}
	return salt, hash, true
}

// parsePatterns reads a comma-separated host field. A pattern without a
// port, or one that does not split as "host:port", has port 22.
func parsePatterns(field string) ([]hostPattern, bool) {
	var ps []hostPattern
	for _, p := range strings.Split(field, ",") {
		if p == "" {
			continue
		}
		var hp hostPattern
		if p[0] == '!' {
			hp.negate, p = true, p[1:]
		}
		if p == "" {
			return nil, false
		}
		host, port, err := net.SplitHostPort(p)
		switch {
		case err != nil && p[0] == '[':
			return nil, false
		case err != nil:
			host, port = p, "22"
		}
		hp.addr = hostPort{host, port}
		ps = append(ps, hp)
	}
	return ps, true
}

// wildcardMatch matches OpenSSH patterns: "*" is any run of bytes, dots
// included, "?" any one byte.
func wildcardMatch(pat, s string) bool {
	for {
		if pat == "" {
			return s == ""
		}
		if s == "" {
			return false
		}
		if pat[0] == '*' {
			if len(pat) == 1 {
				return true
			}
			for j := range len(s) {
				if wildcardMatch(pat[1:], s[j:]) {
					return true
				}
			}
			return false
		}
		if pat[0] != '?' && pat[0] != s[0] {
			return false
		}
		pat, s = pat[1:], s[1:]
	}
}

// query is an address being looked up; norm, its known_hosts spelling,
// is what hashed lines hash, computed once.
type query struct {
	addr hostPort
	norm string
}

// matches reports whether l, a residual line, matches q.
func (l *knownLine) matches(q *query) bool {
	if l.hashed {
		if q.norm == "" {
			q.norm = xknownhosts.Normalize(net.JoinHostPort(q.addr.host, q.addr.port))
		}
		mac := hmac.New(sha1.New, l.salt)
		mac.Write([]byte(q.norm))
		return bytes.Equal(mac.Sum(nil), l.hash)
	}
	matched := false
	for _, p := range l.patterns {
		if !wildcardMatch(p.addr.host, q.addr.host) || p.addr.port != q.addr.port {
			continue
		}
		if p.negate {
			return false
		}
		matched = true
	}
	return matched
}

// each calls fn with the lines matching a, in file order, until fn
// returns false.
func (db *knownHostsDB) each(a hostPort, fn func(*knownLine) bool) {
	q := &query{addr: a}
	lit := db.literal[a]
	for _, r := range db.residual {
		for len(lit) > 0 && lit[0] < r {
			if !fn(&db.lines[lit[0]]) {
				return
			}
			lit = lit[1:]
		}
		if l := &db.lines[r]; l.matches(q) && !fn(l) {
			return
		}
	}
	for _, i := range lit {
		if !fn(&db.lines[i]) {
			return
		}
	}
}

// plainKeyBlob is the key a certificate certifies, or the key itself.
func plainKeyBlob(key ssh.PublicKey) string {
	if cert, ok := key.(*ssh.Certificate); ok {
		return string(cert.Key.Marshal())
	}
	return string(key.Marshal())
}

// isHostAuthority is x/crypto's ssh.CertChecker.IsHostAuthority.
func (db *knownHostsDB) isHostAuthority(ca ssh.PublicKey, address string) bool {
	h, p, err := net.SplitHostPort(address)
	if err != nil {
		return false
	}
	blob, found := string(ca.Marshal()), false
	db.each(hostPort{h, p}, func(l *knownLine) bool {
		found = l.cert && l.blob == blob
		return !found
	})
	return found
}

// isRevoked is x/crypto's ssh.CertChecker.IsRevoked.
func (db *knownHostsDB) isRevoked(cert *ssh.Certificate) bool {
	return db.revoked[plainKeyBlob(cert)] != nil || db.revoked[plainKeyBlob(cert.SignatureKey)] != nil
}

// check is x/crypto's check of a plain key: revoked, else accepted by the
// first matching line with the same key, else a KeyError listing every
// matching line. The name dialled is checked, not the remote address,
// when there is one.
func (db *knownHostsDB) check(address string, remote net.Addr, key ssh.PublicKey) error {
	if r := db.revoked[plainKeyBlob(key)]; r != nil {
		return &xknownhosts.RevokedError{Revoked: *r}
	}
	host, port, err := net.SplitHostPort(remote.String())
	if err != nil {
		return fmt.Errorf("knownhosts: SplitHostPort(%s): %w", remote, err)
	}
	if address != "" {
		if host, port, err = net.SplitHostPort(address); err != nil {
			return fmt.Errorf("knownhosts: SplitHostPort(%s): %w", address, err)
		}
	}
	keyErr := &xknownhosts.KeyError{}
	blob, found := string(key.Marshal()), false
	db.each(hostPort{host, port}, func(l *knownLine) bool {
		keyErr.Want = append(keyErr.Want, l.known)
		found = l.blob == blob
		return !found
	})
	if found {
		return nil
	}
	return keyErr
}

// callback is skeema's HostKeyDB.HostKeyCallback: x/crypto's check, and,
// when known_hosts has a "*" pattern without a port and the host on a
// non-standard port is not known, a second check on port 22 that keeps
// only the wildcard lines.
func (db *knownHostsDB) callback(hostname string, remote net.Addr, key ssh.PublicKey) error {
	err := db.checker.CheckHostKey(hostname, remote, key)
	if len(db.isWildcard) == 0 || err == nil || knownhosts.IsHostKeyChanged(err) {
		return err
	}
	host, port, splitErr := net.SplitHostPort(hostname)
	if splitErr != nil || port == "" || port == "22" {
		return err
	}
	if tcp, ok := remote.(*net.TCPAddr); ok && tcp.Port != 22 {
		remote = &net.TCPAddr{IP: tcp.IP, Port: 22, Zone: tcp.Zone}
	}
	err = db.checker.CheckHostKey(host+":22", remote, key)
	var ke *xknownhosts.KeyError
	if errors.As(err, &ke) && len(ke.Want) > 0 {
		wild := make([]xknownhosts.KnownKey, 0, len(ke.Want))
		for _, w := range ke.Want {
			if db.isWildcard[fileLine{w.Filename, w.Line}] {
				wild = append(wild, w)
			}
		}
		err = &xknownhosts.KeyError{Want: wild}
	}
	return err
}

// HostKeyAlgorithms is skeema's HostKeyDB.HostKeyAlgorithms: the
// algorithms of the keys known for hostWithPort, in file and line order,
// without duplicates; RSA keys give the SHA-2 algorithms first, and
// @cert-authority lines give certificate algorithms.
func (db *knownHostsDB) HostKeyAlgorithms(hostWithPort string) []string {
	var ke *xknownhosts.KeyError
	if err := db.callback(hostWithPort, &net.TCPAddr{IP: []byte{0, 0, 0, 0}}, placeholderKey{}); !errors.As(err, &ke) {
		return nil
	}
	want := slices.Clone(ke.Want)
	slices.SortStableFunc(want, func(a, b xknownhosts.KnownKey) int {
		return cmp.Or(strings.Compare(a.Filename, b.Filename), cmp.Compare(a.Line, b.Line))
	})
	var algos []string
	add := func(typ string, cert bool) {
		if cert {
			typ = certAlgos[typ] // "" for an algorithm skeema does not map
		}
		if !slices.Contains(algos, typ) {
			algos = append(algos, typ)
		}
	}
	for _, k := range want {
		cert, typ := db.isCert[fileLine{k.Filename, k.Line}], k.Key.Type()
		if typ == ssh.KeyAlgoRSA {
			add(ssh.KeyAlgoRSASHA512, cert)
			add(ssh.KeyAlgoRSASHA256, cert)
		}
		add(typ, cert)
	}
	return algos
}

// certAlgos maps key algorithms to certificate algorithms as skeema does;
// skeema also maps ssh-dss, which x/crypto no longer parses.
var certAlgos = map[string]string{
	ssh.KeyAlgoRSA: ssh.CertAlgoRSAv01, ssh.KeyAlgoRSASHA256: ssh.CertAlgoRSASHA256v01,
	ssh.KeyAlgoRSASHA512: ssh.CertAlgoRSASHA512v01, ssh.KeyAlgoECDSA256: ssh.CertAlgoECDSA256v01,
	ssh.KeyAlgoSKECDSA256: ssh.CertAlgoSKECDSA256v01, ssh.KeyAlgoECDSA384: ssh.CertAlgoECDSA384v01,
	ssh.KeyAlgoECDSA521: ssh.CertAlgoECDSA521v01, ssh.KeyAlgoED25519: ssh.CertAlgoED25519v01,
	ssh.KeyAlgoSKED25519: ssh.CertAlgoSKED25519v01,
}

// placeholderKey is matched by no line, so that a lookup with it lists
// every line known for an address.
type placeholderKey struct{}

func (placeholderKey) Type() string                        { return "fake-public-key" }
func (placeholderKey) Marshal() []byte                     { return []byte("fake public key") }
func (placeholderKey) Verify([]byte, *ssh.Signature) error { return errors.New("placeholder key") }
