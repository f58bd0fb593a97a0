package probe

import (
	"strings"
	"unicode/utf8"
)

// clean makes a string from a host safe to keep and print: it removes
// terminal escape sequences (CSI, OSC, two-byte ESC sequences), control
// characters other than tab, DEL, C1 controls and invalid UTF-8, and trims
// trailing white space.
func clean(s string) string {
	if isPlain(s) {
		return strings.TrimRight(s, " \t")
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b {
			i = skipEscape(s, i)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			// invalid byte: dropped
		case r == '\t':
			b.WriteByte('\t')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			// control character: dropped
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimRight(b.String(), " \t")
}

// isPlain reports whether s is printable ASCII and tabs only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// skipEscape returns the index just after the escape sequence that starts
// at s[i] == ESC.
func skipEscape(s string, i int) int {
	i++ // ESC
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameters and intermediates, then one final byte 0x40-0x7e
		i++
		for i < len(s) {
			c := s[i]
			i++
			if c >= 0x40 && c <= 0x7e {
				break
			}
		}
		return i
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: up to BEL or ESC \
		i++
		for i < len(s) {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			i++
		}
		return i
	default: // two-byte sequence (ESC c, ESC 7, ESC ( B ...)
		if s[i] >= 0x20 && s[i] <= 0x2f && i+1 < len(s) { // intermediate + final
			return i + 2
		}
		return i + 1
	}
}

// splitLines splits output into lines without their line ends ("\n" or
// "\r\n"), dropping a final empty line. It keeps at most max lines when max > 0.
func splitLines(b []byte, max int) []string {
	s := string(b)
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	n := strings.Count(s, "\n") + 1
	if max > 0 && n > max {
		n = max
	}
	out := make([]string, 0, n)
	for len(out) < n {
		j := strings.IndexByte(s, '\n')
		line := s
		if j >= 0 {
			line, s = s[:j], s[j+1:]
		} else {
			s = ""
		}
		out = append(out, strings.TrimSuffix(line, "\r"))
		if j < 0 {
			break
		}
	}
	return out
}

// capString cuts s to at most max bytes on a rune boundary.
func capString(s string, max int) string {
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}
