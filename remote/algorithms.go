package remote

import (
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/ssh"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// The lists below are written out rather than derived from
// ssh.SupportedAlgorithms(), which leaves out diffie-hellman-group14-sha1:
// the only strong key exchange CentOS 4/5 speak. The x/crypto defaults
// (used when LegacyAlgorithms is off) already contain it, aes*-ctr,
// hmac-sha1 and ssh-rsa host keys, so stock OpenSSH 3.9/4.3 need nothing extra.

// legacyKeyExchanges is the x/crypto default list plus the insecure
// exchanges of OpenSSH <= 3.8 and hardened or odd builds.
var legacyKeyExchanges = []string{
	ssh.KeyExchangeMLKEM768X25519,
	ssh.KeyExchangeCurve25519,
	ssh.KeyExchangeECDHP256,
	ssh.KeyExchangeECDHP384,
	ssh.KeyExchangeECDHP521,
	ssh.KeyExchangeDH14SHA256,
	ssh.KeyExchangeDH16SHA512,
	ssh.KeyExchangeDHGEXSHA256,
	ssh.InsecureKeyExchangeDH14SHA1,
	ssh.InsecureKeyExchangeDHGEXSHA1,
	ssh.InsecureKeyExchangeDH1SHA1,
}

// legacyCiphers adds CBC modes after every modern cipher.
var legacyCiphers = []string{
	ssh.CipherAES128GCM,
	ssh.CipherAES256GCM,
	ssh.CipherChaCha20Poly1305,
	ssh.CipherAES128CTR,
	ssh.CipherAES192CTR,
	ssh.CipherAES256CTR,
	ssh.InsecureCipherAES128CBC,
	ssh.InsecureCipherTripleDESCBC,
}

// legacyMACs is the x/crypto default list (hmac-sha1 is already there).
var legacyMACs = []string{
	ssh.HMACSHA256ETM,
	ssh.HMACSHA512ETM,
	ssh.HMACSHA256,
	ssh.HMACSHA512,
	ssh.HMACSHA1,
	ssh.InsecureHMACSHA196,
}

// The x/crypto defaults, written out because x/crypto does not export
// them: ssh_config's "+name", "-name" and "^name" specs start from them.
var (
	nativeKeyExchanges = []string{ssh.KeyExchangeMLKEM768X25519, ssh.KeyExchangeCurve25519,
		ssh.KeyExchangeECDHP256, ssh.KeyExchangeECDHP384, ssh.KeyExchangeECDHP521,
		ssh.KeyExchangeDH14SHA256, ssh.InsecureKeyExchangeDH14SHA1}
	nativeMACs = []string{ssh.HMACSHA256ETM, ssh.HMACSHA512ETM, ssh.HMACSHA256, ssh.HMACSHA512,
		ssh.HMACSHA1, ssh.InsecureHMACSHA196}
)

// nativeHostKeys is the host key preference of the native transport, as
// OpenSSH orders it: Ed25519, then ECDSA, then RSA with SHA-2 (and, for
// legacy hosts, with SHA-1). A key accepted on first use is of the first
// type the server has: the strongest. Certificates are left out: an
// unknown host cannot be checked against a CA.
func nativeHostKeys(legacy bool) []string {
	l := []string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
		ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256}
	if legacy {
		l = append(l, ssh.KeyAlgoRSA)
	}
	return l
}

// supportedAlgorithms is everything x/crypto implements, secure or not.
func supportedAlgorithms() ssh.Algorithms {
	s, ins := ssh.SupportedAlgorithms(), ssh.InsecureAlgorithms()
	cat := func(a, b []string) []string { return append(slices.Clone(a), b...) }
	return ssh.Algorithms{KeyExchanges: cat(s.KeyExchanges, ins.KeyExchanges), Ciphers: cat(s.Ciphers, ins.Ciphers),
		MACs: cat(s.MACs, ins.MACs), HostKeys: cat(s.HostKeys, ins.HostKeys)}
}

// applyAlgorithms sets the key exchange, cipher and MAC lists of cfg for
// t: ssh_config's KexAlgorithms, Ciphers and MACs applied to the x/crypto
// defaults (or, for legacy hosts, to the legacy lists); nil leaves x/crypto
// its defaults.
func applyAlgorithms(cfg *ssh.ClientConfig, t sshconfig.Target) error {
	all := supportedAlgorithms()
	kex, ciphers, macs := nativeKeyExchanges, ssh.SupportedAlgorithms().Ciphers, nativeMACs
	if t.LegacyAlgorithms {
		kex, ciphers, macs = legacyKeyExchanges, legacyCiphers, legacyMACs
	}
	for _, a := range []struct {
		name, spec    string
		defaults, all []string
		dst           *[]string
	}{
		{"KexAlgorithms", t.KexAlgorithms, kex, all.KeyExchanges, &cfg.KeyExchanges},
		{"Ciphers", t.Ciphers, ciphers, all.Ciphers, &cfg.Ciphers},
		{"MACs", t.MACs, macs, all.MACs, &cfg.MACs},
	} {
		if a.spec == "" && !t.LegacyAlgorithms {
			continue
		}
		list, err := sshconfig.AssembleAlgorithms(a.spec, a.defaults, a.all)
		if err != nil {
			return fmt.Errorf("ssh_config %s %s: %w", a.name, a.spec, err)
		}
		*a.dst = list
	}
	return nil
}

// hostKeyAlgorithms is the host key algorithms to ask t for: ssh_config's
// HostKeyAlgorithms applied to the native preference, narrowed to the
// types known_hosts holds for the host when it holds any (known).
func hostKeyAlgorithms(t sshconfig.Target, known []string) ([]string, error) {
	list := nativeHostKeys(t.LegacyAlgorithms)
	if t.HostKeyAlgorithms != "" {
		var err error
		if list, err = sshconfig.AssembleAlgorithms(t.HostKeyAlgorithms, list, supportedAlgorithms().HostKeys); err != nil {
			return nil, fmt.Errorf("ssh_config HostKeyAlgorithms %s: %w", t.HostKeyAlgorithms, err)
		}
	}
	if len(known) == 0 {
		return list, nil
	}
	if t.HostKeyAlgorithms == "" {
		return known, nil
	}
	var both []string
	for _, a := range list {
		if slices.Contains(known, a) {
			both = append(both, a)
		}
	}
	if len(both) == 0 {
		return list, nil
	}
	return both, nil
}

// insecureNegotiated lists the negotiated algorithms that x/crypto counts
// as insecure (SHA-1 key exchanges, CBC, 3DES, ssh-rsa host keys, ...),
// without duplicates, so that reports can flag them.
func insecureNegotiated(a ssh.NegotiatedAlgorithms) []string {
	ins := ssh.InsecureAlgorithms()
	var out []string
	add := func(name string, list []string) {
		if name != "" && slices.Contains(list, name) && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	add(a.KeyExchange, ins.KeyExchanges)
	add(a.HostKey, ins.HostKeys)
	for _, d := range []ssh.DirectionAlgorithms{a.Read, a.Write} {
		add(d.Cipher, ins.Ciphers)
		add(d.MAC, ins.MACs)
	}
	return out
}

// algorithmError turns x/crypto's negotiation error into an
// *AlgorithmError, or a *HostKeyError "unsupported" when the server only
// offers host key types this client cannot verify (ssh-dss is gone from
// x/crypto v0.59.0).
func algorithmError(addr string, legacy bool, err error) (error, bool) {
	var ne *ssh.AlgorithmNegotiationError
	if !errors.As(err, &ne) {
		return nil, false
	}
	if ne.What == "host key" && onlyUnverifiable(ne.RequestedAlgorithms) {
		return &HostKeyError{Problem: KeyUnsupported, Addr: addr, Err: err,
			Fix: "the host only offers " + joinComma(ne.RequestedAlgorithms) +
				" host keys; give it an RSA, ECDSA or Ed25519 host key, or use transport: openssh"}, true
	}
	return &AlgorithmError{Addr: addr, What: ne.What, Offered: ne.RequestedAlgorithms,
		Ours: ne.SupportedAlgorithms, Legacy: legacy, Err: err}, true
}

func onlyUnverifiable(algos []string) bool {
	if len(algos) == 0 {
		return false
	}
	for _, a := range algos {
		if a != "ssh-dss" && a != "ssh-dss-cert-v01@openssh.com" {
			return false
		}
	}
	return true
}

// preferRSA moves RSA keys first: old servers reject Ed25519 and ECDSA
// keys, and each rejection uses up one of MaxAuthTries.
func preferRSA(keys []authKey) {
	slices.SortStableFunc(keys, func(a, b authKey) int {
		ra, rb := a.signer.PublicKey().Type() == ssh.KeyAlgoRSA, b.signer.PublicKey().Type() == ssh.KeyAlgoRSA
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return 0
	})
}
