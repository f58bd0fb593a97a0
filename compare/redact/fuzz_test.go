package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzClean checks Clean's output is valid UTF-8 without escapes or
// control characters other than newline and tab, and that cleaning twice
// changes nothing more.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b[31mred\x1b[0m", "\x1b]0;t\x07x", "\xff\xfe", "password = x", "a\rb\u202e", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if !utf8.ValidString(got) {
			t.Errorf("Clean(%q) = %q: invalid UTF-8", s, got)
		}
		for _, r := range got {
			if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) || bidi(r) {
				t.Errorf("Clean(%q) = %q: holds %U", s, got, r)
			}
		}
		if again := Clean(got); again != got && !strings.Contains(got, Masked) {
			t.Errorf("Clean is not idempotent: %q then %q", got, again)
		}
	})
}

// FuzzText checks redaction never panics and keeps text valid.
func FuzzText(f *testing.F) {
	for _, s := range []string{"mail1.example.com 192.0.2.11 2001:db8::1 /home/alice", "::", "1.2.3.4.5", "a@b.example", "SHA256:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := redactor("AcmeCorp")
		if got := r.Text(s); !utf8.ValidString(got) {
			t.Errorf("Text(%q) = %q: invalid UTF-8", s, got)
		}
	})
}
