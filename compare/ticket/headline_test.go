package ticket

import (
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
)

// TestHeadlineWithoutMailScanner: a report never heads "all hosts match"
// when MailScanner is not installed on some of them.
func TestHeadlineWithoutMailScanner(t *testing.T) {
	for _, tc := range []struct {
		s    compare.Summary
		want string
	}{
		{compare.Summary{Hosts: 3, Assessed: 3}, "all 3 assessed host(s) match the baseline"},
		{compare.Summary{Hosts: 3, Assessed: 3, MailScannerAbsent: 3}, "MailScanner is not installed: nothing to audit"},
		{compare.Summary{Hosts: 3, Assessed: 3, MailScannerAbsent: 1},
			"MailScanner is not installed on 1 of 3 assessed host(s); the others match the baseline"},
		{compare.Summary{Hosts: 4, Assessed: 3, NotAssessed: 1, Differing: 1, MailScannerAbsent: 1},
			"1 of 4 host(s) differ from the baseline; MailScanner is not installed on 1, 1 not assessed"},
	} {
		if got := headline(tc.s, "the baseline"); got != tc.want {
			t.Errorf("headline(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
