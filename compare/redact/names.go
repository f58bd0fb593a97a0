package redact

import (
	"net"
	"net/netip"
	"regexp"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Patterns that find names in free text. Candidates are checked further
// (addresses must parse, domains need a plausible top-level domain).
var (
	ipv4Pattern = regexp.MustCompile(`\b\d{1,3}(?:\.\d{1,3}){3}\b`)
	// ipv6Pattern is loose; netip.ParseAddr decides.
	ipv6Pattern        = regexp.MustCompile(`(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?(?:(?:\d{1,3}\.){3}\d{1,3})?`)
	domainPattern      = regexp.MustCompile(`(?i)^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
	homePattern        = regexp.MustCompile(`/(?:home|Users|export/home|var/home)/([A-Za-z0-9._][A-Za-z0-9._-]*)`)
	fingerprintPattern = regexp.MustCompile(`SHA256:[A-Za-z0-9+/]{43}=?`)
	userAtPattern      = regexp.MustCompile(`([A-Za-z0-9_][A-Za-z0-9._-]*)@([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])`)
)

// tlds are the top-level domains recognised in free text besides any
// two-letter country code. Names under other endings (MailScanner.conf,
// perllocal.pod) are file names.
var tlds = setOf("com", "net", "org", "edu", "gov", "mil", "info", "biz", "mobi", "aero", "coop",
	"museum", "cloud", "tech", "xyz", "arpa", "example", "test", "invalid", "local", "localdomain",
	"lan", "internal", "intranet", "corp", "private")

// factPrefixes start fact keys (perl.version, os.id, custom.who), which
// look dotted but are no names: a probe's name and a dot.
var factPrefixes = func() []string {
	var out []string
	for _, name := range append(fleet.ProbeNames(), "custom") {
		out = append(out, name+".")
	}
	return out
}()

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

// factKey reports whether s is a fact key such as mounts./tmp.noexec.
func factKey(s string) bool {
	for _, p := range factPrefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// domainLike reports whether a dotted name found in text is a host or
// domain name rather than a file name, fact key or version: it ends in a
// generic top-level domain, or in a two-letter country code after at least
// two more labels (mail.firma.pl, not ClamAV.pm or tmp.ro).
func domainLike(name string) bool {
	lower := strings.ToLower(name)
	if !domainPattern.MatchString(lower) {
		return false
	}
	if factKey(lower) {
		return false
	}
	labels := strings.Split(lower, ".")
	tld := labels[len(labels)-1]
	switch {
	case tlds[tld]:
	case len(tld) == 2 && isAlpha(tld) && len(labels) >= 3:
	default:
		return false
	}
	return !public(lower)
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
