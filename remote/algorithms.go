package remote

import (
	"errors"
	"slices"

	"golang.org/x/crypto/ssh"
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

// applyAlgorithms sets the algorithm lists of cfg for a host; only legacy
// hosts get anything but the x/crypto defaults.
func applyAlgorithms(cfg *ssh.ClientConfig, legacy bool) {
	if !legacy {
		return
	}
	cfg.KeyExchanges = slices.Clone(legacyKeyExchanges)
	cfg.Ciphers = slices.Clone(legacyCiphers)
	cfg.MACs = slices.Clone(legacyMACs)
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
