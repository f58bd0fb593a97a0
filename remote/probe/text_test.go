package probe

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
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

// TestCleanTrimsLikeTrimRight: clean's trimming is strings.TrimRight's
// with the blanks " \t", on text built from blanks and what Clean drops.
func TestCleanTrimsLikeTrimRight(t *testing.T) {
	pieces := []string{" ", "\t", "\n", "\r", "x", "\x1b[0m", "\u202e", "\xff", "\u00a0", "\x00"}
	r := rand.New(rand.NewPCG(11, 12))
	for range 50000 {
		s := randomText(r, pieces, 8)
		if got, want := clean(s), strings.TrimRight(hosttext.Clean(s), " \t"); got != want {
			t.Fatalf("clean(%q) = %q, want %q", s, got, want)
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
