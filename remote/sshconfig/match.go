package sshconfig

import "strings"

// matchPattern is ssh's match_pattern: '*' matches any run of characters,
// '?' exactly one; case matters.
func matchPattern(s, p string) bool {
	for {
		if p == "" {
			return s == ""
		}
		if p[0] == '*' {
			for p != "" && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i < len(s); i++ {
				if matchPattern(s[i:], p) {
					return true
				}
			}
			return false
		}
		if s == "" || (p[0] != '?' && p[0] != s[0]) {
			return false
		}
		s, p = s[1:], p[1:]
	}
}

// matchPatternList is ssh's match_pattern_list: list is comma-separated
// patterns, each possibly negated with '!'. It returns -1 when a negated
// pattern matches, 1 when a plain one does (and no negated one), else 0.
// With fold, the patterns are lower-cased first.
func matchPatternList(s, list string, fold bool) int {
	found := 0
	for _, p := range strings.Split(list, ",") {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if fold {
			p = lower(p)
		}
		if matchPattern(s, p) {
			if neg {
				return -1
			}
			found = 1
		}
	}
	return found
}

// matchHostname is ssh's match_hostname: host lower-cased, patterns too.
func matchHostname(host, list string) bool {
	return matchPatternList(lower(host), list, true) == 1
}
