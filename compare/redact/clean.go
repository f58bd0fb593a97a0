package redact

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Masked replaces the value of a secret assignment in free text.
const Masked = "[masked]"

// secretAssign matches "password = value" and its kin in free text, such as
// a lint line or a custom probe's output; group 3 is the value.
var secretAssign = regexp.MustCompile(`(?i)(password|passwd|passphrase|secret|apikey|api_key|token)(\s*[=:]\s*)(\S+)`)

// MaskSecrets replaces the value of every secret assignment in s by Masked,
// keeping the key so a reader knows what was there.
func MaskSecrets(s string) string {
	if !mayHoldSecret(s) || !secretAssign.MatchString(s) {
		return s
	}
	return secretAssign.ReplaceAllString(s, "${1}${2}"+Masked)
}

// secretWords are the lower-case stems secretAssign needs; checking for
// them first keeps long clean text (probe scripts) off the slow regexp.
var secretWords = []string{"pass", "secret", "apikey", "api_key", "token"}

func mayHoldSecret(s string) bool {
	if !strings.ContainsAny(s, "=:") {
		return false
	}
	lower := strings.ToLower(s)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// Clean makes text from a host safe to show anywhere: it replaces invalid
// UTF-8 with U+FFFD, removes terminal escape sequences (CSI, OSC, DCS and
// two-byte ESC sequences), control characters other than newline and tab,
// and bidirectional overrides, then masks secret assignments.
func Clean(s string) string {
	if !plain(s) {
		s = strip(strings.ToValidUTF8(s, "\uFFFD"))
	}
	return MaskSecrets(s)
}

// plain reports whether s is printable ASCII, newlines and tabs only.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 0x20 && c != '\n' && c != '\t') || c >= 0x7f {
			return false
		}
	}
	return true
}

// strip removes escape sequences and unwanted characters from valid UTF-8.
func strip(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			i = skipEscape(s, i)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == '\r':
			// CR from CRLF output or progress lines: dropped
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			// control character, including 8-bit CSI: dropped
		case bidi(r):
			// could reorder what a reader sees: dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// bidi reports whether r is a bidirectional embedding, override or isolate.
func bidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// skipEscape returns the index just after the escape sequence starting at
// s[i] == ESC.
func skipEscape(s string, i int) int {
	i++ // ESC
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[': // CSI: parameter and intermediate bytes, then a final byte
		for i++; i < len(s); i++ {
			if c := s[i]; c >= 0x40 && c <= 0x7e {
				return i + 1
			}
		}
		return i
	case ']', 'P', '_', '^', 'X': // OSC, DCS, APC, PM, SOS: up to BEL or ST
		for i++; i < len(s); i++ {
			if s[i] == 0x07 {
				return i + 1
			}
			if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		}
		return i
	case '(', ')', '*', '+', '#', '%': // charset designation: one more byte
		return min(i+2, len(s))
	}
	return i + 1 // two-byte sequence such as ESC c or ESC =
}
