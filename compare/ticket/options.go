package ticket

// Options describe the report for its heading.
type Options struct {
	// Title heads the report; empty means "fleetcheck report".
	Title string
	// ToolVersion is the fleetcheck version that made the report.
	ToolVersion string
	// Command says what was compared, e.g. "fleetcheck compare -i inv.yaml".
	Command string
}

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
