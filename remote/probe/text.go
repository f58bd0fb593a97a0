package probe

import (
	"strings"
	"unicode/utf8"

	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

// clean makes one field of host output safe to keep: hosttext.Clean, then
// the trailing blanks a field's value does not need are trimmed.
func clean(s string) string {
	s = hosttext.Clean(s)
	n := len(s)
	for n > 0 && (s[n-1] == ' ' || s[n-1] == '\t') { // strings.TrimRight(s, " \t"), without its set
		n--
	}
	return s[:n]
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
