package render

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// waivedBlock is what waivers accept on hosts whose accepted differences
// read the same.
type waivedBlock struct {
	hosts []string
	lines []string
}

// waivedBlocks lists, per group of hosts, the causes and facts waivers
// accept, each with the waiver's reason, owner, expiry and source.
func waivedBlocks(hosts []*compare.HostReport) []*waivedBlock {
	return foldHosts(hosts, func(h *compare.HostReport) (string, bool) {
		lines := waivedLines(h)
		return strings.Join(lines, "\n"), len(lines) > 0
	}, func(h *compare.HostReport) *waivedBlock { return &waivedBlock{lines: waivedLines(h)} },
		func(b *waivedBlock) *[]string { return &b.hosts })
}

// waivedLines are a host's waived causes and facts, two lines each.
func waivedLines(h *compare.HostReport) []string {
	var lines []string
	for _, c := range h.Waived {
		lines = append(lines, fmt.Sprintf("[WAIVED %s] %s: %s", strings.ToUpper(string(c.Severity)), c.Rule, c.Summary),
			"    "+waiverText(c.Waiver))
	}
	for _, f := range h.WaivedFacts() {
		lines = append(lines, "[WAIVED] "+unexplainedLine(h, f.Fact), "    "+waiverText(*f.Waiver))
	}
	return lines
}

func waiverText(w compare.WaiverRef) string {
	return fmt.Sprintf("waived: %s (owner %s, until %s, %s)", w.Reason, w.Owner, w.Expires, w.Source)
}

// waived prints the accepted differences and what became of each waiver.
func (p *printer) waived(r *compare.Report, hosts []*compare.HostReport) {
	blocks := waivedBlocks(hosts)
	if len(blocks) > 0 {
		p.printf("\n== waived: accepted differences, listed and not counted ==\n")
	}
	for _, b := range blocks {
		p.printf("%s:\n", Fold(b.hosts))
		for _, l := range b.lines {
			p.printf("  %s\n", l)
		}
	}
	if len(r.Waivers) > 0 {
		p.printf("\nwaivers:\n")
	}
	for _, n := range r.Waivers {
		p.printf("  %s\n", n.Text())
	}
}

// openFindings counts the findings no waiver accepts.
func openFindings(h *compare.HostReport) int {
	n := 0
	for _, f := range h.Findings {
		if f.Waiver == nil {
			n++
		}
	}
	return n
}
