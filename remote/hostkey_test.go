package remote

import (
	"bufio"
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
	xknownhosts "golang.org/x/crypto/ssh/knownhosts"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshsim"
)

func hostKeyErr(t *testing.T, err error, problem string) *HostKeyError {
	t.Helper()
	var he *HostKeyError
	if !errors.As(err, &he) || he.Problem != problem {
		t.Fatalf("err = %v, want a *HostKeyError %q", err, problem)
	}
	return he
}

func TestUnknownHostStrict(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), f.target(s))
	he := hostKeyErr(t, err, KeyUnknown)
	if got := Status(err); got != fleet.HostKeyUnknown {
		t.Errorf("Status = %q, want %q", got, fleet.HostKeyUnknown)
	}
	if want := "ssh-keyscan -p " + itoa(s.Port()) + " 127.0.0.1 >> " + f.knownHosts; !strings.Contains(he.Fix, want) {
		t.Errorf("Fix = %q, want it to contain %q", he.Fix, want)
	}
	if _, err := os.Stat(f.knownHosts); !os.IsNotExist(err) {
		t.Errorf("strict policy wrote %s", f.knownHosts)
	}
}

func TestAcceptNewThenStrict(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	writeFile(t, f.knownHosts, "# an entry without a final newline")
	c := f.connect(f.dialer(DialerOptions{Policy: AcceptNew}), f.target(s))
	if !c.Security().HostKeyAdded {
		t.Errorf("Security().HostKeyAdded = false after a first-use accept")
	}
	lines := readLines(t, f.knownHosts)
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "|1|") {
		t.Fatalf("known_hosts = %q, want the comment and one hashed line", lines)
	}
	// A new run with strict checking now knows the host.
	c2 := f.connect(f.dialer(DialerOptions{}), f.target(s))
	if c2.Security().HostKeyAdded {
		t.Errorf("second run: HostKeyAdded = true, want false")
	}
}

// TestAcceptNewStoresTheStrongestKeyHashed: a server with RSA, ECDSA and
// Ed25519 host keys is recorded, on first use, with the key type
// negotiated, Ed25519 (x/crypto alone would pick ECDSA), and hashed.
func TestAcceptNewStoresTheStrongestKeyHashed(t *testing.T) {
	f := newFixture(t)
	rsaKey, ecdsaKey := sshsim.MustSigner(sshsim.RSA), sshsim.MustSigner(sshsim.ECDSA)
	s := f.server(sshsim.Config{HostKeys: []ssh.Signer{rsaKey, ecdsaKey, f.hostKey}})
	c := f.connect(f.dialer(DialerOptions{Policy: AcceptNew}), f.target(s))
	if got, want := c.Security().HostKeyFingerprint, ssh.FingerprintSHA256(f.hostKey.PublicKey()); got != want {
		t.Errorf("negotiated host key %s, want the Ed25519 one %s", got, want)
	}
	lines := readLines(t, f.knownHosts)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "|1|") || !strings.Contains(lines[0], " ssh-ed25519 ") {
		t.Fatalf("known_hosts = %q, want one hashed ssh-ed25519 line", lines)
	}
	_, _, key, _, _, err := ssh.ParseKnownHosts([]byte(lines[0]))
	if err != nil || !keysEqual(key, f.hostKey.PublicKey()) {
		t.Fatalf("ParseKnownHosts = %v, %v; want the Ed25519 key", key, err)
	}
}

// TestHostKeyAlias: with HostKeyAlias, keys are looked up and recorded
// under the alias, not the address dialled, and the fix names both.
func TestHostKeyAlias(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	tg := f.target(s)
	tg.HostKeyAlias = "cluster-vip"
	writeFile(t, f.knownHosts, "cluster-vip "+string(ssh.MarshalAuthorizedKey(f.hostKey.PublicKey())))
	f.connect(f.dialer(DialerOptions{}), tg)

	other := newFixture(t)
	tg = other.target(s)
	tg.HostKeyAlias = "cluster-vip"
	_, err := other.dialer(DialerOptions{}).Connect(context.Background(), tg)
	he := hostKeyErr(t, err, KeyUnknown)
	want := "ssh-keyscan -p " + itoa(s.Port()) + " 127.0.0.1 | sed 's/^[^ ]*/cluster-vip/' >> " + other.knownHosts
	if !strings.Contains(he.Fix, want) {
		t.Errorf("Fix = %q, want it to contain %q", he.Fix, want)
	}
}

func TestAcceptNewConcurrent(t *testing.T) {
	f := newFixture(t)
	const n = 50
	servers := make([]*sshsim.Server, n)
	for i := range servers {
		servers[i] = f.server(sshsim.Config{})
	}
	d := f.dialer(DialerOptions{Policy: AcceptNew})
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range 2 * n { // every server twice, concurrently
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := d.Connect(context.Background(), f.target(servers[i%n]))
			if err == nil {
				c.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Connect #%d: %v", i, err)
		}
	}
	lines := readLines(t, f.knownHosts)
	if len(lines) != n {
		t.Fatalf("known_hosts has %d lines, want %d (one per host)", len(lines), n)
	}
	for i, l := range lines {
		marker, hosts, key, _, rest, err := ssh.ParseKnownHosts([]byte(l + "\n"))
		if err != nil || marker != "" || len(hosts) != 1 || !strings.HasPrefix(hosts[0], "|1|") ||
			!keysEqual(key, f.hostKey.PublicKey()) || len(rest) != 0 {
			t.Errorf("line %d %q: not one well-formed hashed entry (err %v)", i+1, l, err)
		}
	}
	strict := f.dialer(DialerOptions{})
	for _, s := range servers {
		c := f.connect(strict, f.target(s))
		c.Close()
	}
}

func TestChangedHostKey(t *testing.T) {
	for _, policy := range []HostKeyPolicy{Strict, AcceptNew} {
		t.Run(policy.String(), func(t *testing.T) {
			f := newFixture(t)
			s := f.server(sshsim.Config{})
			f.trust("[10.0.0.1]:22") // line 1, another host
			f.trust(s.Addr, sshsim.MustSigner(sshsim.Ed25519).PublicKey())
			before := readLines(t, f.knownHosts)
			_, err := f.dialer(DialerOptions{Policy: policy}).Connect(context.Background(), f.target(s))
			he := hostKeyErr(t, err, KeyChanged)
			if he.File != f.knownHosts || he.Line != 2 {
				t.Errorf("old entry at %s:%d, want %s:2", he.File, he.Line, f.knownHosts)
			}
			port := itoa(s.Port())
			for _, want := range []string{
				"ssh-keygen -R '[127.0.0.1]:" + port + "' -f " + f.knownHosts,
				"ssh-keyscan -p " + port + " 127.0.0.1 >> " + f.knownHosts,
			} {
				if !strings.Contains(he.Fix, want) || !strings.Contains(err.Error(), want) {
					t.Errorf("error %q: want the fix %q", err, want)
				}
			}
			if !strings.Contains(err.Error(), f.knownHosts+":2") {
				t.Errorf("error %q does not name %s:2", err, f.knownHosts)
			}
			if got := Status(err); got != fleet.HostKeyMismatch {
				t.Errorf("Status = %q, want %q", got, fleet.HostKeyMismatch)
			}
			if after := readLines(t, f.knownHosts); len(after) != len(before) {
				t.Errorf("known_hosts changed: %q", after)
			}
		})
	}
}

func TestChangedKeyTypeIsNotAlgorithmError(t *testing.T) {
	// known_hosts lists only an ECDSA key; the host now has only Ed25519.
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	f.trust(s.Addr, sshsim.MustSigner(sshsim.ECDSA).PublicKey())
	_, err := f.dialer(DialerOptions{}).Connect(context.Background(), f.target(s))
	hostKeyErr(t, err, KeyChanged)
}

func TestHashedKnownHostsEntry(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	appendLine(t, f.knownHosts, xknownhosts.Line([]string{xknownhosts.HashHostname(normalizeAddr(s.Addr))}, f.hostKey.PublicKey()))
	f.connect(f.dialer(DialerOptions{}), f.target(s))
}

func TestCertAuthorityOnNonStandardPort(t *testing.T) {
	f := newFixture(t)
	ca := sshsim.MustSigner(sshsim.Ed25519)
	cert, err := sshsim.HostCertSigner(ca, f.hostKey, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s := f.server(sshsim.Config{HostKeys: []ssh.Signer{cert}})
	appendLine(t, f.knownHosts, "@cert-authority * "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(ca.PublicKey()))))
	c := f.connect(f.dialer(DialerOptions{}), f.target(s))
	if c.Security().HostKeyFingerprint == "" {
		t.Error("no fingerprint recorded")
	}

	// A certificate from another CA is refused.
	other, err := sshsim.HostCertSigner(sshsim.MustSigner(sshsim.Ed25519), f.hostKey, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s2 := f.server(sshsim.Config{HostKeys: []ssh.Signer{other}})
	_, err = f.dialer(DialerOptions{}).Connect(context.Background(), f.target(s2))
	var he *HostKeyError
	if !errors.As(err, &he) || Status(err) != fleet.HostKeyMismatch {
		t.Errorf("Connect(cert from an unknown CA) = %v, want a *HostKeyError with status %q", err, fleet.HostKeyMismatch)
	}
}

func TestNoFalseMismatchWithSeveralHostKeys(t *testing.T) {
	// x/crypto prefers ECDSA; only the Ed25519 key is known (golang/go#29286).
	f := newFixture(t)
	ecdsaKey := sshsim.MustSigner(sshsim.ECDSA)
	s := f.server(sshsim.Config{HostKeys: []ssh.Signer{ecdsaKey, f.hostKey}})
	f.trust(s.Addr, f.hostKey.PublicKey())
	c := f.connect(f.dialer(DialerOptions{}), f.target(s))
	if got, want := c.Security().HostKeyFingerprint, ssh.FingerprintSHA256(f.hostKey.PublicKey()); got != want {
		t.Errorf("fingerprint = %s, want the known Ed25519 key %s", got, want)
	}
}

func TestRevokedHostKey(t *testing.T) {
	f := newFixture(t)
	s := f.trusted(sshsim.Config{})
	appendLine(t, f.knownHosts, "@revoked * "+strings.TrimSpace(string(ssh.MarshalAuthorizedKey(f.hostKey.PublicKey()))))
	for _, policy := range []HostKeyPolicy{Strict, AcceptNew} {
		_, err := f.dialer(DialerOptions{Policy: policy}).Connect(context.Background(), f.target(s))
		he := hostKeyErr(t, err, KeyRevoked)
		if he.Line != 2 {
			t.Errorf("%s: revoked entry at line %d, want 2", policy, he.Line)
		}
		if got := Status(err); got != fleet.HostKeyMismatch {
			t.Errorf("Status = %q, want %q", got, fleet.HostKeyMismatch)
		}
	}
}

func TestInsecurePolicyIsReported(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	f.trust(s.Addr, sshsim.MustSigner(sshsim.Ed25519).PublicKey()) // even a changed key
	c := f.connect(f.dialer(DialerOptions{Policy: Insecure}), f.target(s))
	if !c.Security().InsecureHostKey {
		t.Error("Security().InsecureHostKey = false under the Insecure policy")
	}
}

func TestSSHConfigAcceptNewRelaxesStrict(t *testing.T) {
	f := newFixture(t)
	s := f.server(sshsim.Config{})
	tg := f.target(s)
	tg.StrictHostKeyChecking = "accept-new"
	c := f.connect(f.dialer(DialerOptions{}), tg)
	if !c.Security().HostKeyAdded {
		t.Error("StrictHostKeyChecking accept-new did not add the key")
	}
	if p := effectivePolicy(Strict, "no"); p != AcceptNew {
		t.Errorf("effectivePolicy(Strict, no) = %v, want accept-new (never insecure)", p)
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
