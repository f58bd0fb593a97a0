package probe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"tab\tkept  ", "tab\tkept"},
		{"\x1b[1;31mred\x1b[0m", "red"},
		{"\x1b]0;evil title\x07after", "after"},
		{"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"bell\x07 and\rcr\x00nul", "bell andcrnul"},
		{"c1 \u009b31m csi", "c1 31m csi"},
		{"bad \xff\xfe utf8", "bad  utf8"},
		{"ünïcödé ✓", "ünïcödé ✓"},
		{"\x1b(Bcharset", "charset"},
		{"\x1b", ""},
		{"\x1b[", ""},
		{"del\x7f", "del"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitLines(t *testing.T) {
	if got := splitLines([]byte("a\r\nb\n\nc\n"), 0); strings.Join(got, "|") != "a|b||c" {
		t.Errorf("splitLines = %q", got)
	}
	if got := splitLines([]byte("a\nb\nc"), 2); strings.Join(got, "|") != "a|b" {
		t.Errorf("splitLines max 2 = %q", got)
	}
	if got := splitLines(nil, 0); got != nil {
		t.Errorf("splitLines(nil) = %q", got)
	}
}

func TestCapString(t *testing.T) {
	if got := capString("aé", 2); got != "a" {
		t.Errorf("capString cut a rune: %q", got)
	}
}

func FuzzClean(f *testing.F) {
	f.Add("\x1b[31mx\x1b]0;t\x07\xff")
	f.Fuzz(func(t *testing.T, s string) {
		c := clean(s)
		if !utf8.ValidString(c) || len(c) > len(s) || strings.ContainsAny(c, "\x1b\x00\r\n\x07") {
			t.Errorf("clean(%q) = %q", s, c)
		}
	})
}
