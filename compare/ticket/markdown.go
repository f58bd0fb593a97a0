package ticket

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// Cell lengths in the Markdown tables, in runes; longer values are cut
// with "…" (the HTML report shows them whole).
const (
	mdCellMax   = 120
	mdColumns   = 6 // host columns per difference table
	mdFactsMax  = 12
	mdFindCells = 200
)

// Markdown writes the report as Markdown (CommonMark with GFM tables and no
// raw HTML). snaps supply the appendix; hosts without a snapshot are left
// out of it.
func Markdown(w io.Writer, r *compare.Report, snaps []*fleet.Snapshot, opt Options) error {
	v, err := build(r, snaps, opt)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw}
	m.heading(v)
	m.hosts(v)
	m.causes(v)
	m.waived(v)
	m.pivot(v)
	m.appendix(v)
	m.line("---")
	m.line("")
	m.line(fmt.Sprintf("_Made by fleetcheck %s. Text from hosts is shown as text: terminal escapes, control characters and invalid UTF-8 removed, secrets masked._", mdText(v.Tool)))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ticket: write markdown: %w", err)
	}
	return nil
}

type mdWriter struct {
	w *bufio.Writer
}

func (m *mdWriter) line(s string) {
	m.w.WriteString(s)
	m.w.WriteByte('\n')
}

func (m *mdWriter) para(s string) {
	m.line(s)
	m.line("")
}

// row writes one table row of already escaped cells.
func (m *mdWriter) row(cells ...string) {
	for i, c := range cells {
		if c == "" {
			cells[i] = " "
		}
	}
	m.line("| " + strings.Join(cells, " | ") + " |")
}

func (m *mdWriter) header(cells ...string) {
	m.row(cells...)
	sep := make([]string, len(cells))
	for i := range sep {
		sep[i] = "---"
	}
	m.line("|" + strings.Join(sep, "|") + "|")
}

func (m *mdWriter) heading(v *content) {
	m.para("# " + mdText(v.Title) + ": " + mdText(v.Headline))
	if v.Notice != "" {
		m.para("> **Note:** " + mdText(v.Notice))
	}
	if v.Command != "" {
		m.line("- **Compared:** " + mdCode(v.Command))
	}
	m.line("- **Baseline:** " + mdText(v.Baseline))
	m.line("- **Generated:** " + mdText(v.Generated) + " by fleetcheck " + mdText(v.Tool))
	m.line(fmt.Sprintf("- **Result:** exit code %d, %s", v.Exit, mdText(v.ExitText)))
	m.line("- **Counts:** " + mdText(v.Counts))
	if v.Redacted {
		m.line("- **Redacted:** " + redactedNote)
	}
	m.line("")
}

func (m *mdWriter) hosts(v *content) {
	m.para("## Hosts")
	m.header("Hosts", "Count", "Status", "Result", "Causes", "Findings")
	for _, g := range v.Groups {
		status := g.Status
		if g.Baseline {
			status += " (baseline)"
		}
		m.row(mdText(g.Label), fmt.Sprint(g.Count()), mdText(status), mdCell(g.Verdict(), mdCellMax),
			mdText(g.CauseCounts()), fmt.Sprint(len(g.Findings)))
	}
	m.line("")
}

func (m *mdWriter) causes(v *content) {
	m.para("## Causes, most severe first")
	if len(v.Ranked) == 0 {
		m.para(v.NoCauses)
		return
	}
	for _, g := range v.Ranked {
		m.para(fmt.Sprintf("### %s — %s", mdText(g.Label), mdText(g.Status)))
		if g.Count() > 1 {
			m.para(fmt.Sprintf("%d hosts with the same result.", g.Count()))
		}
		if g.ShownFor != "" {
			m.para("Texts shown for " + mdText(g.ShownFor) + "; on the other hosts they differ only in the host's own name.")
		}
		if g.Error != "" {
			m.para("**Error:** " + mdText(g.Error))
		}
		for i, c := range g.Causes {
			m.line(fmt.Sprintf("%d. **%s** %s: %s", i+1, mdText(c.Severity), mdCode(c.Rule), mdRich(c.Summary)))
			for _, e := range c.Evidence {
				m.line("   - " + mdRich(strings.TrimSpace(e)))
			}
			if c.Fix != "" {
				m.line("")
				m.line("   **Fix:** " + mdRich(c.Fix))
			}
			if len(c.Findings) > 0 {
				m.line("")
				m.line("   Facts: " + mdFactList(c.Findings))
			}
			m.line("")
		}
		if len(g.Unexplained) > 0 {
			m.para("**Not explained by any rule:** " + mdFactList(g.Unexplained))
		}
		if len(g.Causes) == 0 && len(g.Unexplained) == 0 && g.Differs {
			m.para("Differs from " + v.Ref + "; see the differences table.")
		}
	}
}

// mdFactList lists facts, at most mdFactsMax of them.
func mdFactList(facts []string) string {
	shown := facts[:min(len(facts), mdFactsMax)]
	parts := make([]string, len(shown))
	for i, f := range shown {
		parts[i] = mdText(f)
	}
	s := strings.Join(parts, ", ")
	if n := len(facts) - len(shown); n > 0 {
		s += fmt.Sprintf(" and %d more", n)
	}
	return s
}

func (m *mdWriter) pivot(v *content) {
	m.para("## Differences from " + v.Ref)
	p := v.Pivot
	if len(p.Rows) == 0 {
		m.para("No fact differs on any assessed host.")
		return
	}
	m.para(pivotNote(v))
	for start := 0; start < len(p.Columns); start += mdColumns {
		cols := p.Columns[start:min(len(p.Columns), start+mdColumns)]
		head := []string{"Fact"}
		if p.Ref {
			head = append(head, v.RefCol)
		}
		for _, g := range cols {
			head = append(head, mdText(g.Label))
		}
		m.header(head...)
		for _, row := range p.Rows {
			cells := make([]string, 0, len(head))
			var any bool
			for _, c := range row.Cells[start : start+len(cols)] {
				any = any || c != ""
				cells = append(cells, mdCell(c, mdCellMax))
			}
			if !any {
				continue
			}
			fact := mdText(row.Fact)
			if row.Noise {
				fact += " (noise)"
			}
			lead := []string{fact}
			if p.Ref {
				lead = append(lead, mdCell(row.Baseline, mdCellMax))
			}
			m.row(append(lead, cells...)...)
		}
		m.line("")
	}
}

func (m *mdWriter) appendix(v *content) {
	m.para("## Appendix A: key facts")
	if len(v.Facts) == 0 {
		m.para("No host.")
	} else {
		m.header("Hosts", "Status", "OS", "Kernel", "Perl", "MailScanner", "Mounts of interest")
		for _, f := range v.Facts {
			mounts := make([]string, len(f.Mounts))
			for i, s := range f.Mounts {
				mounts[i] = mdCell(s, mdCellMax)
			}
			m.row(mdText(f.Label), mdText(f.Status), mdCell(f.OS, mdCellMax), mdCell(f.Kernel, mdCellMax),
				mdCell(f.Perl, mdCellMax), mdCell(f.MailScanner, mdCellMax), strings.Join(mounts, "; "))
		}
		m.line("")
	}
	m.para("## Appendix B: where the differing Perl modules come from")
	if len(v.Modules) == 0 {
		m.para("No Perl module differs.")
	}
	for _, mv := range v.Modules {
		m.para("### " + mdText(mv.Name))
		m.header("Hosts", "Loads", "Copies in @INC order (the first is loaded)", "perllocal.pod")
		for _, r := range mv.Rows {
			loads := r.Loads
			if r.LoadError != "" {
				loads += ": " + r.LoadError
			}
			copies := make([]string, len(r.Copies))
			for i, c := range r.Copies {
				copies[i] = fmt.Sprintf("%d. %s", i+1, mdCell(c, mdCellMax))
			}
			if len(copies) == 0 {
				copies = []string{"none"}
			}
			m.row(mdText(r.Label), mdCell(loads, mdCellMax), strings.Join(copies, " "), mdCell(r.CPAN, mdCellMax))
		}
		m.line("")
	}
	m.para("## Appendix C: how the facts were gathered")
	if len(v.Issues) > 0 {
		m.para("Probes that did not finish cleanly:")
		m.header("Hosts", "Probe", "Status", "Error")
		for _, is := range v.Issues {
			m.row(mdText(is.Label), mdText(is.Probe), mdText(is.Status), mdCell(is.Error, mdFindCells))
		}
		m.line("")
	}
	if len(v.Commands) == 0 {
		m.para("No commands recorded.")
		return
	}
	m.para("The exact remote commands, run over SSH; run one on a host to reproduce its facts.")
	for _, c := range v.Commands {
		sudo := ""
		if c.Sudo {
			sudo = " (with sudo -n)"
		}
		m.para(fmt.Sprintf("### %s%s on %s", mdText(c.Probe), sudo, mdText(c.Label)))
		fence := mdFence(c.Command)
		m.line(fence + "sh")
		m.line(c.Command)
		m.para(fence)
	}
}
