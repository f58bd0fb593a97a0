package compare

import "testing"

func TestPerlVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.16", "1.30", -1},
		{"1.30", "1.16", 1},
		{"1.30", "1.3", 0},
		{"3.002004", "3.2.4", 0},
		{"3.003001", "3.3.1", 0},
		{"3.003001", "3.002004", 1},
		{"v2.009", "2.009", 0},
		{"v2.009", "2.9.0", 0},
		{"v2.009", "2.10", -1},
		{"2.121_08", "2.121", 1},
		{"2.121_08", "2.12108", 0},
		{"2.121_08", "2.122", -1},
		{"0.002.2", "0.002.10", -1},
		{"1.2301", "1.23", 1},
		{"5.427", "5.412", 1},
		{"1.9707", "1.97", 1},
		{"missing", "1.0", -1},
		{"", "0.01", -1},
		{"missing", "missing", 0},
		{"1.0", "1.000", 0},
	}
	for _, tt := range tests {
		if got := PerlVersionCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("PerlVersionCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNormalisePerlVersion(t *testing.T) {
	tests := map[string]string{
		"3.002004": "3.2.4",
		"1.16":     "1.160",
		"v2.009":   "2.9",
		"2.121_08": "2.121.80",
		"missing":  "missing",
		"5":        "5.0",
	}
	for in, want := range tests {
		if got := NormalisePerlVersion(in); got != want {
			t.Errorf("NormalisePerlVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRPMVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		// Cases from rpm's tests/rpmvercmp.at.
		{"1.0", "1.0", 0},
		{"1.0", "2.0", -1},
		{"2.0.1", "2.0", 1},
		{"2.0.1a", "2.0.1", 1},
		{"5.5p1", "5.5p2", -1},
		{"5.5p10", "5.5p1", 1},
		{"10xyz", "10.1xyz", -1},
		{"xyz10", "xyz10.1", -1},
		{"xyz.4", "8", -1},
		{"5.5p1", "5.5.p1", 0},
		{"1.0aa", "1.0a", 1},
		{"10.0001", "10.1", 0},
		{"10.0001", "10.0039", -1},
		{"4.999.9", "5.0", -1},
		{"20101121", "20101122", -1},
		{"2_0", "2_0", 0},
		{"2.0", "2_0", 0},
		{"a", "1", -1},
		{"1.0~rc1", "1.0", -1},
		{"1.0~rc1", "1.0~rc2", -1},
		{"1.0~rc1~git123", "1.0~rc1", -1},
		{"1.0^", "1.0", 1},
		{"1.0^git1", "1.0", 1},
		{"1.0^git1", "1.01", -1},
		{"1.0^git1~pre", "1.0^git1", -1},
		// EVR.
		{"1:1.0-1", "2.0-1", 1},
		{"0:1.30-1", "1.30-1", 0},
		{"1.16-1.2.1", "1.30-1", -1},
		{"1.30-1", "1.30-2", -1},
		{"1.30", "1.30-7.el5", 0},
		{"0.65-2", "0.65-1.el5", 1},
	}
	for _, tt := range tests {
		if got := RPMVersionCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("RPMVersionCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := RPMVersionCompare(tt.b, tt.a); got != -tt.want {
			t.Errorf("RPMVersionCompare(%q, %q) = %d, want %d (reversed)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestDpkgVersionCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0~rc1", "1.0", -1},
		{"1.0~~", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0", "1.0+b1", -1},
		{"1:1.0", "2.0", 1},
		{"1.68-1", "1.68-1+deb12u1", -1},
		{"3.4.6-1", "3.4.6-1", 0},
		{"1.0-1", "1.0-10", -1},
		{"1.0a", "1.0-", 1},
		{"2.30-1", "2.3-1", 1},
		{"0.103.8+dfsg-0+deb12u1", "0.103.10+dfsg-0+deb12u1", -1},
		{"1.001", "1.1", 0},
	}
	for _, tt := range tests {
		if got := DpkgVersionCompare(tt.a, tt.b); got != tt.want {
			t.Errorf("DpkgVersionCompare(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := DpkgVersionCompare(tt.b, tt.a); got != -tt.want {
			t.Errorf("DpkgVersionCompare(%q, %q) = %d, want %d (reversed)", tt.b, tt.a, got, -tt.want)
		}
	}
}

// FuzzVersionCompare checks that every comparison is reflexive and
// antisymmetric on arbitrary input.
func FuzzVersionCompare(f *testing.F) {
	for _, s := range [][2]string{{"1.16", "1.30"}, {"3.002004", "3.2.4"}, {"1:1.0-1~rc1", "1.0^git"}, {"2.121_08", "v2.121.80"}, {"", "~"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for name, cmp := range map[string]func(a, b string) int{
			"perl": PerlVersionCompare, "rpm": RPMVersionCompare, "dpkg": DpkgVersionCompare,
		} {
			if c := cmp(a, a); c != 0 {
				t.Errorf("%s(%q, %q) = %d, want 0", name, a, a, c)
			}
			if x, y := cmp(a, b), cmp(b, a); x != -y {
				t.Errorf("%s: (%q, %q) = %d but reversed = %d", name, a, b, x, y)
			}
		}
	})
}
