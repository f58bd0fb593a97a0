package view

import "github.com/fleetcheck/fleetcheck/fleet"

// StatusText words a host's collection status for a status column. The
// stored status "ok" only says that every probe ran; next to a host's
// causes it would read as "no problem", so it is shown as "collected".
// The other statuses ("partial", "unreachable", ...) read as they are.
func StatusText(s fleet.HostStatus) string {
	if s == fleet.HostOK {
		return "collected"
	}
	return string(s)
}
