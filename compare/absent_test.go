package compare

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

func TestMailScannerAbsent(t *testing.T) {
	none := fleettest.NoMailScannerBox
	failed := none("failed", 3)
	failed.Probes[fleet.ProbeMailScannerVersion] = fleet.ProbeResult{Status: fleet.ProbeFailed}
	for _, tc := range []struct {
		s    *fleet.Snapshot
		want bool
	}{{none("a", 1), true}, {goodHost("b", 2), false}, {failed, false}, {unreachableBox("c"), false}} {
		if got := MailScannerAbsent(tc.s); got != tc.want {
			t.Errorf("MailScannerAbsent(%s) = %v, want %v", tc.s.Host, got, tc.want)
		}
	}
}

// TestNothingToAudit: a fleet without MailScanner says so first, in the
// report and its JSON, instead of reporting hosts as the baseline's equal.
func TestNothingToAudit(t *testing.T) {
	none := fleettest.NoMailScannerBox
	r, err := Compare([]*fleet.Snapshot{none("a", 1), none("b", 2)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Notice, "not installed on any assessed host") || r.Summary.MailScannerAbsent != 2 || !r.Hosts[1].MailScannerAbsent {
		t.Errorf("notice %q, summary %+v", r.Notice, r.Summary)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Notice string `json:"notice"`
		Hosts  []struct {
			Absent bool `json:"mailscanner_absent"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Notice != r.Notice || !doc.Hosts[0].Absent {
		t.Errorf("JSON notice %q, hosts %+v: %v", doc.Notice, doc.Hosts, err)
	}

	// one host of three: named, the others not
	r, err = Compare([]*fleet.Snapshot{goodHost("a", 1), none("b", 2), goodHost("c", 3)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.Notice, "not installed on 1 host(s): b;") || r.Hosts[0].MailScannerAbsent || r.Hosts[2].MailScannerAbsent {
		t.Errorf("notice %q", r.Notice)
	}
	r, err = Compare([]*fleet.Snapshot{goodHost("a", 1), goodHost("c", 3)}, Baseline{Kind: BaselineHost, Host: "a"}, Options{Now: scenarioTime})
	if err != nil || r.Notice != "" {
		t.Errorf("notice %q with MailScanner everywhere (%v)", r.Notice, err)
	}
}
