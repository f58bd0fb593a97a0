package probe

import (
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"tab\tkept  \t", "tab\tkept"},
		{"\x1b[1;31mred\x1b[0m  ", "red"},
		{"bad \xff utf8\u202e ", "bad \uFFFD utf8"},
		{"  leading kept", "  leading kept"},
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
