package render

import "testing"

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		f        func(string) string
		in, want string
	}{
		{mdText, "ps | head", `ps \| head`},
		{mdText, "mailscanner_lint.errors[x]", `mailscanner\_lint.errors\[x\]`},
		{mdText, "a\nb", "a b"},
		{mdText, "<script>", "&lt;script&gt;"},
		{mdRich, "run `ps | head` now | later", "run `ps | head` now \\| later"},
		{mdRich, "odd ` tick | here", "odd ` tick \\| here"},
		{mdCode, "plain", "`plain`"},
		{mdCode, "has `code` inside", "``has `code` inside``"},
		{mdCode, "`edge`", "`` `edge` ``"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%q -> %q, want %q", tt.in, got, tt.want)
		}
	}
}
