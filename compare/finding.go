package compare

// Kind says how a fact of a host differs from the baseline.
type Kind string

// Finding kinds, as written in the JSON report.
const (
	// Missing: the baseline has the fact, the host does not.
	Missing Kind = "missing"
	// Extra: the host has a fact the baseline does not.
	Extra Kind = "extra"
	// Changed: both have the fact with different values.
	Changed Kind = "changed"
	// Unknown: the probe behind the fact did not run cleanly on one side,
	// so nothing can be said; never reported as missing.
	Unknown Kind = "unknown"
)

// Finding is one fact of one host that differs from the baseline.
type Finding struct {
	// Fact is the stable path of the fact, e.g. "mounts./tmp.noexec" or
	// "perl_modules.Archive::Zip.version". For an unknown finding it is
	// the probe name.
	Fact string `json:"fact"`
	Kind Kind   `json:"kind"`
	// Baseline and Value are the baseline's and the host's values; empty
	// when the fact is absent on that side. For an unknown finding they are
	// the probe statuses.
	Baseline string `json:"baseline,omitempty"`
	Value    string `json:"value,omitempty"`
	// Probe is the probe that gathers the fact.
	Probe string `json:"probe"`
	// Noise marks a volatile fact (load, uptime, PIDs, free space within
	// 20 %) reported only with Options.All; noise never changes the exit code.
	Noise bool `json:"noise,omitempty"`
	// Waiver is set when a waiver accepts the finding (Report.Waive):
	// it is listed and never counted.
	Waiver *WaiverRef `json:"waiver,omitempty"`

	// subject and attr split Fact for rules: subject is the module, path,
	// package, setting or lint message; attr the property of it.
	subject, attr string
	cmp           cmpKind
}

// Subject returns the thing the fact is about: the module, mount path,
// package, config key or custom probe name ("" for whole-probe facts).
func (f Finding) Subject() string { return f.subject }

// Attr returns the property of the subject the fact holds, e.g. "noexec"
// or "version" ("" when the fact is the subject's value itself).
func (f Finding) Attr() string { return f.attr }
