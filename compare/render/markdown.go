package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// Markdown writes the report as GitHub-flavoured Markdown, for tickets:
// the same summary, causes and pivot as Table. Cell text is escaped
// (| and newlines), which tablewriter's Markdown renderer does not do.
func Markdown(w io.Writer, r *compare.Report, opt TableOptions) error {
	hosts, err := focus(r, opt.Host)
	if err != nil {
		return err
	}
	p := &printer{w: w}
	p.printf("# fleetcheck compare\n\n")
	for _, l := range headline(r) {
		p.printf("%s  \n", mdText(l))
	}
	p.printf("\n")
	rows := make([][]string, 0, len(hosts))
	for _, s := range summaryRows(hosts) {
		rows = append(rows, append([]string{hostCell(s.hosts, 60)}, s.cells...))
	}
	p.mdTable([]string{"host", "status", "causes", "top cause"}, rows)
	for _, s := range sections(hosts) {
		p.printf("\n## %s (%s)\n\n", mdText(Fold(s.hosts)), s.h.Status)
		for _, c := range s.h.Causes {
			p.printf("- **%s** `%s`: %s\n", strings.ToUpper(string(c.Severity)), c.Rule, mdRich(c.Summary))
			for _, e := range c.Evidence {
				p.printf("  - %s\n", mdCode(e))
			}
			p.printf("  - fix: %s\n", mdRich(c.Fix))
		}
		if len(s.h.Unexplained) > 0 {
			p.printf("- unexplained:\n")
			for _, f := range s.h.Unexplained {
				p.printf("  - %s\n", mdCode(unexplainedLine(s.h, f)))
			}
		}
	}
	p.printf("\n## Differing facts\n\n")
	pt := layoutPivot(r, hosts)
	if len(pt.rows) == 0 {
		p.printf("No fact differs from the baseline.\n")
	} else {
		p.mdTable(pt.header, pt.rows)
		p.printf("\n%s  \n", mdText(pt.key))
		for _, l := range pt.legend {
			p.printf("%s  \n", mdText(l))
		}
	}
	if pt.skipped != "" {
		p.printf("\nNot assessed: %s\n", mdText(pt.skipped))
	}
	return p.err
}

func (p *printer) mdTable(header []string, rows [][]string) {
	p.printf("| %s |\n", strings.Join(mdCells(header), " | "))
	p.printf("|%s\n", strings.Repeat("---|", len(header)))
	for _, r := range rows {
		p.printf("| %s |\n", strings.Join(mdCells(r), " | "))
	}
}

func mdCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = mdText(c)
	}
	return out
}

var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;",
	"#", `\#`, "\n", " ", "\r", " ")

// mdText escapes text that came from hosts or rules for Markdown.
func mdText(s string) string { return mdEscaper.Replace(safe(oneLine(s))) }

// oneLine joins lines with spaces.
func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// mdRich escapes text whose `backticked` parts are code already: only
// the parts outside backticks are escaped.
func mdRich(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // unbalanced: treat it all as text
		return mdText(s)
	}
	for i := 0; i < len(parts); i += 2 {
		parts[i] = mdText(parts[i])
	}
	for i := 1; i < len(parts); i += 2 {
		parts[i] = safe(oneLine(parts[i]))
	}
	return strings.Join(parts, "`")
}

// mdCode quotes evidence (paths, commands, errors) as inline code; a
// backtick inside widens the fence, as CommonMark requires.
func mdCode(s string) string {
	s = safe(oneLine(s))
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fmt.Sprintf("%s%s%s", fence, s, fence)
}
