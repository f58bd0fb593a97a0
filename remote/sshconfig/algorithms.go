package sshconfig

import (
	"errors"
	"slices"
	"strings"
)

// AssembleAlgorithms turns an algorithm spec from ssh_config (Ciphers,
// MACs, KexAlgorithms, HostKeyAlgorithms) into the list a client offers,
// as OpenSSH's kex_assemble_names does: "" is defaults, "+list" appends
// to them, "-list" removes from them, "^list" puts first, anything else
// replaces them. Names may be patterns; they select from supported, in
// its order, and what supported lacks is dropped. An empty result is an
// error.
func AssembleAlgorithms(spec string, defaults, supported []string) ([]string, error) {
	if spec == "" {
		return slices.Clone(defaults), nil
	}
	var list []string
	switch spec[0] {
	case '+':
		list = catNames(defaults, splitNames(spec[1:]))
	case '-':
		out := []string{}
		for _, d := range defaults {
			if matchPatternList(d, spec[1:], false) != 1 {
				out = append(out, d)
			}
		}
		return out, nil
	case '^':
		list = catNames(splitNames(spec[1:]), defaults)
	default:
		list = splitNames(spec)
	}
	var out []string
	for _, p := range list {
		if strings.HasPrefix(p, "!") {
			return nil, errors.New("negated algorithm names are not allowed here")
		}
		var matching []string
		for _, s := range supported {
			if matchPatternList(s, p, false) == 1 {
				matching = append(matching, s)
			}
		}
		out = catNames(out, matching)
	}
	if len(out) == 0 {
		return nil, errors.New("no supported algorithm in " + spec)
	}
	return out, nil
}

// splitNames splits a comma-separated list as strsep does.
func splitNames(s string) []string {
	return strings.Split(s, ",")
}

// catNames is kex_names_cat: a, then the names of b that a lacks (an
// empty name ends b).
func catNames(a, b []string) []string {
	out := slices.Clone(a)
	for _, n := range b {
		if n == "" {
			break
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}
