package probe

import (
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestCustomReal(t *testing.T) {
	p := Custom(fleet.CustomProbe{Name: "greeting", Command: `printf 'b\033[31mred\033[0m\r\n\nlast'; echo oops >&2; exit 3`, Sudo: true})
	if p.Name != "greeting" || !p.Sudo {
		t.Fatalf("probe = %+v", p)
	}
	for _, sh := range shells {
		r := runShell(t, sh, p.Command, nil)
		var f fleet.Facts
		if err := p.Parse(r, &f); err != nil {
			t.Fatal(err)
		}
		c := f.Custom["greeting"]
		if c == nil || c.ExitCode != 3 || strings.Join(c.Lines, "|") != "bred||last" || !strings.Contains(c.Command, "printf") {
			t.Errorf("%s: custom = %+v", sh, c)
		}
	}
}

func TestCustomCapped(t *testing.T) {
	p := Custom(fleet.CustomProbe{Name: "big", Command: "true"})
	var f fleet.Facts
	if err := p.Parse(Result{Stdout: []byte(strings.Repeat("x\n", 5000))}, &f); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Custom["big"].Lines); n != maxCustomLines {
		t.Errorf("%d lines kept, want %d", n, maxCustomLines)
	}
	var g fleet.Facts
	_ = p.Parse(Result{}, &g)
	if c := g.Custom["big"]; c == nil || c.Lines == nil {
		t.Errorf("empty output: %+v, want an empty, non-nil list", c)
	}
}

func FuzzParseCustom(f *testing.F) {
	f.Add([]byte("a\nb\r\n\x1b]0;title\x07c"))
	p := Custom(fleet.CustomProbe{Name: "fz", Command: "true"})
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, p, data) })
}
