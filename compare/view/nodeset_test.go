package view

import "testing"

func TestFold(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"mail01"}, "mail01"},
		{[]string{"mail03", "mail01", "mail02", "mail04", "mail05", "mail06", "mail07", "mail09"}, "mail[01-07,09]"},
		{[]string{"mail9", "mail10", "mail11"}, "mail[9-11]"},
		{[]string{"mx1", "gw", "mx3", "mx2"}, "gw,mx[1-3]"},
		{[]string{"a-1", "a-3", "b-2"}, "a-[1,3],b-2"},
		{[]string{"mail001", "mail002", "mail010"}, "mail[001-002,010]"},
		{[]string{"mail01", "mail01"}, "mail01"},
		{[]string{"mail01", "mail1", "mail02"}, "mail[01-02],mail1"},
		{[]string{"mail08", "mail09", "mail10"}, "mail[08-10]"},
		{[]string{"mail9", "mail10", "mail11", "web", "db"}, "db,mail[9-11],web"},
		{[]string{"mail01", "mail10", "mail1"}, "mail[01,10],mail1"},
		{[]string{"host-3", "host-1", "host-2", "host-1"}, "host-[1-3]"},
		{[]string{"r1n1.example.com", "r1n2.example.com", "r2n1.example.com"}, "r1n[1-2].example.com,r2n1.example.com"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
