package main

import "testing"

func TestOneLine(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"  ssh: connect refused\nsecond line", 80, "ssh: connect refused"},
		{"\x1b]0;owned\x07\x1b[2Jsudo: a password is required\r\n", 80, "sudo: a password is required"},
		{"bidi \u202eexe.txt", 80, "bidi exe.txt"},
		{"ünïcödé long", 5, "ünïc…"},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in, tt.n); got != tt.want {
			t.Errorf("oneLine(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
