package remote

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

func TestAlgorithmErrorClassification(t *testing.T) {
	dssOnly := fmt.Errorf("ssh: handshake failed: %w", &ssh.AlgorithmNegotiationError{What: "host key",
		RequestedAlgorithms: []string{"ssh-dss"}, SupportedAlgorithms: []string{ssh.KeyAlgoED25519}})
	err, ok := algorithmError("h:22", false, dssOnly)
	var he *HostKeyError
	if !ok || !errors.As(err, &he) || he.Problem != KeyUnsupported {
		t.Fatalf("algorithmError(ssh-dss only) = %v, want a *HostKeyError %q", err, KeyUnsupported)
	}
	if Status(err) == fleet.HostUnreachable {
		t.Errorf("an unverifiable host key is not 'unreachable'")
	}

	cbc := &ssh.AlgorithmNegotiationError{What: "client to server cipher", RequestedAlgorithms: []string{"aes128-cbc", "3des-cbc"}}
	err, ok = algorithmError("h:22", false, cbc)
	var ae *AlgorithmError
	if !ok || !errors.As(err, &ae) || !strings.Contains(err.Error(), "aes128-cbc,3des-cbc") || !strings.Contains(err.Error(), "legacy_algorithms: true") {
		t.Errorf("algorithmError(cbc) = %v", err)
	}
	err, _ = algorithmError("h:22", true, cbc)
	if strings.Contains(err.Error(), "legacy_algorithms") {
		t.Errorf("with legacy algorithms on, %q should not suggest turning them on", err)
	}
	if _, ok := algorithmError("h:22", false, errors.New("other")); ok {
		t.Error("algorithmError(other) claimed an unrelated error")
	}
}

func TestLegacyListsKeepGroup14SHA1(t *testing.T) {
	// ssh.SupportedAlgorithms() leaves it out; the legacy list must not.
	for _, want := range []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.InsecureKeyExchangeDH1SHA1, ssh.InsecureKeyExchangeDHGEXSHA1} {
		if !slices.Contains(legacyKeyExchanges, want) {
			t.Errorf("legacyKeyExchanges lacks %s", want)
		}
	}
	var cfg ssh.ClientConfig
	if err := applyAlgorithms(&cfg, sshconfig.Target{}); err != nil {
		t.Fatal(err)
	}
	if cfg.KeyExchanges != nil || cfg.Ciphers != nil || cfg.MACs != nil {
		t.Error("a modern host must get the x/crypto defaults")
	}
}

func TestInsecureNegotiated(t *testing.T) {
	got := insecureNegotiated(ssh.NegotiatedAlgorithms{KeyExchange: ssh.InsecureKeyExchangeDH14SHA1, HostKey: ssh.KeyAlgoRSA,
		Read:  ssh.DirectionAlgorithms{Cipher: ssh.InsecureCipherAES128CBC, MAC: ssh.HMACSHA1},
		Write: ssh.DirectionAlgorithms{Cipher: ssh.InsecureCipherAES128CBC, MAC: ssh.HMACSHA1}})
	want := []string{ssh.InsecureKeyExchangeDH14SHA1, ssh.KeyAlgoRSA, ssh.InsecureCipherAES128CBC}
	if !slices.Equal(got, want) {
		t.Errorf("insecureNegotiated = %q, want %q", got, want)
	}
}
