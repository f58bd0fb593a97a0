package fleet

import "time"

// SchemaVersion is the version of the snapshot JSON layout. It changes only
// when a field is renamed or its meaning changes; new fields do not bump it.
const SchemaVersion = 1

// HostStatus is the outcome of collecting one host.
type HostStatus string

// Host statuses, as stored in run.json and snapshots.
const (
	HostOK           HostStatus = "ok"               // every probe ran to the end (ok or not applicable)
	HostPartial      HostStatus = "partial"          // reached, but some probes failed, timed out or were truncated
	HostUnreachable  HostStatus = "unreachable"      // no TCP connection or SSH handshake
	HostAuthFailed   HostStatus = "auth-failed"      // the server refused every key
	HostKeyMismatch  HostStatus = "hostkey-mismatch" // the host key differs from known_hosts
	HostKeyUnknown   HostStatus = "hostkey-unknown"  // the host is not in known_hosts (strict policy)
	HostTimeout      HostStatus = "timeout"          // the host's deadline passed
	HostInterrupted  HostStatus = "interrupted"      // the run was cancelled before the host finished
	HostError        HostStatus = "error"            // anything else that stopped the host
	HostNotCollected HostStatus = "not-collected"    // present in the inventory, never started
)

// Assessed reports whether the host's facts can be compared: it was reached
// and its probes ran, fully or partly.
func (s HostStatus) Assessed() bool { return s == HostOK || s == HostPartial }

// ProbeStatus is the outcome of one probe on one host.
type ProbeStatus string

// Probe statuses. Facts of a probe that is not ok (or truncated) are unknown.
const (
	ProbeOK            ProbeStatus = "ok"
	ProbeFailed        ProbeStatus = "failed"
	ProbeTimeout       ProbeStatus = "timeout"
	ProbeNotApplicable ProbeStatus = "not_applicable"
	ProbeTruncated     ProbeStatus = "truncated" // output hit the cap; facts are parsed from what arrived
	ProbeSudoDenied    ProbeStatus = "sudo_denied"
	ProbeSkipped       ProbeStatus = "skipped" // not selected with --probes
)

// Known reports whether the probe's facts may be compared: those it
// reported are true. Of a truncated probe, facts missing from what arrived
// are still unknown.
func (s ProbeStatus) Known() bool {
	return s == ProbeOK || s == ProbeTruncated || s == ProbeNotApplicable
}

// Complete reports whether the probe ran to the end with all its output:
// ok or not applicable. A truncated probe is not complete, and neither is
// its host (HostPartial).
func (s ProbeStatus) Complete() bool {
	return s == ProbeOK || s == ProbeNotApplicable
}

// Snapshot is everything collected from one host in one run.
type Snapshot struct {
	SchemaVersion int `json:"schema_version"`
	// Host is the inventory name.
	Host string `json:"host"`
	// Address is the address connected to (HostName:port), or "local".
	Address string `json:"address,omitempty"`
	// User is the login user on the host (empty for local collection).
	User        string     `json:"user,omitempty"`
	Status      HostStatus `json:"status"`
	Error       string     `json:"error,omitempty"`
	StartedAt   time.Time  `json:"started_at"`
	DurationMS  int64      `json:"duration_ms"`
	Transport   string     `json:"transport,omitempty"`
	ToolVersion string     `json:"tool_version,omitempty"`
	// Security records weakened settings the host needed, which every report shows.
	Security Security `json:"security,omitempty"`
	// Probes holds the outcome of every probe, keyed by probe name.
	Probes map[string]ProbeResult `json:"probes"`
	Facts  Facts                  `json:"facts"`
}

// Security lists the weakened connection settings used for a host.
type Security struct {
	// InsecureHostKey is set when the host key was not verified.
	InsecureHostKey bool `json:"insecure_host_key,omitempty"`
	// HostKeyAdded is set when the key was trusted on first use (accept-new).
	HostKeyAdded bool `json:"host_key_added,omitempty"`
	// LegacyAlgorithms lists the insecure algorithms that were negotiated.
	LegacyAlgorithms []string `json:"legacy_algorithms,omitempty"`
	// HostKeyFingerprint is the SHA256 fingerprint of the host key.
	HostKeyFingerprint string `json:"host_key_fingerprint,omitempty"`
}

// ProbeResult is the outcome of one probe.
type ProbeResult struct {
	Status ProbeStatus `json:"status"`
	// Error says why the probe is not ok, with stderr's first lines.
	Error    string `json:"error,omitempty"`
	ExitCode int    `json:"exit_code"`
	// DurationMS is the wall time of the probe.
	DurationMS int64 `json:"duration_ms"`
	// Command is the exact remote command, for reports that let a reader reproduce.
	Command string `json:"command,omitempty"`
	Sudo    bool   `json:"sudo,omitempty"`
	// Bytes is the size of the output received, including what the cap dropped.
	Bytes int64 `json:"bytes"`
}

// ProbeKnown reports whether probe name ran with a trustworthy result.
func (s *Snapshot) ProbeKnown(name string) bool {
	r, ok := s.Probes[name]
	return ok && r.Status.Known()
}

// Summary returns a copy of s without its facts: the host's status, error,
// times and the outcome of each probe, which is what a status table and
// run.json need.
func (s *Snapshot) Summary() *Snapshot {
	c := *s
	c.Facts = Facts{}
	return &c
}
