package sshconfig

import (
	"net/netip"
	"strconv"
	"strings"
)

// numericHost reports whether host is a numeric address, as ssh's
// getaddrinfo(AI_NUMERICHOST) sees it, and returns its canonical form
// (getnameinfo(NI_NUMERICHOST)): IPv4 in inet_aton's forms ("10.1",
// "0x0a.0.0.1", "010.0.0.1" in octal) becomes dotted quad, IPv6 is
// lower-cased and compressed.
func numericHost(host string) (string, bool) {
	if a, ok := parseInetAton(host); ok {
		return a.String(), true
	}
	if !strings.Contains(host, ":") {
		return "", false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return "", false
	}
	if a.Is6() && !a.Is4In6() {
		b := a.As16()
		compat := true
		for _, x := range b[:12] {
			compat = compat && x == 0
		}
		// inet_ntop writes IPv4-compatible addresses (::a.b.c.d) in
		// dotted form, but not :: and ::1 nor when more zeros follow.
		if compat && (b[12] != 0 || b[13] != 0) {
			return "::" + netip.AddrFrom4([4]byte(b[12:])).String(), true
		}
	}
	return a.String(), true
}

// parseInetAton parses an IPv4 address as inet_aton does: one to four
// parts, each decimal, octal (leading 0) or hex (0x), the last filling
// the remaining bytes.
func parseInetAton(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var vals []uint64
	for _, p := range parts {
		base := 10
		digits := p
		switch {
		case strings.HasPrefix(p, "0x") || strings.HasPrefix(p, "0X"):
			base, digits = 16, p[2:]
		case len(p) > 1 && p[0] == '0':
			base, digits = 8, p[1:]
		}
		if digits == "" {
			return netip.Addr{}, false
		}
		n, err := strconv.ParseUint(digits, base, 32)
		if err != nil {
			return netip.Addr{}, false
		}
		vals = append(vals, n)
	}
	var out uint64
	last := len(vals) - 1
	for i, v := range vals[:last] {
		if v > 0xff {
			return netip.Addr{}, false
		}
		out |= v << (24 - 8*uint(i))
	}
	if vals[last] >= 1<<(32-8*uint(last)) {
		return netip.Addr{}, false
	}
	out |= vals[last]
	return netip.AddrFrom4([4]byte{byte(out >> 24), byte(out >> 16), byte(out >> 8), byte(out)}), true
}
