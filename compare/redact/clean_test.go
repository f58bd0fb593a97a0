package redact

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Config: Max Children = 5", "Config: Max Children = 5"},
		{"csi", "\x1b[31mred\x1b[0m text", "red text"},
		{"osc bel", "\x1b]0;owned\x07title", "title"},
		{"osc st", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"two byte", "a\x1bcb", "ab"},
		{"invalid utf8", "ok\xff\xfeend", "ok\uFFFDend"},
		{"controls", "a\x00b\rc\x7fd\u0085e\tf\ng", "abcde\tf\ng"},
		{"8-bit csi", "x\u009b31my", "x31my"},
		{"bidi", "abc\u202edef\u2066", "abcdef"},
		{"password", "db password = hunter2 ok", "db password = [masked] ok"},
		{"token colon", "API_KEY: abc123", "API_KEY: [masked]"},
		{"compound", "sql_passwd=s3cret", "sql_passwd=[masked]"},
		{"not a secret", "tokens are fine; Tokenizer: on", "tokens are fine; Tokenizer: on"},
		{"truncated escape", "end\x1b[", "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
