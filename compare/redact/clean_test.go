package redact

import "testing"

func TestClean(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Config: Max Children = 5", "Config: Max Children = 5"},
		{"host text cleaned", "\x1b[31mred\x1b[0m\r\n\xff\u202e", "red\n\uFFFD"},
		{"secret behind an escape", "pass\x1b[0mword=hunter2", "password=[masked]"},
		{"secret behind a zero-width space", "pass\u200bword=hunter2", "password=[masked]"},
		{"password", "db password = hunter2 ok", "db password = [masked] ok"},
		{"token colon", "API_KEY: abc123", "API_KEY: [masked]"},
		{"compound", "sql_passwd=s3cret", "sql_passwd=[masked]"},
		{"not a secret", "tokens are fine; Tokenizer: on", "tokens are fine; Tokenizer: on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
