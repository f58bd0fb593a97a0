package ticket

import "strings"

// segment is a piece of a rule's text: plain, or a command the rule wrote
// between backticks.
type segment struct {
	Text string
	Code bool
}

// segments splits text at backticks into plain and code pieces. Text with
// an odd number of backticks is one plain piece.
func segments(s string) []segment {
	if strings.Count(s, "`")%2 != 0 || !strings.Contains(s, "`") {
		return []segment{{Text: s}}
	}
	parts := strings.Split(s, "`")
	out := make([]segment, 0, len(parts))
	for i, p := range parts {
		if p != "" {
			out = append(out, segment{Text: p, Code: i%2 == 1})
		}
	}
	return out
}

// mdRich escapes a rule's text for Markdown outside tables, keeping its
// backticked commands as code spans when they hold nothing a renderer
// could misread.
func mdRich(s string) string {
	segs := segments(strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", " ⏎ "))
	var b strings.Builder
	for i, sg := range segs {
		switch {
		case sg.Code && !strings.ContainsAny(sg.Text, "<`") && strings.TrimSpace(sg.Text) == sg.Text:
			b.WriteString("`" + sg.Text + "`")
		case i == 0:
			b.WriteString(mdText(sg.Text))
		default:
			b.WriteString(mdInline(sg.Text))
		}
	}
	return b.String()
}
