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
	var out []*waivedBlock
	byText := map[string]*waivedBlock{}
	for _, h := range hosts {
		var lines []string
		for _, c := range h.Waived {
			lines = append(lines, fmt.Sprintf("[WAIVED %s] %s: %s", strings.ToUpper(string(c.Severity)), c.Rule, c.Summary),
				"    "+waiverText(c.Waiver))
		}
		for _, f := range h.WaivedFacts() {
			lines = append(lines, "[WAIVED] "+unexplainedLine(h, f.Fact), "    "+waiverText(*f.Waiver))
		}
		if len(lines) == 0 {
			continue
		}
		key := strings.Join(lines, "\n")
		if b, ok := byText[key]; ok {
			b.hosts = append(b.hosts, h.Host)
			continue
		}
		b := &waivedBlock{hosts: []string{h.Host}, lines: lines}
		byText[key] = b
		out = append(out, b)
	}
	return out
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
