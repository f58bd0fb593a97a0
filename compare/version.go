package compare

import (
	"strconv"
	"strings"
)

// PerlVersionCompare compares two Perl module versions the way version.pm
// orders them: decimal versions are read three digits per component
// (3.002004 is v3.2.4, 1.16 is v1.160), dotted and v-strings component by
// component, and underscores of developer releases (2.121_08) are ignored.
// It returns -1, 0 or +1. Strings that are not versions at all ("missing",
// "undef", "") sort before every version and equal only themselves.
func PerlVersionCompare(a, b string) int {
	pa, oka := perlVersionParts(a)
	pb, okb := perlVersionParts(b)
	switch {
	case oka && okb:
		return compareInts(pa, pb)
	case oka:
		return 1
	case okb:
		return -1
	}
	return strings.Compare(a, b)
}

// perlVersionParts normalises a Perl version to its dotted components.
func perlVersionParts(s string) ([]int, bool) {
	s = strings.TrimSpace(s)
	s = strings.Trim(s, "'\"")
	dotted := strings.HasPrefix(s, "v")
	s = strings.TrimPrefix(s, "v")
	s = strings.ReplaceAll(s, "_", "")
	if s == "" {
		return nil, false
	}
	fields := strings.Split(s, ".")
	for _, f := range fields {
		if f == "" || strings.Trim(f, "0123456789") != "" {
			return nil, false
		}
	}
	if dotted || len(fields) > 2 {
		parts := make([]int, len(fields))
		for i, f := range fields {
			parts[i] = atoiSat(f)
		}
		return parts, true
	}
	parts := []int{atoiSat(fields[0])}
	if len(fields) == 2 {
		frac := fields[1]
		for len(frac)%3 != 0 {
			frac += "0"
		}
		for i := 0; i < len(frac); i += 3 {
			parts = append(parts, atoiSat(frac[i:i+3]))
		}
	}
	return parts, true
}

// NormalisePerlVersion returns the dotted form of a Perl version
// ("3.002004" becomes "3.2.4"), or s unchanged when it is not a version.
func NormalisePerlVersion(s string) string {
	parts, ok := perlVersionParts(s)
	if !ok {
		return s
	}
	parts = trimZeros(parts)
	if len(parts) == 1 {
		parts = append(parts, 0)
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(p))
	}
	return b.String()
}

func atoiSat(s string) int {
	s = strings.TrimLeft(s, "0")
	if len(s) > 9 {
		return 999999999
	}
	n, _ := strconv.Atoi(s)
	return n
}

func trimZeros(p []int) []int {
	for len(p) > 1 && p[len(p)-1] == 0 {
		p = p[:len(p)-1]
	}
	return p
}

func compareInts(a, b []int) int {
	a, b = trimZeros(a), trimZeros(b)
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// RPMVersionCompare compares two RPM [epoch:]version[-release] strings with
// rpm's rules: a missing epoch is 0, and version and release are compared
// with rpmvercmp. A release is compared only when both sides have one.
func RPMVersionCompare(a, b string) int {
	ea, va, ra := splitEVR(a)
	eb, vb, rb := splitEVR(b)
	if c := rpmvercmp(ea, eb); c != 0 {
		return c
	}
	if c := rpmvercmp(va, vb); c != 0 {
		return c
	}
	if ra == "" || rb == "" {
		return 0
	}
	return rpmvercmp(ra, rb)
}

func splitEVR(s string) (epoch, version, release string) {
	epoch = "0"
	if i := strings.IndexByte(s, ':'); i >= 0 {
		if e := s[:i]; e != "" {
			epoch = e
		}
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return epoch, s[:i], s[i+1:]
	}
	return epoch, s, ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// rpmvercmp is rpm's segment comparison (lib/rpmvercmp.c), including the
// tilde (sorts before everything) and caret (sorts after the base) rules.
func rpmvercmp(a, b string) int {
	if a == b {
		return 0
	}
	for len(a) > 0 || len(b) > 0 {
		for len(a) > 0 && !isAlnum(a[0]) && a[0] != '~' && a[0] != '^' {
			a = a[1:]
		}
		for len(b) > 0 && !isAlnum(b[0]) && b[0] != '~' && b[0] != '^' {
			b = b[1:]
		}
		if (len(a) > 0 && a[0] == '~') || (len(b) > 0 && b[0] == '~') {
			if len(a) == 0 || a[0] != '~' {
				return 1
			}
			if len(b) == 0 || b[0] != '~' {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if (len(a) > 0 && a[0] == '^') || (len(b) > 0 && b[0] == '^') {
			if len(a) == 0 {
				return -1
			}
			if len(b) == 0 {
				return 1
			}
			if a[0] != '^' {
				return 1
			}
			if b[0] != '^' {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if len(a) == 0 || len(b) == 0 {
			break
		}
		numeric := isDigit(a[0])
		class := isAlpha
		if numeric {
			class = isDigit
		}
		i, j := 0, 0
		for i < len(a) && class(a[i]) {
			i++
		}
		for j < len(b) && class(b[j]) {
			j++
		}
		sa, sb := a[:i], b[:j]
		if j == 0 {
			// Segments of different types: numeric is newer.
			if numeric {
				return 1
			}
			return -1
		}
		if numeric {
			sa = strings.TrimLeft(sa, "0")
			sb = strings.TrimLeft(sb, "0")
			if len(sa) != len(sb) {
				if len(sa) > len(sb) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
		a, b = a[i:], b[j:]
	}
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	}
	return 1
}

// DpkgVersionCompare compares two Debian [epoch:]upstream[-revision]
// versions as dpkg --compare-versions does: a tilde sorts before anything,
// even the end of the string, so 1.0~rc1 < 1.0.
func DpkgVersionCompare(a, b string) int {
	ea, ua, ra := splitDpkg(a)
	eb, ub, rb := splitDpkg(b)
	if ea != eb {
		if ea < eb {
			return -1
		}
		return 1
	}
	if c := verrevcmp(ua, ub); c != 0 {
		return c
	}
	return verrevcmp(ra, rb)
}

func splitDpkg(s string) (epoch int, upstream, revision string) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		epoch = atoiSat(s[:i])
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return epoch, s[:i], s[i+1:]
	}
	return epoch, s, ""
}

func dpkgOrder(c byte) int {
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	case c != 0:
		return int(c) + 256
	}
	return 0
}

// verrevcmp is dpkg's lib/dpkg/version.c comparison of one part.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	at := func(s string, k int) byte {
		if k < len(s) {
			return s[k]
		}
		return 0
	}
	for i < len(a) || j < len(b) {
		first := 0
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := dpkgOrder(at(a, i)), dpkgOrder(at(b, j))
			if ac != bc {
				if ac < bc {
					return -1
				}
				return 1
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if first == 0 {
				first = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if first != 0 {
			if first < 0 {
				return -1
			}
			return 1
		}
	}
	return 0
}
