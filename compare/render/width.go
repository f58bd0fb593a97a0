package render

import (
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// displayWidth is how many terminal columns s takes once printed: wide
// (East Asian) characters take two, combining marks none, and a control
// character one, as safe prints it as '?'. The table measures cells the
// same way, so what is fitted here is what it pads.
func displayWidth(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			w = 0
			for _, r := range s {
				w += runeWidth(r)
			}
			return w
		}
		w++
	}
	return w
}

// runeWidth is how many terminal columns r takes once printed.
func runeWidth(r rune) int {
	if r < utf8.RuneSelf || r < 0xa0 { // ASCII, and C1 controls printed as '?'
		return 1
	}
	return twwidth.Width(string(r))
}

// prefix is the longest start of s at most n columns wide.
func prefix(s string, n int) string {
	w := 0
	for i, r := range s {
		if w += runeWidth(r); w > n {
			return s[:i]
		}
	}
	return s
}

// suffix is the longest end of s at most n columns wide.
func suffix(s string, n int) string {
	w := 0
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if w += runeWidth(r); w > n {
			return s[i:]
		}
		i -= size
	}
	return s
}

// wrap breaks s into lines of at most width columns: the first starts with
// first, the others with rest (an indent). Text that fits stays as it is;
// else lines break at spaces, but not inside a `command` that fits a line
// of its own, and a word too long for a line of its own breaks after a
// comma or slash in the second half of what fits, or else where the line
// ends.
func wrap(s string, width int, first, rest string) []string {
	if displayWidth(first)+displayWidth(s) <= width {
		return []string{first + s}
	}
	var lines []string
	line, lead := first, first
	flush := func() { lines, line, lead = append(lines, line), rest, rest }
	words := units(s)
	for len(words) > 0 {
		word := words[0]
		words = words[1:]
		if displayWidth(word) > width-displayWidth(rest) && strings.Contains(word, " ") {
			words = append(strings.Fields(word), words...) // a command longer than a line
			continue
		}
		for word != "" {
			sep := " "
			if line == lead {
				sep = ""
			}
			room := width - displayWidth(line) - len(sep)
			if displayWidth(word) <= room {
				line += sep + word
				break
			}
			if line != lead && (displayWidth(word) <= width-displayWidth(rest) || room < minBreak) {
				flush()
				continue
			}
			part := breakWord(word, max(room, 1))
			line += sep + part
			word = word[len(part):]
			flush()
		}
	}
	if line != lead || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// units splits s at spaces into words, keeping each span between
// backticks (a command, with what is attached to it) as one unit.
func units(s string) []string {
	var out []string
	open := false
	for _, f := range strings.Fields(s) {
		if open {
			out[len(out)-1] += " " + f
		} else {
			out = append(out, f)
		}
		if strings.Count(f, "`")%2 == 1 {
			open = !open
		}
	}
	return out
}

// minBreak is the fewest columns a line keeps for the start of a word
// that is broken.
const minBreak = 8

// breakWord is the start of word, at most n columns, to end a line with.
func breakWord(word string, n int) string {
	part := prefix(word, n)
	if part == "" {
		_, size := utf8.DecodeRuneInString(word)
		return word[:size]
	}
	if i := strings.LastIndexAny(part, ",/"); i > 0 && 2*(i+1) >= len(part) {
		return part[:i+1]
	}
	return part
}

// Wrap breaks text, made safe for a terminal, into lines of at most width
// columns (DefaultWidth when width is 0, MinWidth at the least), at spaces
// and keeping a `command` whole where it fits a line: the first line starts
// with first, the others with rest.
func Wrap(text string, width int, first, rest string) []string {
	if width <= 0 {
		width = DefaultWidth
	}
	return wrap(safe(text), max(width, MinWidth), first, rest)
}
