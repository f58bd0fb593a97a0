package ticket

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fleetcheck/fleetcheck/compare/redact"
)

// FuzzMarkdownCell checks what any host text becomes in a table cell: one
// line, valid UTF-8, no raw "<", and no pipe that would end the cell.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{payload, "a|b", "\\|", "x\\", "<script>", "`|`", "line\nline", "&#60;", "\x1b]0;t\x07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := mdCell(redact.Clean(s), mdCellMax)
		if strings.ContainsAny(got, "<\n\r\x1b") {
			t.Errorf("mdCell(%q) = %q: holds <, a line break or ESC", s, got)
		}
		if !utf8.ValidString(got) {
			t.Errorf("mdCell(%q) = %q: invalid UTF-8", s, got)
		}
		if n := cells("|" + got + "|"); n != 1 {
			t.Errorf("mdCell(%q) = %q: splits into %d cells", s, got, n)
		}
	})
}
