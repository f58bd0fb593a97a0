package ticket

import "testing"

func TestFold(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"mail1"}, "mail1"},
		{[]string{"mail01", "mail02", "mail03", "mail04", "mail05", "mail06", "mail07", "mail09"}, "mail[01-07,09]"},
		{[]string{"mail9", "mail10", "mail11", "web", "db"}, "db,mail[9-11],web"},
		{[]string{"mail01", "mail10", "mail1"}, "mail[01,10],mail1"},
		{[]string{"host-3", "host-1", "host-2", "host-1"}, "host-[1-3]"},
		{[]string{"r1n1.example.com", "r1n2.example.com", "r2n1.example.com"}, "r1n[1-2].example.com,r2n1.example.com"},
		{[]string{"a", "b"}, "a,b"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
