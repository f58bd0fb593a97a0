package ticket

import "strings"

// segment is a piece of a rule's text: plain, or a command the rule wrote
// between backticks.
type segment struct {
	Text string
	Code bool
}

// segments splits text at backticks into plain and code pieces. Text with
// an odd number of backticks, or an empty pair of them, is one plain piece, so
// no character of it is lost.
func segments(s string) []segment {
	if strings.Count(s, "`")%2 != 0 || !strings.Contains(s, "`") {
		return []segment{{Text: s}}
	}
	parts := strings.Split(s, "`")
	for i := 1; i < len(parts); i += 2 {
		if parts[i] == "" {
			return []segment{{Text: s}}
		}
	}
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
		text := sg.Text
		if sg.Code {
			if !strings.ContainsAny(text, "<`") && strings.TrimSpace(text) == text {
				b.WriteString("`" + text + "`")
				continue
			}
			text = "`" + text + "`" // shown as typed, escaped
		}
		if i == 0 {
			b.WriteString(mdText(text))
		} else {
			b.WriteString(mdInline(text))
		}
	}
	return b.String()
}
