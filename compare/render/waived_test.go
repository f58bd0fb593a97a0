package render

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// TestTableListsWaived: a waived cause has its own section with the
// waiver's reason; expired and stale waivers are said; nothing is hidden.
func TestTableListsWaived(t *testing.T) {
	snaps, ws := fleettest.WaivedFleet()
	kern := fleettest.GoodHost("mail7", 7)
	kern.Facts.OS.KernelRelease = "6.1.0-99-amd64"
	snaps = append(snaps, kern)
	ws = append(ws, fleettest.Waiver(50, []string{"mail7"}, "", "os.kernel_release", "2099-01-01"))
	r, err := compare.Compare(snaps, compare.Baseline{Kind: compare.BaselineHost, Host: "mail1"},
		compare.Options{Now: fleettest.Time, Waivers: ws})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Table(&out, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"== waived: accepted differences, listed and not counted ==\nmail6:\n  [WAIVED WARNING] config-drift: ",
		"    waived: accepted: config-driftmailscanner_config.maxchildren (owner ops@example.com, until 2099-03-31, inv.yaml:31)\n",
		"mail7:\n  [WAIVED] ~ os.kernel_release: ",
		"waiver inv.yaml:38 (tmp-noexec for mail3, owner ops@example.com) expired on 2020-01-31 and no longer applies: 1 difference(s) it accepted count again\n",
		"waiver inv.yaml:45 (perl-version for mail1, owner ops@example.com) matches nothing in this report",
		"mailscanner_config.maxchildren", // the pivot still shows the waived fact
		"0 info, 1 waived (not counted); exit 1\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
	if !regexp.MustCompile(`\| mail\[6-7\] \(2\) +\| collected +\| - +\| 1 waived difference\(s\), not counted`).MatchString(s) {
		t.Errorf("the summary does not say the waived hosts' differences are waived:\n%s", s)
	}
	if strings.Contains(s, "== mail6") {
		t.Errorf("mail6 has a causes section, though its only cause is waived:\n%s", s)
	}
}

// TestTableNotAssessedSaysWhy: a host not assessed without a cause (a
// drift of a host down in both runs) says why in the summary, never
// "same as baseline".
func TestTableNotAssessedSaysWhy(t *testing.T) {
	down := fleettest.UnreachableBox("mail9")
	r, err := compare.Drift([]*fleet.Snapshot{down}, []*fleet.Snapshot{down}, compare.Options{Now: fleettest.Time})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Table(&out, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "not assessed in either run (before: unreachable, after: unreachable)") || strings.Contains(s, "same as baseline") {
		t.Errorf("table:\n%s", s)
	}
}
