package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestTableStripsTerminalEscapes(t *testing.T) {
	r := &compare.Report{
		Baseline: compare.BaselineInfo{Kind: compare.BaselineHost, Host: "a"},
		Hosts: []compare.HostReport{{Host: "b", Status: fleet.HostOK, Causes: []compare.Cause{{
			Rule: "custom-probe", Severity: compare.Warning, Summary: "x\x1b[2J",
			Evidence: []string{"+ \x1b]0;owned\x07line"}, Fix: "f\x9b31m",
		}}, Findings: []compare.Finding{{Fact: "custom.x", Kind: compare.Changed, Baseline: "a", Value: "\x1b[31mred"}}}},
	}
	var out bytes.Buffer
	if err := Table(&out, r, TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "\x1b[2J") || strings.Contains(s, "\x1b]0") || strings.Contains(s, "\x9b") || strings.Contains(s, "\x1b[31mred") {
		t.Errorf("terminal escapes from host text reached the output: %q", s)
	}
	if !strings.Contains(s, "\x1b[33m[WARNING]") {
		t.Errorf("our own colour was stripped: %q", s)
	}
}
