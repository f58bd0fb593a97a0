package render

import (
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/view"
)

// waivedBlock is what waivers accept on host groups whose accepted
// differences read the same: each difference in one line, then its waiver.
type waivedBlock struct {
	hosts []string
	lines [][2]string
}

// waivedBlocks lists, per group of hosts, the causes and facts waivers
// accept, each with the waiver's reason, owner, expiry and source.
func waivedBlocks(groups []*view.HostGroup) []*waivedBlock {
	var g view.Grouper[*waivedBlock]
	for _, hg := range groups {
		lines := waivedLines(hg.Report)
		if len(lines) == 0 {
			continue
		}
		g.Add(view.Key(lines), &waivedBlock{lines: lines}, hg.Hosts...)
	}
	out := make([]*waivedBlock, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		grp.Value.hosts = grp.Hosts
		out = append(out, grp.Value)
	}
	return out
}

// waivedLines are a host's waived causes and facts: the difference, and
// the waiver that accepts it.
func waivedLines(h *compare.HostReport) [][2]string {
	var lines [][2]string
	for _, c := range h.Waived {
		lines = append(lines, [2]string{fmt.Sprintf("[WAIVED %s] %s: %s", strings.ToUpper(string(c.Severity)), c.Rule, c.Summary),
			c.Waiver.Text()})
	}
	for _, f := range h.WaivedFacts() {
		lines = append(lines, [2]string{"[WAIVED] " + unexplainedLine(h, f.Fact), f.Waiver.Text()})
	}
	return lines
}

// waived prints the accepted differences and what became of each waiver,
// in the printer's width.
func (p *printer) waived(r *compare.Report, groups []*view.HostGroup) {
	blocks := waivedBlocks(groups)
	if len(blocks) > 0 {
		p.printf("\n")
		p.para("== ", "   ", "waived: accepted differences, listed and not counted ==")
	}
	for _, b := range blocks {
		p.para("", "  ", view.Fold(b.hosts)+":")
		for _, l := range b.lines {
			p.para("  ", "      ", l[0])
			p.para("      waived: ", "        ", l[1])
		}
	}
	if len(r.Waivers) > 0 {
		p.printf("\nwaivers:\n")
	}
	for _, n := range r.Waivers {
		p.para("  ", "    ", n.Text())
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
