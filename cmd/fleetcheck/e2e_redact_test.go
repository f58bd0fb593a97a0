package main

import (
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// TestE2ERedactionProperties checks the redaction properties (see
// checkRedaction) on a real lab run: hosts named like rules and programs
// (hang, rpm), unreachable hosts whose errors hold their addresses, host
// keys, against the good host and against the majority.
func TestE2ERedactionProperties(t *testing.T) {
	l, bin := needLab(t)
	store := t.TempDir()
	if code, out, stderr := fleetcheck(t, bin, "collect", "-i", l.Inventory, "--store", store); code != exitUnassessed {
		t.Fatalf("collect exit %d\n%s\n%s", code, out, stderr)
	}
	snaps, inv := latestRunWith(t, store, l.Inventory)
	checkRedaction(t, snaps, inv, compare.Baseline{Host: lab.ProfileGood})
	checkRedaction(t, snaps, inv, compare.Baseline{})
}
