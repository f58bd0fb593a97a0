package ticket

import (
	"regexp"
	"strings"
)

// entityLike matches what a Markdown renderer would read as an HTML
// character reference.
var entityLike = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});`)

// leadingBlock matches line starts that open a block (heading, quote, list,
// setext underline, thematic break, ordered list item).
var leadingBlock = regexp.MustCompile(`^(?:[#>+=-]|\d{1,9}[.)])`)

// mdText escapes text for inline Markdown, on one line: GitHub, GitLab and
// CommonMark render it as the literal text, and it stays readable as plain
// text. Markup characters get a backslash ("_" only where it could start
// or end emphasis, "]" only where it could close a link), "<" becomes
// "&lt;" so no raw HTML can start, an entity-like "&" becomes "&amp;", and
// newlines become " ⏎ ". A leading character that would open a block
// (heading, quote, list item) is escaped too.
func mdText(s string) string {
	out := mdInline(s)
	if leadingBlock.MatchString(out) {
		k := strings.IndexAny(out, "#>+=-.)")
		out = out[:k] + "\\" + out[k:]
	}
	return out
}

// mdInline escapes text that never starts a line, such as a table cell.
// Nothing in it is left for a renderer to turn into a link (see
// unlinkable).
func mdInline(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return unlinkable(s, mdPlain)
}

// mdPlain escapes text that holds no e-mail address.
func mdPlain(s string) string {
	if s == "" {
		return ""
	}
	s = entityLike.ReplaceAllString(s, "&amp;$1;")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '|', '~':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '_':
			if i == 0 || i == len(s)-1 || !wordByte(s[i-1]) || !wordByte(s[i+1]) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case ']':
			if i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '[' || s[i+1] == ':') {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '<':
			b.WriteString("&lt;")
		case ':', '.':
			if autolinkAt(s, i) {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		case '\n':
			b.WriteString(" ⏎ ")
		case '\t':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mdCell escapes a table cell and caps its length.
func mdCell(s string, n int) string {
	return mdInline(capText(s, n))
}

// safeCode matches strings that can go in a code span as they are.
var safeCode = regexp.MustCompile(`^[A-Za-z0-9 ._:/@=,+%()'"-]+$`)

// mdCode writes s as a code span when it holds nothing a renderer could
// misread, else as escaped text.
func mdCode(s string) string {
	if s != "" && safeCode.MatchString(s) && !strings.HasPrefix(s, " ") && !strings.HasSuffix(s, " ") {
		return "`" + s + "`"
	}
	return mdText(s)
}

// mdFence returns a code fence longer than any backtick run in s.
func mdFence(s string) string {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// wordByte reports whether c is an ASCII letter or digit: an underscore
// between two of them cannot start or end emphasis.
func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
