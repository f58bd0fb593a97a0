package probe

import "strings"

// marker starts every framing line a command prints between sections of its
// output: "@@fc NAME [ARG]". Nothing a probed tool prints starts with it.
const marker = "@@fc "

// section is the output between two marker lines.
type section struct {
	Name  string
	Arg   string
	Lines []string
}

// sections splits output into marked sections. Lines before the first
// marker are returned as a section with an empty Name.
func sections(b []byte) []section {
	var out []section
	cur := -1
	for _, line := range splitLines(b, 0) {
		if strings.HasPrefix(line, marker) {
			rest := strings.TrimSpace(line[len(marker):])
			name, arg, _ := strings.Cut(rest, " ")
			out = append(out, section{Name: name, Arg: arg})
			cur = len(out) - 1
			continue
		}
		if cur < 0 {
			out = append(out, section{})
			cur = 0
		}
		out[cur].Lines = append(out[cur].Lines, line)
	}
	return out
}

// first returns the first section called name.
func first(ss []section, name string) (section, bool) {
	for _, s := range ss {
		if s.Name == name {
			return s, true
		}
	}
	return section{}, false
}
