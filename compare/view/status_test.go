package view

import (
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

func TestStatusTextNeverSaysOK(t *testing.T) {
	for _, s := range []fleet.HostStatus{fleet.HostOK, fleet.HostPartial, fleet.HostUnreachable, fleet.HostAuthFailed,
		fleet.HostKeyMismatch, fleet.HostKeyUnknown, fleet.HostTimeout, fleet.HostInterrupted, fleet.HostError, fleet.HostNotCollected} {
		got := StatusText(s)
		if got == "ok" || got == "" {
			t.Errorf("StatusText(%q) = %q: a status column must not read as healthy", s, got)
		}
		if s != fleet.HostOK && got != string(s) {
			t.Errorf("StatusText(%q) = %q, want the status as it is", s, got)
		}
	}
	if got := StatusText(fleet.HostOK); got != "collected" {
		t.Errorf("StatusText(ok) = %q, want collected", got)
	}
}
