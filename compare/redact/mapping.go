package redact

import (
	"encoding/json"
	"fmt"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Mapping is the content of the mapping file: the original value behind
// each token. It must stay with whoever redacted the report.
type Mapping struct {
	Note   string         `json:"note"`
	Tokens []MappingEntry `json:"tokens"`
}

// MappingEntry is one token and the one spelling it replaced. A host's
// FQDN is written with two tokens, host-1.domain-1; another spelling of a
// value (MAIL1 beside mail1) has a token of its own.
type MappingEntry struct {
	Token string `json:"token"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Mapping returns the tokens made so far, in the order they were made.
func (r *Redactor) Mapping() Mapping {
	return Mapping{Note: "fleetcheck redaction mapping: keep this file private; never attach it to the report",
		Tokens: append([]MappingEntry{}, r.entries...)}
}

// WriteMapping writes the mapping as JSON to path, readable by the owner
// only (mode 0600), replacing the file atomically.
func (r *Redactor) WriteMapping(path string) error {
	b, err := json.MarshalIndent(r.Mapping(), "", "  ")
	if err != nil {
		return fmt.Errorf("redact: encode mapping: %w", err)
	}
	if err := fleet.WritePrivateFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("redact: write mapping: %w", err)
	}
	return nil
}
