package hosttext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Config: Max Children = 5", "Config: Max Children = 5"},
		{"tab, newline and blanks kept", " tab\tkept  \nnext ", " tab\tkept  \nnext "},
		{"unicode kept", "ünïcödé ✓ 日本 \u00a0nbsp", "ünïcödé ✓ 日本 \u00a0nbsp"},
		{"csi", "\x1b[1;31mred\x1b[0m text", "red text"},
		{"csi private", "\x1b[?25l\x1b[?2004hx", "x"},
		{"csi intermediate", "a\x1b[2 qb", "ab"},
		{"csi broken by newline", "\x1b[31\nnext", "\nnext"},
		{"csi broken by esc", "\x1b[31\x1b[0mx", "x"},
		{"csi cut short", "end\x1b[", "end"},
		{"csi params cut short", "end\x1b[1;3", "end"},
		{"osc bel", "\x1b]0;owned\x07title", "title"},
		{"osc st", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"osc swallows newline and bad bytes", "\x1b]0;a\nb\xff\x07c", "c"},
		{"osc broken by esc", "\x1b]0;title\x1b[1mbold", "bold"},
		{"osc cut short", "a\x1b]0;never ends", "a"},
		{"osc cancelled", "\x1b]0;title\x18shown\x1b]0;t\x1ashown", "shownshown"},
		{"bel ends only osc", "\x1bPq\x07hidden\x1b\\x\x1b_a\x07b\x1b\\y", "xy"},
		{"dcs", "\x1bPq#0;2;0;0;0\x1b\\after", "after"},
		{"apc pm sos", "\x1b_apc\x1b\\1\x1b^pm\x1b\\2\x1bXsos\x1b\\3", "123"},
		{"two byte", "a\x1bcb\x1b7c\x1b=d", "abcd"},
		{"charset", "\x1b(Bcharset\x1b)0", "charset"},
		{"intermediates", "\x1b#8x\x1b%Gy\x1b (Bz", "xyz"},
		{"intermediate broken", "\x1b(\nx", "\nx"},
		{"esc alone", "\x1b", ""},
		{"esc before esc", "\x1b\x1b[0mx", "x"},
		{"esc before control", "a\x1b\nb", "a\nb"},
		{"esc before non-ascii", "\x1bé", "é"},
		{"esc before del", "\x1b\x7fx", "x"},
		{"c0 controls", "bell\x07 and\rcr\x00nul\x08bs\x0cff\x0bvt", "bell andcrnulbsffvt"},
		{"crlf", "a\r\nb\r\n", "a\nb\n"},
		{"del", "del\x7f", "del"},
		{"c1", "c1 \u009b31m csi\u0085nel\u0080", "c1 31m csinel"},
		{"invalid byte", "ok\xffend", "ok\uFFFDend"},
		{"invalid run", "a\xff\xfe\xfdb", "a\uFFFDb"},
		{"invalid runs split by escape", "\xff\x1b[m\xff", "\uFFFD\uFFFD"},
		{"raw 8-bit csi", "\x9b31mx", "\uFFFD31mx"},
		{"truncated rune", "ab\xc3", "ab\uFFFD"},
		{"overlong", "\xc0\xaf", "\uFFFD"},
		{"surrogate", "x\xed\xa0\x80y", "x\uFFFDy"},
		{"replacement char kept", "\uFFFD", "\uFFFD"},
		{"bidi override and isolate", "abc\u202edef\u2066g\u2069", "abcdefg"},
		{"bidi embeddings and marks", "\u202aa\u202bb\u202cc\u200ed\u200fe\u061cf", "abcdef"},
		{"zero width", "ro\u200bot\u200c\u200d\u2060\ufeff", "root"},
		{"soft hyphen", "pass\u00adwd", "passwd"},
		{"tags", "ok\U000E0001\U000E0041\U000E007F", "ok"},
		{"line separators", "a\u2028b\u2029c", "abc"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestKeepRune checks, for every non-ASCII rune, that Clean keeps it
// exactly when it is not forbidden.
func TestKeepRune(t *testing.T) {
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if keepRune(r) == forbidden(r) {
			t.Errorf("keepRune(%U) = %v", r, keepRune(r))
		}
	}
}

// TestCleanNoCopy checks text that needs no change is returned without a copy.
func TestCleanNoCopy(t *testing.T) {
	for _, s := range []string{"plain ascii\twith tab\n", "ünïcödé ✓ 日本"} {
		if n := testing.AllocsPerRun(100, func() { _ = Clean(s) }); n != 0 {
			t.Errorf("Clean(%q) allocates %v times, want 0", s, n)
		}
	}
}

// printable reports whether every rune of s is valid and a graphic
// character (letter, mark, number, punctuation, symbol, space), tab or
// newline: text Clean must keep byte for byte.
func printable(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return false
		}
		if !unicode.IsGraphic(r) && r != '\n' && r != '\t' {
			return false
		}
	}
	return true
}

// forbidden reports whether Clean must never return r: a control character
// other than tab and newline (C0, DEL, C1, ESC among them), a format
// character, or a line or paragraph separator.
func forbidden(r rune) bool {
	if unicode.IsControl(r) {
		return r != '\n' && r != '\t'
	}
	return unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// model is Clean for text without ESC, built from the standard library: runs
// of invalid UTF-8 replaced by U+FFFD, then forbidden runes dropped.
func model(s string) string {
	return strings.Map(func(r rune) rune {
		if forbidden(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// FuzzClean checks the properties every consumer relies on: the output is
// valid UTF-8 without forbidden characters; cleaning twice changes nothing;
// printable text passes byte for byte, also in front of any text; a
// complete escape sequence is removed whole and nothing around it; and
// text without ESC is cleaned as the standard library's model says.
func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"\x1b[31mred\x1b[0m", "\x1b]0;t\x07x", "\x1b]8;;u\x1b\\l", "\x1bPq\x1b\\", "\x1b(B", "\x1b",
		"\xff\xfe", "a\r\nb", "a\u202eb\u2066", "\u200b\ufeff\u00ad", "\u0085\u009b", "\x9b", "ünï ✓\t\n",
	} {
		f.Add(s, "1;2")
	}
	f.Fuzz(func(t *testing.T, s, param string) {
		got := Clean(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if forbidden(r) {
				t.Fatalf("Clean(%q) = %q: holds %U", s, got, r)
			}
		}
		if again := Clean(got); again != got {
			t.Fatalf("Clean is not idempotent: %q, then %q, then %q", s, got, again)
		}
		if printable(s) && got != s {
			t.Fatalf("Clean(%q) = %q: printable text changed", s, got)
		}
		if !strings.Contains(s, "\x1b") {
			if want := model(s); got != want {
				t.Fatalf("Clean(%q) = %q, model says %q", s, got, want)
			}
		}
		p := keepOnly(param, func(r rune) bool { return unicode.IsGraphic(r) || r == '\n' || r == '\t' })
		if g := Clean(p + s); g != p+got {
			t.Fatalf("Clean(%q + %q) = %q, want the printable prefix and then %q", p, s, g, got)
		}
		csi := "\x1b[" + keepOnly(param, func(r rune) bool { return r >= 0x20 && r <= 0x3f }) + "m"
		payload := strings.NewReplacer("\x18", "", "\x1a", "", "\x1b", "").Replace(param)
		osc := "\x1b]" + strings.ReplaceAll(payload, "\x07", "") + "\x07"
		dcs := "\x1bP" + payload + "\x1b\\"
		for _, seq := range []string{csi, osc, dcs} {
			if g := Clean(p + seq + s); g != p+got {
				t.Fatalf("Clean(%q) = %q, want %q", p+seq+s, g, p+got)
			}
		}
	})
}

// keepOnly returns the runes of s for which keep is true.
func keepOnly(s string, keep func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if keep(r) {
			return r
		}
		return -1
	}, s)
}

// BenchmarkClean measures Clean on a line of probe output: plain ASCII (no
// copy), Unicode, and text with escape sequences and controls.
func BenchmarkClean(b *testing.B) {
	for _, bc := range []struct{ name, s string }{
		{"ascii", strings.Repeat("perl-Net-DNS-1.21-1.el8.noarch\tinstalled\n", 25)},
		{"unicode", strings.Repeat("ünïcödé ✓ 日本 perl-Net-DNS\n", 40)},
		{"escapes", strings.Repeat("\x1b[1;31mred\x1b[0m \r\n\xff bad \u202e bidi\n", 40)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.s)))
			b.ReportAllocs()
			for b.Loop() {
				_ = Clean(bc.s)
			}
		})
	}
}
