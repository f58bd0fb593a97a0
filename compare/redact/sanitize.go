package redact

import (
	"reflect"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Sanitize returns deep copies of the report and snapshots with all text
// cleaned and secrets masked, names kept: what every report, redacted or
// not, is written from. Either argument may be nil.
func Sanitize(rep *compare.Report, snaps []*fleet.Snapshot) (*compare.Report, []*fleet.Snapshot) {
	clean := func(_ class, s string) string { return Clean(s) }
	var out *compare.Report
	if rep != nil {
		out = newRewriter(clean).rewrite(reflect.ValueOf(rep), classes{}).Interface().(*compare.Report)
	}
	return out, rewriteSnapshots(snaps, clean)
}
