package sshconfig

import (
	"errors"
	"fmt"
	"strings"
)

type matchCriterion struct {
	negate bool
	attr   string // lower case
	arg    string
}

// parseMatch parses the criteria of a Match line.
func parseMatch(args string) ([]matchCriterion, error) {
	f := splitArgs(args)
	if len(f) == 0 {
		return nil, errors.New("no criteria after Match")
	}
	var out []matchCriterion
	for i := 0; i < len(f); i++ {
		m := matchCriterion{attr: strings.ToLower(f[i])}
		if strings.HasPrefix(m.attr, "!") {
			m.negate, m.attr = true, m.attr[1:]
		}
		switch m.attr {
		case "all", "canonical", "final":
		default:
			if i+1 >= len(f) {
				return nil, fmt.Errorf("no argument after Match %s", m.attr)
			}
			i++
			m.arg = f[i]
		}
		out = append(out, m)
	}
	return out, nil
}

// matchCtx is what blocks are matched against.
type matchCtx struct {
	alias     string // the name as given (originalhost)
	host      string // the name, or the HostName on the final pass
	user      string // remote user as known so far
	localUser string
	final     bool
}

func (b *cfgBlock) matches(m matchCtx) bool {
	if b.parent != nil && !b.parent.matches(m) {
		return false
	}
	switch {
	case b.always:
		return true
	case b.host != nil:
		return matchPatternList(b.host, m.alias)
	}
	for _, c := range b.match {
		var ok bool
		switch c.attr {
		case "all":
			ok = true
		case "canonical", "final":
			ok = m.final
		case "host":
			ok = matchPatternList(strings.Split(c.arg, ","), m.host)
		case "originalhost":
			ok = matchPatternList(strings.Split(c.arg, ","), m.alias)
		case "user":
			ok = matchPatternList(strings.Split(c.arg, ","), m.user)
		case "localuser":
			ok = matchPatternList(strings.Split(c.arg, ","), m.localUser)
		default: // exec, localnetwork, tagged, ...: not evaluated, never match
			return false
		}
		if ok == c.negate {
			return false
		}
	}
	return true
}

// matchPatternList is ssh's match_pattern_list: a negated pattern that
// matches rejects, otherwise any matching pattern accepts.
func matchPatternList(patterns []string, s string) bool {
	found := false
	for _, p := range patterns {
		if p == "" {
			continue
		}
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if globMatch(p, strings.ToLower(s)) || globMatch(p, s) {
			if neg {
				return false
			}
			found = true
		}
	}
	return found
}

// globMatch matches ssh patterns: * is any run of characters, ? exactly one.
func globMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}
