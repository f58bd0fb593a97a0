package redact

import (
	"testing"
	"unicode/utf8"
)

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
