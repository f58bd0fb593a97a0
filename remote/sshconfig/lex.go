package sshconfig

import (
	"os/user"
	"path/filepath"
	"strings"
)

// splitDirective splits a config line into its keyword and the rest, the
// way ssh does ("Key value", "Key=value", "Key = value").
func splitDirective(line string) (key, args string) {
	s := strings.TrimLeft(line, " \t")
	if s == "" || s[0] == '#' {
		return "", ""
	}
	i := strings.IndexAny(s, " \t=")
	if i < 0 {
		return s, ""
	}
	key, rest := s[:i], strings.TrimLeft(s[i:], " \t")
	rest = strings.TrimPrefix(rest, "=")
	rest = strings.TrimSpace(rest)
	if j := strings.Index(rest, " #"); j >= 0 {
		rest = strings.TrimSpace(rest[:j])
	}
	return key, strings.TrimSuffix(rest, "\r")
}

// splitArgs splits on white space, honouring double quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, have := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQ, have = !inQ, true
		case (r == ' ' || r == '\t') && !inQ:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// expandTilde expands a leading ~ or ~user.
func expandTilde(p, home string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	rest := p[1:]
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" {
		if home == "" {
			return p
		}
		return filepath.Join(home, tail)
	}
	u, err := user.Lookup(name)
	if err != nil {
		return p
	}
	return filepath.Join(u.HomeDir, tail)
}
