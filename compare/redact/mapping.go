package redact

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Mapping is the content of the mapping file: which original values each
// token stands for. It must stay with whoever redacted the report.
type Mapping struct {
	Note   string         `json:"note"`
	Tokens []MappingEntry `json:"tokens"`
}

// MappingEntry is one token and the original values it replaced (a host's
// inventory name, hostname and FQDN share one token).
type MappingEntry struct {
	Token  string   `json:"token"`
	Kind   string   `json:"kind"`
	Values []string `json:"values"`
}

// Mapping returns the tokens made so far, in the order they were made.
func (r *Redactor) Mapping() Mapping {
	m := Mapping{Note: "fleetcheck redaction mapping: keep this file private; never attach it to the report",
		Tokens: make([]MappingEntry, 0, len(r.tokens))}
	for _, t := range r.tokens {
		kind, _, _ := strings.Cut(t, "-")
		m.Tokens = append(m.Tokens, MappingEntry{Token: t, Kind: kind, Values: r.values[t]})
	}
	return m
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
