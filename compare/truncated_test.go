package compare

import (
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestTruncatedIsNotOK: a probe whose output hit the cap is reported (an
// unknown finding and a probe-failed cause), a fact the cap may have
// dropped is never called missing, and the report does not exit 0.
func TestTruncatedIsNotOK(t *testing.T) {
	for _, side := range []string{"host", "baseline", "both"} {
		base, host := goodHost("mail1", 1), goodHost("mail2", 2)
		for _, s := range map[string][]*fleet.Snapshot{"host": {host}, "baseline": {base}, "both": {base, host}}[side] {
			s.Probes[fleet.ProbePerlModules] = fleet.ProbeResult{Status: fleet.ProbeTruncated, Error: "output capped"}
			s.Status = fleet.HostPartial
		}
		// The cap dropped one module on the host's side.
		host.Facts.PerlModules.Modules = host.Facts.PerlModules.Modules[1:]
		rep, err := Compare([]*fleet.Snapshot{base, host}, Baseline{Host: "mail1"}, Options{Now: scenarioTime})
		if err != nil {
			t.Fatal(err)
		}
		h := &rep.Hosts[1]
		f, ok := h.Finding(fleet.ProbePerlModules)
		if !ok || f.Kind != Unknown {
			t.Errorf("%s truncated: no unknown finding for perl_modules: %+v", side, h.Findings)
		}
		for _, f := range h.Findings {
			if f.Probe == fleet.ProbePerlModules && f.Kind == Missing && side != "baseline" {
				t.Errorf("%s truncated: %s reported missing, but the cap may have dropped it", side, f.Fact)
			}
		}
		if len(causesOf(h, "probe-failed")) == 0 || len(h.Unexplained) != 0 {
			t.Errorf("%s truncated: causes %v, unexplained %v; want probe-failed to explain it", side, rulesOf(h), h.Unexplained)
		}
		if rep.ExitCode() == ExitOK {
			t.Errorf("%s truncated: exit code 0", side)
		}
	}
}
