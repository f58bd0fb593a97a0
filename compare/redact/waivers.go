package redact

import "github.com/fleetcheck/fleetcheck/fleet"

// Waivers returns copies of waivers for a report built from redacted
// snapshots. The hosts a waiver selects become their tokens, so that it
// still matches its hosts; the patterns as written, the fact glob, the
// reason, the owner (an e-mail address holds a domain) and the file it is
// written in are inventory text that may name hosts, domains or
// addresses, and are redacted as text. The rule id is fleetcheck's own and
// is kept, as is the expiry date. Call it after Snapshots, so that the
// tokens are those of the report.
func (r *Redactor) Waivers(ws []fleet.Waiver) []fleet.Waiver {
	if ws == nil {
		return nil
	}
	out := make([]fleet.Waiver, len(ws))
	for i, w := range ws {
		c := w
		c.File, c.Fact, c.Reason, c.Owner = r.Text(w.File), r.Text(w.Fact), r.Text(w.Reason), r.Text(w.Owner)
		c.Hosts = make([]string, len(w.Hosts))
		for j, p := range w.Hosts {
			c.Hosts[j] = r.Text(p)
		}
		c.HostNames = make([]string, len(w.HostNames))
		for j, h := range w.HostNames {
			c.HostNames[j] = r.Name(h)
		}
		out[i] = c
	}
	return out
}
