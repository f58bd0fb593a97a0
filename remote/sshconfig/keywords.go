package sshconfig

import (
	"slices"
	"strings"
)

// support says how fleetcheck treats an ssh_config keyword.
type support int

const (
	// honoured: the native transport does what ssh does with it.
	honoured support = iota
	// viaOpenSSH: only the system ssh can do it; a host it applies to goes
	// through the openssh transport unless the inventory names one.
	viaOpenSSH
	// inert: it only concerns an interactive session, ssh's own log or
	// prompts, which a batch audit never has (fleetcheck always runs as
	// ssh -o BatchMode=yes would); no warning.
	inert
	// ignoredBySSH: OpenSSH itself ignores it (deprecated or unsupported).
	ignoredBySSH
	// unhonoured: the native transport does not do it; a line that
	// applies to a host gets a warning, unless its value is one of the
	// keyword's noop values (what fleetcheck does anyway).
	unhonoured
)

// keyword is one ssh_config keyword as OpenSSH 9.2 knows it.
type keyword struct {
	// name is the canonical spelling, for messages.
	name    string
	support support
	// why completes the warning for an unhonoured keyword.
	why string
	// noop lists values (lower case) that ask for what fleetcheck does
	// anyway: no warning for them.
	noop []string
}

const (
	whyForward   = "fleetcheck never forwards anything to an audited host"
	whyOwnConn   = "the native transport keeps one connection per host itself"
	whyNoOpenSSH = "the native transport cannot do this; set transport: openssh for the host"
)

// keywords maps every keyword of OpenSSH 9.2 (Debian's build, with its
// GSSAPI additions) to how fleetcheck treats it. Aliases map to the
// keyword they stand for.
var keywords = func() map[string]keyword {
	k := map[string]keyword{}
	add := func(kw keyword, aliases ...string) {
		for _, a := range append(aliases, kw.name) {
			k[lower(a)] = kw
		}
	}
	for _, n := range []string{"Host", "Match", "Include", "HostName", "User", "Port", "IdentitiesOnly",
		"CertificateFile", "IdentityAgent", "ProxyJump", "ProxyCommand", "HostKeyAlias",
		"UserKnownHostsFile", "GlobalKnownHostsFile", "StrictHostKeyChecking", "ConnectTimeout",
		"ServerAliveInterval", "ServerAliveCountMax", "HostKeyAlgorithms", "KexAlgorithms", "Ciphers",
		"MACs", "CanonicalizeHostname", "CanonicalDomains", "CanonicalizeMaxDots",
		"CanonicalizeFallbackLocal", "CanonicalizePermittedCNAMEs", "IgnoreUnknown"} {
		add(keyword{name: n, support: honoured})
	}
	add(keyword{name: "IdentityFile", support: honoured}, "IdentityFile2")
	for _, n := range []string{"LogLevel", "LogVerbose", "SyslogFacility", "EscapeChar",
		"EnableEscapeCommandline", "VisualHostKey", "RequestTTY", "SessionType", "StdinNull",
		"ForkAfterAuthentication", "BatchMode", "PasswordAuthentication", "KbdInteractiveDevices",
		"NumberOfPasswordPrompts", "FingerprintHash", "XAuthLocation", "ForwardX11Timeout"} {
		add(keyword{name: n, support: inert})
	}
	add(keyword{name: "KbdInteractiveAuthentication", support: inert},
		"ChallengeResponseAuthentication", "SkeyAuthentication", "TISAuthentication")
	for _, n := range []string{"Protocol", "Cipher", "FallBackToRsh", "GlobalKnownHostsFile2",
		"RhostsAuthentication", "UserKnownHostsFile2", "UseRoaming", "UseRsh", "UsePrivilegedPort",
		"AFSTokenPassing", "KerberosAuthentication", "KerberosTGTPassing", "RSAAuthentication",
		"RhostsRSAAuthentication", "CompressionLevel"} {
		add(keyword{name: n, support: ignoredBySSH})
	}
	un := func(name, why string, noop ...string) keyword {
		return keyword{name: name, support: unhonoured, why: why, noop: noop}
	}
	for _, kw := range []keyword{
		un("ForwardAgent", whyForward, "no", "false"),
		un("ForwardX11", whyForward, "no", "false"),
		un("ForwardX11Trusted", whyForward, "no", "false", "yes", "true"),
		un("LocalForward", whyForward),
		un("RemoteForward", whyForward),
		un("DynamicForward", whyForward),
		un("GatewayPorts", whyForward, "no", "false"),
		un("ExitOnForwardFailure", whyForward, "no", "false", "yes", "true"),
		un("ClearAllForwardings", whyForward, "no", "false", "yes", "true"),
		un("PermitRemoteOpen", whyForward),
		un("Tunnel", whyForward, "no", "false"),
		un("TunnelDevice", whyForward),
		un("StreamLocalBindMask", whyForward),
		un("StreamLocalBindUnlink", whyForward, "no", "false"),
		un("PermitLocalCommand", "fleetcheck runs no local command", "no", "false"),
		un("LocalCommand", "fleetcheck runs no local command", "none"),
		un("RemoteCommand", "fleetcheck runs only its probes", "none"),
		un("SendEnv", "the probes set their own environment (LC_ALL=C)"),
		un("SetEnv", "the probes set their own environment (LC_ALL=C)"),
		un("ControlMaster", whyOwnConn, "no", "false"),
		un("ControlPath", whyOwnConn, "none"),
		un("ControlPersist", whyOwnConn, "no", "false"),
		un("Compression", "the native transport does not compress", "no", "false"),
		un("TCPKeepAlive", "the native transport always uses TCP keepalives", "yes", "true"),
		un("BindAddress", whyNoOpenSSH),
		un("BindInterface", whyNoOpenSSH),
		un("AddressFamily", whyNoOpenSSH, "any"),
		un("ConnectionAttempts", "the native transport connects once", "1"),
		un("CheckHostIP", "host keys are checked by host name only", "no", "false"),
		un("VerifyHostKeyDNS", "host keys are checked against known_hosts only", "no", "false"),
		un("NoHostAuthenticationForLocalhost", "host keys are always checked", "no", "false"),
		un("UpdateHostKeys", "fleetcheck never rewrites known_hosts", "no", "false"),
		un("HashKnownHosts", "keys accepted with --accept-new are always hashed", "yes", "true"),
		un("RevokedHostKeys", whyNoOpenSSH, "none"),
		{name: "KnownHostsCommand", support: viaOpenSSH, why: whyNoOpenSSH, noop: []string{"none"}},
		un("RekeyLimit", "the native transport rekeys at its own limits"),
		un("IPQoS", "the native transport leaves IP QoS to the system"),
		un("PubkeyAuthentication", "fleetcheck authenticates with keys only", "yes", "true"),
		un("PreferredAuthentications", "fleetcheck authenticates with keys only", "publickey"),
		un("PubkeyAcceptedAlgorithms", whyNoOpenSSH),
		un("CASignatureAlgorithms", whyNoOpenSSH),
		un("HostbasedAuthentication", "fleetcheck authenticates with keys only", "no", "false"),
		un("HostbasedAcceptedAlgorithms", "fleetcheck authenticates with keys only"),
		un("EnableSSHKeysign", "fleetcheck authenticates with keys only", "no", "false"),
		un("GSSAPIAuthentication", whyNoOpenSSH, "no", "false"),
		un("GSSAPIDelegateCredentials", whyNoOpenSSH, "no", "false"),
		un("GSSAPIKeyExchange", whyNoOpenSSH, "no", "false"),
		un("GSSAPITrustDNS", whyNoOpenSSH, "no", "false"),
		un("GSSAPIClientIdentity", whyNoOpenSSH),
		un("GSSAPIServerIdentity", whyNoOpenSSH),
		un("GSSAPIRenewalForcesRekey", whyNoOpenSSH, "no", "false"),
		un("GSSAPIKexAlgorithms", whyNoOpenSSH),
		{name: "PKCS11Provider", support: viaOpenSSH, why: whyNoOpenSSH, noop: []string{"none"}},
		un("SecurityKeyProvider", whyNoOpenSSH, "internal"),
		un("AddKeysToAgent", "fleetcheck never adds keys to an agent", "no", "false"),
		{name: "ProxyUseFdpass", support: viaOpenSSH, why: whyNoOpenSSH, noop: []string{"no", "false"}},
		un("RequiredRSASize", "the native transport accepts RSA keys of 1024 bits and more"),
	} {
		switch kw.name {
		case "PKCS11Provider":
			add(kw, "SmartcardDevice")
		case "PubkeyAcceptedAlgorithms":
			add(kw, "PubkeyAcceptedKeyTypes")
		case "HostbasedAcceptedAlgorithms":
			add(kw, "HostbasedKeyTypes")
		case "PubkeyAuthentication":
			add(kw, "DSAAuthentication")
		case "TCPKeepAlive":
			add(kw, "KeepAlive")
		default:
			add(kw)
		}
	}
	return k
}()

// lower lower-cases ASCII letters, as ssh's lowercase() does.
func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// KeywordSupport is how fleetcheck treats one ssh_config keyword.
type KeywordSupport struct {
	// Name is the keyword as ssh_config(5) spells it.
	Name string
	// Support is "honoured" (the native transport does what ssh does),
	// "openssh" (only the system ssh can: the host goes through it),
	// "warned" (not done; a line that applies to a host is warned about),
	// "inert" (it only concerns an interactive session or ssh's log) or
	// "ignored" (OpenSSH itself ignores it).
	Support string
	// Why completes the warning of a "warned" keyword.
	Why string
}

// Keywords lists every keyword of OpenSSH's ssh_config and how fleetcheck
// treats it, by name (aliases left out).
func Keywords() []KeywordSupport {
	names := map[support]string{honoured: "honoured", viaOpenSSH: "openssh", unhonoured: "warned",
		inert: "inert", ignoredBySSH: "ignored"}
	seen := map[string]bool{}
	var out []KeywordSupport
	for _, k := range keywords {
		if seen[k.name] {
			continue
		}
		seen[k.name] = true
		s := names[k.support]
		if k.name == "ProxyCommand" {
			s = "openssh"
		}
		out = append(out, KeywordSupport{Name: k.name, Support: s, Why: k.why})
	}
	slices.SortFunc(out, func(a, b KeywordSupport) int { return strings.Compare(lower(a.Name), lower(b.Name)) })
	return out
}
