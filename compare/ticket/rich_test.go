package ticket

import "testing"

func TestMdRich(t *testing.T) {
	tests := []struct{ in, want string }{
		{"run `MailScanner --lint` now", "run `MailScanner --lint` now"},
		{"`ps | head` first", "`ps | head` first"},
		{"odd ` count", "odd \\` count"},
		{"empty `` pair `x`", "empty \\`\\` pair \\`x\\`"},
		{"`<script>` stays text", "\\`&lt;script>\\` stays text"},
		{"# heading and `cmd`", "\\# heading and `cmd`"},
		{"two\nlines", "two ⏎ lines"},
	}
	for _, tt := range tests {
		if got := mdRich(tt.in); got != tt.want {
			t.Errorf("mdRich(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMdText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"perl_modules.Mail::ClamAV.loads", "perl_modules.Mail::ClamAV.loads"},
		{"_i_ *b* ~s~", "\\_i\\_ \\*b\\* \\~s\\~"},
		{"[x](javascript:alert(1))", "[x\\](javascript:alert(1))"},
		{"mail[01-07,09]", "mail[01-07,09]"},
		{"a | b", "a \\| b"},
		{"<b>&amp; & &#60;", "&lt;b>&amp;amp; & &amp;#60;"},
		{"1. item", "1\\. item"},
		{"> quote", "\\> quote"},
		{"- dash", "\\- dash"},
		{"line\n", "line"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
