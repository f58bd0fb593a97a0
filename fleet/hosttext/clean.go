package hosttext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Control characters that start, end or cancel escape sequences.
const (
	bel = 0x07 // ends an OSC string
	can = 0x18 // cancels a sequence
	sub = 0x1a // cancels a sequence
	esc = 0x1b // starts a sequence, and ends a string sequence
)

// Clean returns s without terminal escape sequences, control characters
// other than tab and newline, and invisible formatting characters, with each
// run of invalid UTF-8 replaced by U+FFFD (see the package documentation).
// Text that needs no change is returned as it is, without a copy.
func Clean(s string) string {
	i := firstUnsafe(s)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c == esc {
			i = skipEscape(s, i)
			continue
		}
		if c < utf8.RuneSelf {
			if keepASCII(c) {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
			i = skipInvalid(s, i)
			continue
		}
		if keepRune(r) {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe returns the index of the first byte of s that Clean must
// change or remove, or len(s) if there is none.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == esc || !keepASCII(c) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !keepRune(r) {
			return i
		}
		i += size
	}
	return len(s)
}

// keepASCII reports whether the ASCII byte c, other than ESC, stays: the
// printable characters, tab and newline.
func keepASCII(c byte) bool {
	return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t'
}

// keepRune reports whether the non-ASCII rune r stays: not a C1 control,
// a format character (bidirectional controls, zero-width characters, tags)
// or a line or paragraph separator.
func keepRune(r rune) bool {
	switch {
	case r <= 0x9f:
		return false
	case r < 0x600: // the soft hyphen is the only format character below
		return r != '\u00ad'
	case r == '\u2028' || r == '\u2029':
		return false
	}
	return !unicode.Is(unicode.Cf, r)
}

// skipInvalid returns the index just after the run of invalid UTF-8 that
// starts at s[i].
func skipInvalid(s string, i int) int {
	for i < len(s) && s[i] >= utf8.RuneSelf {
		if r, size := utf8.DecodeRuneInString(s[i:]); r != utf8.RuneError || size != 1 {
			break
		}
		i++
	}
	return i
}

// skipEscape returns the index just after the escape sequence that starts
// with the ESC at s[i]. A sequence cut short by the end of s runs to the
// end; one broken by a byte that cannot belong to it ends before that byte.
func skipEscape(s string, i int) int {
	i++ // ESC
	if i == len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[': // CSI: parameter and intermediate bytes, then a final byte
		return skipToFinal(s, i+1, 0x40)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		// OSC, DCS, SOS, PM, APC: a string up to ST (ESC \), or BEL for OSC
		osc := c == ']'
		for i++; i < len(s); i++ {
			switch s[i] {
			case bel:
				if osc {
					return i + 1
				}
			case can, sub:
				return i
			case esc:
				if i+1 < len(s) && s[i+1] == '\\' {
					return i + 2
				}
				return i
			}
		}
		return i
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then a final byte
		return skipToFinal(s, i+1, 0x30)
	case c >= 0x30 && c <= 0x7e: // two-byte sequence
		return i + 1
	}
	return i // ESC before a control, DEL or non-ASCII: removed alone
}

// skipToFinal returns the index just after the final byte (first to 0x7e)
// of the sequence whose next byte is s[i], passing the bytes from 0x20 to
// below first; at any other byte the sequence is broken and ends before it.
func skipToFinal(s string, i int, first byte) int {
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= first && c <= 0x7e:
			return i + 1
		case c < 0x20 || c > 0x7e:
			return i
		}
	}
	return i
}
