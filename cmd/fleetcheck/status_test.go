package main

import (
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestStatusTableTruncatedIsNotOK: collect's table does not count a
// truncated probe as ok, and names it.
func TestStatusTableTruncatedIsNotOK(t *testing.T) {
	s := &fleet.Snapshot{Host: "mail1", Status: fleet.HostPartial, Probes: map[string]fleet.ProbeResult{
		"os": {Status: fleet.ProbeOK}, "mailscanner_lint": {Status: fleet.ProbeTruncated},
		"mailscanner_config": {Status: fleet.ProbeNotApplicable}}}
	var b strings.Builder
	if err := statusTable(&b, 0, []*fleet.Snapshot{s}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2/3 ok") || !strings.Contains(b.String(), "mailscanner_lint: truncated") {
		t.Errorf("status table:\n%s\nwant 2/3 ok and the truncated probe named", b.String())
	}
}
