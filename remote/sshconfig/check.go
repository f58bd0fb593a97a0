package sshconfig

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// checkLine validates a directive as ssh's process_config_line does for
// the keywords fleetcheck reads, and parses what evaluation needs (Match
// criteria). Other keywords are not checked: their values are never used.
func checkLine(l *line) error {
	switch l.keyword {
	case "host", "include":
		for _, a := range l.args {
			if a == "" {
				return errors.New("empty argument")
			}
		}
		return nil
	case "match":
		_, err := parseMatch(l.rest)
		return err
	case "proxycommand":
		return nil
	case "proxyjump":
		_, err := parseJump(proxyArg(l.rest))
		return err
	case "userknownhostsfile", "globalknownhostsfile", "canonicaldomains":
		for i, a := range l.args {
			if a == "" {
				return errors.New("empty argument")
			}
			if strings.EqualFold(a, "none") && (i > 0 || len(l.args) > 1) {
				return errors.New(`"none" must appear alone`)
			}
		}
		return nil
	case "canonicalizepermittedcnames", "identityfile", "identityfile2", "certificatefile":
		return nil
	}
	kind, ok := valueKinds[l.keyword]
	if !ok {
		return nil
	}
	if len(l.args) == 0 {
		return errors.New("missing argument")
	}
	if len(l.args) > 1 {
		return errors.New("extra arguments at end of line")
	}
	_, err := parseValue(kind, l.args[0])
	return err
}

// valueKind is how a single-valued keyword's argument is read.
type valueKind int

const (
	kindString valueKind = iota
	kindPort
	kindFlag
	kindStrict
	kindCanonicalize
	kindTime
	kindInt
	kindAgent
)

// valueKinds are the single-valued keywords fleetcheck reads.
var valueKinds = map[string]valueKind{
	"hostname":                  kindString,
	"user":                      kindString,
	"hostkeyalias":              kindString,
	"identityagent":             kindAgent,
	"hostkeyalgorithms":         kindString,
	"kexalgorithms":             kindString,
	"ciphers":                   kindString,
	"macs":                      kindString,
	"ignoreunknown":             kindString,
	"port":                      kindPort,
	"identitiesonly":            kindFlag,
	"canonicalizefallbacklocal": kindFlag,
	"stricthostkeychecking":     kindStrict,
	"canonicalizehostname":      kindCanonicalize,
	"connecttimeout":            kindTime,
	"serveraliveinterval":       kindTime,
	"serveralivecountmax":       kindInt,
	"canonicalizemaxdots":       kindInt,
}

// parseValue reads one argument as ssh does; what comes back is the
// canonical text: "yes"/"no" for flags, seconds for times ("-1" for
// none), the number for ports and integers.
func parseValue(kind valueKind, a string) (string, error) {
	switch kind {
	case kindPort:
		p, err := parsePort(a)
		if err != nil || p <= 0 {
			return "", fmt.Errorf("bad port %q", a)
		}
		return strconv.Itoa(p), nil
	case kindFlag:
		switch lower(a) {
		case "yes", "true":
			return "yes", nil
		case "no", "false":
			return "no", nil
		}
	case kindStrict:
		switch lower(a) {
		case "yes", "true":
			return "yes", nil
		case "no", "false", "off":
			return "no", nil
		case "ask", "accept-new":
			return lower(a), nil
		}
	case kindCanonicalize:
		switch lower(a) {
		case "yes", "true":
			return "yes", nil
		case "no", "false":
			return "no", nil
		case "always":
			return "always", nil
		}
	case kindTime:
		if a == "none" {
			return "-1", nil
		}
		s, err := convtime(a)
		if err != nil {
			return "", err
		}
		return strconv.Itoa(s), nil
	case kindInt:
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 {
			return "", fmt.Errorf("bad number %q", a)
		}
		return strconv.Itoa(n), nil
	case kindAgent:
		if _, err := (tokens{}).expand(a, "", &Env{Getenv: func(string) string { return "x" }}); err != nil {
			return "", fmt.Errorf("invalid environment expansion %s", a)
		}
		if strings.HasPrefix(a, "$") && !strings.HasPrefix(a, "${") && !validEnvName(a[1:]) {
			return "", fmt.Errorf("invalid environment name %s", a)
		}
		return a, nil
	default:
		return a, nil
	}
	return "", fmt.Errorf("unsupported option %q", a)
}

// parsePort is ssh's a2port: a number from 0 to 65535 or a service name.
func parsePort(s string) (int, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 65535 {
			return 0, fmt.Errorf("port %d out of range", n)
		}
		return n, nil
	}
	return net.LookupPort("tcp", s)
}

// convtime is ssh's convtime: seconds, or a sequence of numbers with
// s, m, h, d or w suffixes ("1h30m").
func convtime(s string) (int, error) {
	if s == "" {
		return 0, errors.New("invalid time value")
	}
	total := 0
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid time value %q", s)
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil {
			return 0, fmt.Errorf("invalid time value %q", s)
		}
		mult := 1
		if i < len(s) {
			switch s[i] {
			case 's', 'S':
			case 'm', 'M':
				mult = 60
			case 'h', 'H':
				mult = 3600
			case 'd', 'D':
				mult = 86400
			case 'w', 'W':
				mult = 604800
			default:
				return 0, fmt.Errorf("invalid time value %q", s)
			}
			i++
		}
		total += n * mult
		s = s[i:]
	}
	return total, nil
}

// validEnvName is ssh's valid_env_name.
func validEnvName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, c := range s {
		if c != '_' && !(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// proxyArg is the argument of ProxyCommand and ProxyJump: the rest of the
// line without leading white space and '='.
func proxyArg(rest string) string {
	return strings.TrimLeft(rest, whitespace+"=")
}
