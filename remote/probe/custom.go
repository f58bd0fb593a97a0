package probe

import (
	"github.com/fleetcheck/fleetcheck/fleet"
)

// maxCustomLines bounds the lines kept of a custom probe's output.
const maxCustomLines = 1000

// Custom makes a probe of an inventory command probe. Its command is the
// inventory's own, run with LC_ALL=C; its output is kept as cleaned lines
// (at most maxCustomLines, each capped) in Facts.Custom[p.Name], to be
// compared line by line.
func Custom(p fleet.CustomProbe) Probe {
	name, command := p.Name, p.Command
	return Probe{
		Name:    name,
		Command: "LC_ALL=C; export LC_ALL\n" + command,
		Sudo:    p.Sudo,
		Timeout: p.Timeout,
		Parse: func(r Result, f *fleet.Facts) error {
			lines := splitLines(r.Stdout, maxCustomLines)
			c := &fleet.Custom{Command: command, ExitCode: r.ExitCode, Lines: make([]string, 0, len(lines))}
			for _, l := range lines {
				c.Lines = append(c.Lines, capString(clean(l), 1024))
			}
			if f.Custom == nil {
				f.Custom = map[string]*fleet.Custom{}
			}
			f.Custom[name] = c
			return nil
		},
	}
}
