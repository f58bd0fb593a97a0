package remote

import (
	"regexp"
	"strings"
	"unicode"
)

// escapeSeq matches ANSI CSI and OSC sequences and two-byte escapes.
var escapeSeq = regexp.MustCompile(`\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// cleanText makes host output safe to show in a terminal or a report:
// escape sequences are removed, invalid UTF-8 is replaced, and control
// characters other than newline and tab are dropped.
func cleanText(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = escapeSeq.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
