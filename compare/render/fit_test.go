package render

import (
	"strings"
	"testing"
)

func TestFitCell(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"1.30", 10, "1.30"},
		{"/usr/local/share/perl/5.36.0/Archive/Zip.pm", 28, "/usr/local/share/…/Zip.pm"},
		{"/usr/lib64/perl5/site_perl/5.8.8/x86_64-linux-thread-multi/Net/DNS.pm", 40, "/usr/lib64/perl5/site_perl/…/Net/DNS.pm"},
		{"/usr/lib64/perl5/vendor_perl/5.8.8/x86_64-linux-thread-multi/Net/DNS.pm", 40, "/usr/lib64/perl5/vendor_perl/…/DNS.pm"},
		{"/usr/local/share/perl/5.36.0/Archive/Zip.pm", 20, "/usr/local/…/Zip.pm"},
		{"/usr/local/share/perl/5.36.0/Archive/Zip.pm", 16, "/usr/local/…p.pm"},
		{"/usr/share/perl5/Archive/Zip.pm", 14, "/usr/…/Zip.pm"},
		{"rpm:perl-Archive-Zip (MailScanner build)", 20, "rpm:perl-Ar…r build)"},
		{"short", 3, "short"},
	}
	for _, tt := range tests {
		got := fitCell(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("fitCell(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if displayWidth(got) > tt.n && tt.n >= 5 {
			t.Errorf("fitCell(%q, %d) = %q is %d runes", tt.in, tt.n, got, displayWidth(got))
		}
	}
}

func TestFitFact(t *testing.T) {
	if got := fitFact("mailscanner_version.module.Sys::Hostname::Long", 40); displayWidth(got) != 40 || !strings.HasSuffix(got, "Sys::Hostname::Long") {
		t.Errorf("fitFact kept %q: the module should survive", got)
	}
	if got := fitFact("mailscanner_lint.errors[LibClamAV Error: Can't create temporary directory for scan: /tmp/tmp.qI2VUXQ0OJ/20261130_202420-scantemp.de1a21b962.]", 40); !strings.HasPrefix(got, "mailscanner_lint.errors[LibC") || displayWidth(got) != 40 {
		t.Errorf("fitFact(lint key) = %q", got)
	}
}

func TestWaterLevel(t *testing.T) {
	tests := []struct {
		nat         []int
		avail, minW int
		want        int
		ok          bool
	}{
		{[]int{5, 10, 40}, 100, 14, 40, true}, // all fit as they are
		{[]int{5, 40, 40}, 60, 14, 23, true},  // 8 + 26 + 26 = 60
		{[]int{40, 40, 40, 40}, 60, 14, 14, false},
		{[]int{3, 3}, 12, 14, 14, true},
	}
	for _, tt := range tests {
		got, ok := waterLevel(tt.nat, 3, tt.avail, tt.minW)
		if got != tt.want || ok != tt.ok {
			t.Errorf("waterLevel(%v, 3, %d, %d) = %d, %v; want %d, %v", tt.nat, tt.avail, tt.minW, got, ok, tt.want, tt.ok)
		}
	}
}
