package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestHTMLEscapesHostText(t *testing.T) {
	r := &compare.Report{
		Baseline: compare.BaselineInfo{Kind: compare.BaselineHost, Host: "a"},
		Hosts: []compare.HostReport{{Host: "b<i>", Status: fleet.HostOK, Causes: []compare.Cause{{
			Rule: "custom-probe", Severity: compare.Warning, Summary: "<b>x</b>",
			Evidence: []string{"+ <script>alert(1)</script>"}, Fix: "`a | b`",
		}}}},
	}
	var out bytes.Buffer
	if err := HTML(&out, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script>", "<b>x", "b<i>"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("HTML output contains unescaped %q", bad)
		}
	}
}
