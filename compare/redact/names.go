package redact

import (
	"net"
	"net/netip"
	"regexp"
	"strings"
)

// Patterns that find names in free text. Candidates are checked further
// (addresses must parse, domains need a plausible top-level domain).
var (
	ipv4Pattern = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	// ipv6Pattern is loose; netip.ParseAddr decides.
	ipv6Pattern   = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?(?:(?:\d{1,3}\.){3}\d{1,3})?`)
	domainPattern = regexp.MustCompile(`(?i)\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\b`)
	homePattern   = regexp.MustCompile(`/(?:home|Users|export/home|var/home)/([A-Za-z0-9._][A-Za-z0-9._-]*)`)
	userAtPattern = regexp.MustCompile(`([A-Za-z0-9_][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])`)
)

// tlds are the top-level domains recognised in free text besides any
// two-letter country code. Names under other endings (MailScanner.conf,
// perllocal.pod) are file names.
var tlds = setOf("com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro",
	"mobi", "aero", "coop", "museum", "app", "dev", "cloud", "online", "site", "tech", "xyz",
	"email", "mail", "arpa", "example", "test", "invalid", "local", "localdomain", "lan",
	"internal", "intranet", "corp", "home", "private", "priv", "office", "domain")

// fileExts are two-letter endings that are far more often file names than
// country codes; a two-label name ending in one (ClamAV.pm) is not a domain.
var fileExts = setOf("pm", "pl", "so", "sh", "py", "rb", "gz", "xz", "bz", "cf", "db", "mo", "po",
	"ps", "js", "md", "in", "am", "ac", "la", "ko", "cc", "hh", "ui", "al", "ix", "bs", "hs", "ts", "rs", "go", "el", "py")

// publicDomains are software projects' own domains, which reveal nothing
// about the fleet and help the reader (URLs in lint output).
var publicDomains = []string{"apache.org", "spamassassin.org", "mailscanner.info", "cpan.org",
	"metacpan.org", "perl.org", "clamav.net", "debian.org", "ubuntu.com", "centos.org",
	"redhat.com", "fedoraproject.org", "sourceforge.net", "github.com", "gnu.org", "kernel.org"}

// systemUsers are accounts every gateway has; naming them reveals nothing.
var systemUsers = setOf("root", "daemon", "bin", "sys", "adm", "mail", "mailnull", "postfix",
	"postmaster", "exim", "Debian-exim", "smmsp", "sendmail", "clamav", "clamupdate", "clamscan",
	"amavis", "spamd", "nobody", "nogroup", "www-data", "apache", "ftp", "news", "uucp",
	"operator", "games", "backup", "list", "irc", "sshd", "ntp", "dbus", "systemd-network",
	"MAILER-DAEMON", "abuse", "hostmaster", "webmaster", "noreply", "no-reply")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// parseIP returns the canonical form of an address found in text.
func parseIP(s string) (string, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	return a.WithZone("").String(), true
}

// ipv6Candidate reports whether a loose IPv6 match is worth parsing: it
// holds a digit and two colons in a row or at least seven colons, so Perl
// names (Mail::SpamAssassin) and times (18:05:01) do not qualify.
func ipv6Candidate(s string) bool {
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	return strings.Contains(s, "::") || strings.Count(s, ":") == 7
}

// domainLike reports whether a dotted name found in text is a host or
// domain name rather than a file name or version.
func domainLike(name string) bool {
	labels := strings.Split(strings.ToLower(name), ".")
	if len(labels) < 2 {
		return false
	}
	tld := labels[len(labels)-1]
	switch {
	case len(tld) == 2 && isAlpha(tld):
		if fileExts[tld] && len(labels) == 2 {
			return false
		}
	case !tlds[tld]:
		return false
	}
	return !public(strings.ToLower(name))
}

// public reports whether name is or is under a public project domain.
func public(name string) bool {
	for _, d := range publicDomains {
		if name == d || strings.HasSuffix(name, "."+d) {
			return true
		}
	}
	return false
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// splitAddress returns the host part of a snapshot's Address
// ("192.0.2.11:22", "[2001:db8::1]:22", "mail1.example.com").
func splitAddress(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return strings.Trim(addr, "[]")
}

// userName reports whether s can be a login name worth hiding.
func userName(s string) bool {
	return s != "" && s != "." && s != ".." && !systemUsers[s] && len(s) <= 32
}
