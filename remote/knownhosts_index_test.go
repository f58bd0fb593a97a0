package remote

import (
	"crypto/ed25519"
	crand "crypto/rand"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skeema/knownhosts"
	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"

	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

// khSeed seeds TestKnownHostsDBMatchesSkeema; case i of a run uses the
// stream (khSeed, i), so a failing case is reproduced by its number.
const khSeed = 20240611

// khWorld is the material random known_hosts files are made of.
type khWorld struct {
	hostKeys []ssh.PublicKey // ed25519 (several), ECDSA, RSA
	cas      []ssh.Signer
	certs    []*ssh.Certificate // signed by cas, some of them broken
	names    []string
	ports    []string
}

func ed25519Signer(t testing.TB, rng *rand.Rand) ssh.Signer {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(rng.Uint32())
	}
	s, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newKHWorld(t *testing.T) *khWorld {
	t.Helper()
	rng := rand.New(rand.NewPCG(khSeed, 0))
	w := &khWorld{
		names: []string{"alpha", "beta", "alpha.example.com", "beta.example.org", "10.0.0.1", "10.0.0.2", "::1", "fe80::2", "gamma", "@alpha"},
		ports: []string{"22", "2222", "2022"},
	}
	var hostSigners []ssh.Signer
	for range 4 {
		hostSigners = append(hostSigners, ed25519Signer(t, rng))
	}
	_, rsaKey, err := sshsim.SharedRSA()
	if err != nil {
		t.Fatal(err)
	}
	hostSigners = append(hostSigners, sshsim.MustSigner(sshsim.ECDSA), rsaKey)
	for _, s := range hostSigners {
		w.hostKeys = append(w.hostKeys, s.PublicKey())
	}
	w.cas = []ssh.Signer{ed25519Signer(t, rng), ed25519Signer(t, rng), sshsim.MustSigner(sshsim.ECDSA)}
	now := time.Now()
	for i := range 40 {
		var principals []string
		for _, n := range w.names {
			if rng.IntN(3) == 0 {
				principals = append(principals, n)
			}
		}
		if len(principals) == 0 {
			principals = []string{w.names[rng.IntN(len(w.names))]}
		}
		c := &ssh.Certificate{
			Key:             hostSigners[rng.IntN(len(hostSigners))].PublicKey(),
			Serial:          uint64(i),
			CertType:        ssh.HostCert,
			ValidPrincipals: principals,
			ValidAfter:      uint64(now.Add(-24 * time.Hour).Unix()),
			ValidBefore:     uint64(now.Add(24 * time.Hour).Unix()),
		}
		switch rng.IntN(8) {
		case 0:
			c.CertType = ssh.UserCert
		case 1:
			c.ValidBefore = uint64(now.Add(-time.Hour).Unix()) // expired
		case 2:
			c.ValidBefore = ssh.CertTimeInfinity
		case 3:
			c.CriticalOptions = map[string]string{"force-command": "true"}
		}
		if err := c.SignCert(crand.Reader, w.cas[rng.IntN(len(w.cas))]); err != nil {
			t.Fatal(err)
		}
		w.certs = append(w.certs, c)
	}
	return w
}

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// pattern is one host pattern: plain, with a port, wildcard, negated or
// (rarely) malformed.
func (w *khWorld) pattern(rng *rand.Rand) string {
	name, port := pick(rng, w.names), pick(rng, w.ports)
	var p string
	switch rng.IntN(12) {
	case 0, 1, 2:
		p = name
	case 3, 4:
		p = "[" + name + "]:" + port
	case 5:
		p = name + ":" + port // splits for names and IPv4, not for IPv6
	case 6:
		i := rng.IntN(len(name))
		p = name[:i] + "?" + name[i+1:]
	case 7:
		p = pick(rng, []string{"*", "*.example.com", "10.0.0.*", "*a*", "fe80::*", "alpha*"})
	case 8:
		p = "[" + pick(rng, []string{"*", "*.example.com", "10.0.0.?"}) + "]:" + port
	case 9:
		p = name + "*"
	case 10:
		p = pick(rng, []string{"[alpha", "[beta]", "[::1]x:22", ""})
	case 11:
		p = "[" + name + "]:" + pick(rng, []string{"", "*", "22"})
	}
	if rng.IntN(6) == 0 {
		p = "!" + p
	}
	return p
}

// hostField is a line's host field: a few patterns or one hashed name.
func (w *khWorld) hostField(rng *rand.Rand) string {
	if rng.IntN(5) == 0 {
		addr := net.JoinHostPort(pick(rng, w.names), pick(rng, w.ports))
		switch rng.IntN(10) {
		case 0:
			return "|2|" + strings.TrimPrefix(xknownhosts.HashHostname(addr), "|1|")
		case 1:
			return "|1|bm90IGJhc2U2NA|"
		}
		return xknownhosts.HashHostname(xknownhosts.Normalize(addr))
	}
	ps := make([]string, 1+rng.IntN(3))
	for i := range ps {
		ps[i] = w.pattern(rng)
	}
	return strings.Join(ps, ",")
}

func keyText(k ssh.PublicKey) (typ, blob string) {
	f := strings.Fields(string(ssh.MarshalAuthorizedKey(k)))
	return f[0], f[1]
}

// line is one random known_hosts line, valid or not.
func (w *khWorld) line(rng *rand.Rand) string {
	sep := func() string { return pick(rng, []string{" ", " ", "\t", " \t "}) }
	var key ssh.PublicKey
	switch rng.IntN(10) {
	case 0:
		key = pick(rng, w.cas).PublicKey()
	case 1:
		key = pick(rng, w.certs)
	default:
		key = pick(rng, w.hostKeys)
	}
	typ, blob := keyText(key)
	marker := ""
	switch r := rng.IntN(40); {
	case r < 4:
		return pick(rng, []string{"# a comment", "#alpha* ssh-ed25519 x", "#", "# [*]:22"})
	case r < 6:
		return pick(rng, []string{"", "   ", "\t"})
	case r < 8:
		return pick(rng, []string{"alpha ssh-ed25519", "@bogus alpha " + typ + " " + blob,
			"alpha " + typ + " !!!notbase64", "alpha ssh-rsa " + blob, "@revoked", "@cert-authority @revoked * " + typ + " " + blob,
			"alpha", "@cert-authority\talpha", "@* " + typ + " " + blob, "@cert-authority @*a " + typ + " " + blob})
	case r < 14:
		marker = markerCert
		if rng.IntN(4) > 0 {
			typ, blob = keyText(pick(rng, w.cas).PublicKey())
		}
	case r < 17:
		marker = markerRevoked
	}
	l := w.hostField(rng) + sep() + typ + sep() + blob
	if marker != "" {
		l = marker + sep() + l
	}
	if rng.IntN(5) == 0 {
		l += sep() + "comment@host"
	}
	if rng.IntN(8) == 0 {
		l = pick(rng, []string{" ", "\t", "\v", "\u00a0"}) + l
	}
	if rng.IntN(10) == 0 {
		l += pick(rng, []string{"\r", "\f", " "})
	}
	return l
}

// corpus writes 1 to 3 random known_hosts files into dir and returns the
// list of files to read, which may name a file twice or a missing one.
func (w *khWorld) corpus(t *testing.T, rng *rand.Rand, dir string) []string {
	t.Helper()
	var files []string
	for i := range 1 + rng.IntN(3) {
		var b strings.Builder
		for range rng.IntN(14) {
			b.WriteString(w.line(rng))
			b.WriteString("\n")
		}
		name := filepath.Join(dir, "known_hosts"+strconv.Itoa(i))
		if err := os.WriteFile(name, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, name)
	}
	switch rng.IntN(30) {
	case 0:
		files = append(files, files[0])
	case 1:
		files = append(files, filepath.Join(dir, "missing"))
	}
	return files
}

// khQuery is one host key check: the name dialled, the remote address
// and the key the host presents.
type khQuery struct {
	hostname string
	remote   net.Addr
	key      ssh.PublicKey
}

func (w *khWorld) query(rng *rand.Rand) khQuery {
	q := khQuery{hostname: net.JoinHostPort(pick(rng, w.names), pick(rng, w.ports))}
	switch rng.IntN(20) {
	case 0:
		q.hostname = ""
	case 1:
		q.hostname = pick(rng, w.names)
	}
	port, _ := strconv.Atoi(pick(rng, w.ports))
	q.remote = &net.TCPAddr{IP: net.ParseIP(pick(rng, []string{"10.0.0.1", "10.0.0.2", "::1", "192.0.2.9"})), Port: port}
	switch rng.IntN(10) {
	case 0, 1, 2:
		q.key = pick(rng, w.certs)
	case 3:
		q.key = pick(rng, w.cas).PublicKey()
	default:
		q.key = pick(rng, w.hostKeys)
	}
	return q
}

// diffErrors describes how got differs from want, the reference's error:
// the same type and content for KeyError and RevokedError, the same text
// for other errors.
func diffErrors(got, want error) string {
	var gk, wk *xknownhosts.KeyError
	var gr, wr *xknownhosts.RevokedError
	switch {
	case got == nil || want == nil:
		if got != want {
			return fmt.Sprintf("got %v, want %v", got, want)
		}
	case errors.As(want, &wk):
		if !errors.As(got, &gk) {
			return fmt.Sprintf("got %T %v, want a KeyError", got, got)
		}
		if (gk.Want == nil) != (wk.Want == nil) || len(gk.Want) != len(wk.Want) {
			return fmt.Sprintf("Want %s, want %s", knownKeys(gk.Want), knownKeys(wk.Want))
		}
		for i := range wk.Want {
			if !sameKnownKey(gk.Want[i], wk.Want[i]) {
				return fmt.Sprintf("Want %s, want %s", knownKeys(gk.Want), knownKeys(wk.Want))
			}
		}
	case errors.As(want, &wr):
		if !errors.As(got, &gr) || !sameKnownKey(gr.Revoked, wr.Revoked) {
			return fmt.Sprintf("got %T %v, want RevokedError %s", got, got, wr.Revoked.String())
		}
	default:
		if got.Error() != want.Error() || errors.As(got, &gk) || errors.As(got, &gr) {
			return fmt.Sprintf("got %T %q, want %q", got, got, want)
		}
	}
	return ""
}

func sameKnownKey(a, b xknownhosts.KnownKey) bool {
	return a.Filename == b.Filename && a.Line == b.Line && string(a.Key.Marshal()) == string(b.Key.Marshal())
}

func knownKeys(ks []xknownhosts.KnownKey) string {
	var s []string
	for _, k := range ks {
		s = append(s, k.String())
	}
	return "[" + strings.Join(s, "; ") + "]"
}

func describeCorpus(files []string) string {
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		fmt.Fprintf(&b, "--- %s (%v)\n%s", f, err, data)
	}
	return b.String()
}

// TestKnownHostsDBMatchesSkeema compares knownHostsDB with skeema's
// HostKeyDB (over x/crypto's knownhosts) on random known_hosts files and
// random checks: the error of reading the files, the error of each host
// key check, and HostKeyAlgorithms.
func TestKnownHostsDBMatchesSkeema(t *testing.T) {
	w := newKHWorld(t)
	cases, queries := 3000, 24
	if testing.Short() {
		cases = 500
	}
	checks, accepted, certAccepted, changed, revoked, other, readErrs := 0, 0, 0, 0, 0, 0, 0
	for c := range cases {
		rng := rand.New(rand.NewPCG(khSeed, uint64(c)+1))
		dir := filepath.Join(t.TempDir(), strconv.Itoa(c))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		files := w.corpus(t, rng, dir)
		ref, refErr := knownhosts.NewDB(files...)
		db, err := newKnownHostsDB(files...)
		if (err == nil) != (refErr == nil) || (err != nil && err.Error() != refErr.Error()) {
			t.Fatalf("case %d: reading: got %v, want %v\n%s", c, err, refErr, describeCorpus(files))
		}
		if err != nil {
			readErrs++
			continue
		}
		for range queries {
			q := w.query(rng)
			want := ref.HostKeyCallback()(q.hostname, q.remote, q.key)
			got := db.callback(q.hostname, q.remote, q.key)
			if d := diffErrors(got, want); d != "" {
				t.Fatalf("case %d: check %q remote %v key %s: %s\n%s", c, q.hostname, q.remote,
					strings.TrimSpace(string(ssh.MarshalAuthorizedKey(q.key))), d, describeCorpus(files))
			}
			wantAlgos, gotAlgos := ref.HostKeyAlgorithms(q.hostname), db.HostKeyAlgorithms(q.hostname)
			if !reflect.DeepEqual(gotAlgos, wantAlgos) {
				t.Fatalf("case %d: HostKeyAlgorithms(%q) = %q, want %q\n%s", c, q.hostname, gotAlgos, wantAlgos, describeCorpus(files))
			}
			checks++
			var ke *xknownhosts.KeyError
			var re *xknownhosts.RevokedError
			switch {
			case want == nil:
				accepted++
				if _, ok := q.key.(*ssh.Certificate); ok {
					certAccepted++
				}
			case errors.As(want, &re):
				revoked++
			case errors.As(want, &ke) && len(ke.Want) > 0:
				changed++
			default:
				other++
			}
		}
	}
	t.Logf("%d files unreadable; %d checks: %d accepted (%d certificates), %d changed, %d revoked, %d unknown or other errors",
		readErrs, checks, accepted, certAccepted, changed, revoked, other)
	// The corpus must exercise every outcome, or the comparison proves little.
	if accepted < checks/50 || certAccepted < checks/1000 || changed < checks/50 || revoked < checks/200 || other < checks/50 || readErrs == 0 {
		t.Errorf("outcomes too lopsided to compare: %d unreadable; %d accepted (%d certificates), %d changed, %d revoked, %d other of %d",
			readErrs, accepted, certAccepted, changed, revoked, other, checks)
	}
}

// BenchmarkHostKeyCheck is the known_hosts work of one host of a fleet
// with a 10,000-line known_hosts (one "[127.0.0.1]:port" Ed25519 line per
// host): HostKeyAlgorithms, then the host key callback, through skeema's
// HostKeyDB and through knownHostsDB.
func BenchmarkHostKeyCheck(b *testing.B) {
	const hosts = 10000
	rng := rand.New(rand.NewPCG(khSeed, 1))
	keys := make([]ssh.PublicKey, hosts)
	var kh strings.Builder
	for i := range keys {
		keys[i] = ed25519Signer(b, rng).PublicKey()
		kh.WriteString(knownhosts.Line([]string{"127.0.0.1:" + strconv.Itoa(20000+i)}, keys[i]) + "\n")
	}
	file := filepath.Join(b.TempDir(), "known_hosts")
	if err := os.WriteFile(file, []byte(kh.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	ref, err := knownhosts.NewDB(file)
	if err != nil {
		b.Fatal(err)
	}
	db, err := newKnownHostsDB(file)
	if err != nil {
		b.Fatal(err)
	}
	for _, impl := range []struct {
		name  string
		algos func(string) []string
		check ssh.HostKeyCallback
	}{
		{"skeema", ref.HostKeyAlgorithms, ref.HostKeyCallback()},
		{"index", db.HostKeyAlgorithms, db.callback},
	} {
		b.Run(impl.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i = (i + 7919) % hosts
				addr := "127.0.0.1:" + strconv.Itoa(20000+i)
				remote := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 20000 + i}
				if a := impl.algos(addr); len(a) != 1 {
					b.Fatalf("HostKeyAlgorithms(%s) = %q", addr, a)
				}
				if err := impl.check(addr, remote, keys[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestKnownHostsDBIndexesPlainLines: lines of plain names are found
// through the map; only hashed, wildcard and negated lines are tried one
// by one.
func TestKnownHostsDBIndexesPlainLines(t *testing.T) {
	key := ed25519Signer(t, rand.New(rand.NewPCG(khSeed, 2))).PublicKey()
	typ, blob := keyText(key)
	var kh strings.Builder
	for i, host := range []string{"alpha", "[alpha]:2222", "10.0.0.1,beta", "[::1]:22", "fe80::2",
		"alpha*", "!beta,gamma", "a?pha", xknownhosts.HashHostname("alpha"), "@cert-authority delta"} {
		fmt.Fprintf(&kh, "%s %s %s # line %d\n", host, typ, blob, i+1)
	}
	file := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(file, []byte(kh.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := newKnownHostsDB(file)
	if err != nil {
		t.Fatal(err)
	}
	var residual []int
	for _, i := range db.residual {
		residual = append(residual, db.lines[i].known.Line)
	}
	if want := []int{6, 7, 8, 9}; !reflect.DeepEqual(residual, want) {
		t.Errorf("lines tried one by one: %v, want %v", residual, want)
	}
	for addr, line := range map[hostPort]int{{"alpha", "22"}: 1, {"alpha", "2222"}: 2, {"beta", "22"}: 3,
		{"::1", "22"}: 4, {"fe80::2", "22"}: 5, {"delta", "22"}: 10} {
		if ix := db.literal[addr]; len(ix) != 1 || db.lines[ix[0]].known.Line != line {
			t.Errorf("index of %v: %v, want line %d", addr, ix, line)
		}
	}
}
