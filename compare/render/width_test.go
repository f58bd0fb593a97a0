package render

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// wrapPieces are what random prose is made of: words, long paths and host
// lists, commands between backticks, and wide characters.
var wrapPieces = []string{"fix:", "the", "baseline", "/usr/local/share/perl/5.36.0/Mail/SpamAssassin.pm", "mail[0002,0022,0042,0062,0082,0102,0122]",
	"`mount -o remount,exec /tmp`", "`mkdir", "-p", "~/x`", "メール処理の子プロセス数", "…", "a", "(3", "missing)", "x,y,z", "é"}

// TestWrapProperties checks, over random prose and widths, that every line
// fits the width, starts with its prefix, and that no character of the
// text is lost, added or moved.
func TestWrapProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	cond := &runewidth.Condition{EastAsianWidth: false}
	for range 3000 {
		var words []string
		for range 1 + rng.IntN(30) {
			words = append(words, wrapPieces[rng.IntN(len(wrapPieces))])
		}
		s := strings.Join(words, " ")
		width := 12 + rng.IntN(120)
		first, rest := []string{"", "    fix: ", "== "}[rng.IntN(3)], []string{"", "  ", "      "}[rng.IntN(3)]
		lines := wrap(s, width, first, rest)
		var text strings.Builder
		for i, l := range lines {
			prefix := rest
			if i == 0 {
				prefix = first
			}
			if !strings.HasPrefix(l, prefix) {
				t.Fatalf("wrap(%q, %d) line %d %q lacks its prefix %q", s, width, i, l, prefix)
			}
			if n := cond.StringWidth(l); n > width {
				t.Errorf("wrap(%q, %d, %q, %q) line %d is %d wide: %q", s, width, first, rest, i, n, l)
			}
			text.WriteString(strings.ReplaceAll(strings.TrimPrefix(l, prefix), " ", ""))
		}
		if want := strings.ReplaceAll(s, " ", ""); text.String() != want {
			t.Fatalf("wrap(%q, %d) = %q: the text changed", s, width, lines)
		}
	}
}

func TestWrapKeepsCommandsWhole(t *testing.T) {
	s := "fix: run `mount -o remount,exec /tmp` first, then the installer"
	got := wrap(s, 30, "", "  ")
	want := []string{"fix: run", "  `mount -o remount,exec /tmp`", "  first, then the installer"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	if got := wrap("short text", 40, "  ", "    "); len(got) != 1 || got[0] != "  short text" {
		t.Errorf("text that fits: %q", got)
	}
}

func TestFitCutsByDisplayColumns(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		fit  func(string, int) string
		want string
	}{
		{"メールサーバー-mail01", 12, fitCell, "メール…ail01"},
		{"メールサーバー-mail01", 9, fitEnd, "メールサ…"},
		{"mail[0002,0022,0042] (10)", 18, fitCount, "mail[00…0042] (10)"},
		{"abc", 3, fitEnd, "abc"},
	} {
		got := tc.fit(tc.s, tc.n)
		if got != tc.want || displayWidth(got) > tc.n {
			t.Errorf("fit(%q, %d) = %q (%d columns), want %q", tc.s, tc.n, got, displayWidth(got), tc.want)
		}
	}
}
