package ticket

// Options describe the report for its heading.
type Options struct {
	// Title heads the report; empty means "fleetcheck report".
	Title string
	// ToolVersion is the fleetcheck version that made the report.
	ToolVersion string
	// Command says what was compared, e.g. "fleetcheck compare -i inv.yaml".
	// Pass it through the same redact.Redactor as the report.
	Command string
	// Redacted tells the reader that names were replaced by tokens.
	Redacted bool
}

// redactedNote explains tokens to the reader of a redacted report.
const redactedNote = "host names, domains, IP addresses, user names, host keys and chosen words are replaced by tokens (host-N, domain-N, ip-N, user-N, hostkey-N, word-N), the same value by the same token throughout; the sender keeps the mapping"

func (o Options) title() string {
	if o.Title == "" {
		return "fleetcheck report"
	}
	return o.Title
}

func (o Options) version() string {
	if o.ToolVersion == "" {
		return "unknown version"
	}
	return o.ToolVersion
}
