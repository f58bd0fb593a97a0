package sshconfig

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Jump is a ProxyJump value as ssh keeps it: the last hop (the one the
// target is reached through) and, in Extra, the hops before it as
// written. ssh reaches the last hop with "ssh [-l User] [-p Port]
// [-J Extra] Host", so that hop resolves through its own configuration.
type Jump struct {
	User string
	Host string
	// Port is the hop's port, 0 when the spec has none.
	Port int
	// Extra is the comma-separated hops before this one, "" if none.
	Extra string
}

// String is the value as ssh -G prints it.
func (j Jump) String() string {
	var b strings.Builder
	if j.Extra != "" {
		b.WriteString(j.Extra + ",")
	}
	if j.User != "" {
		b.WriteString(j.User + "@")
	}
	numeric := strings.Contains(j.Host, ":") || strings.Trim(j.Host, "0123456789.") == ""
	if numeric {
		b.WriteString("[" + j.Host + "]")
	} else {
		b.WriteString(j.Host)
	}
	if j.Port > 0 {
		b.WriteString(":" + strconv.Itoa(j.Port))
	}
	return b.String()
}

// jumpSpec is a parsed ProxyJump value.
type jumpSpec struct {
	none bool
	last Jump
}

// parseJump parses a ProxyJump value as ssh's parse_jump: "none", or
// comma-separated hops (a '#' starts a comment), each [user@]host[:port]
// or ssh://[user@]host[:port]; only the last is kept, the others are
// checked and kept as written in Extra.
func parseJump(s string) (jumpSpec, error) {
	if strings.EqualFold(s, "none") {
		return jumpSpec{none: true}, nil
	}
	orig := s
	if i := strings.IndexByte(orig, '#'); i >= 0 {
		orig = orig[:i]
	}
	orig = strings.TrimRight(orig, whitespace)
	hops := strings.Split(orig, ",")
	var spec jumpSpec
	for i := len(hops) - 1; i >= 0; i-- {
		u, h, p, err := parseHop(hops[i])
		if err != nil {
			return jumpSpec{}, fmt.Errorf("invalid ProxyJump %q: %w", s, err)
		}
		if i == len(hops)-1 {
			spec.last = Jump{User: u, Host: h, Port: p}
		}
	}
	if i := strings.LastIndexByte(orig, ','); i >= 0 {
		spec.last.Extra = orig[:i]
	}
	return spec, nil
}

// parseHop parses one hop: an ssh:// URI (ssh's parse_uri) or
// [user@]host[:port] (ssh's parse_user_host_port). Port is 0 if absent.
func parseHop(s string) (userName, host string, port int, err error) {
	if rest, ok := strings.CutPrefix(s, "ssh://"); ok {
		return parseHopURI(rest)
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if i == 0 {
			return "", "", 0, errors.New("empty user name")
		}
		userName, s = s[:i], s[i+1:]
	}
	host, rest, delim, ok := hpdelim(s)
	if !ok || host == "" || delim == '/' {
		return "", "", 0, fmt.Errorf("bad host in %q", s)
	}
	host = cleanHostname(host)
	if rest != "" {
		if port, err = parsePort(rest); err != nil || port <= 0 {
			return "", "", 0, fmt.Errorf("bad port %q", rest)
		}
	}
	return userName, host, port, nil
}

func parseHopURI(s string) (userName, host string, port int, err error) {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		info := s[:i]
		info, _, _ = strings.Cut(info, ";")
		if info == "" {
			return "", "", 0, errors.New("empty user name")
		}
		if userName, err = urlDecode(info); err != nil {
			return "", "", 0, err
		}
		s = s[i+1:]
	}
	host, rest, delim, ok := hpdelim(s)
	if !ok || host == "" {
		return "", "", 0, fmt.Errorf("bad host in %q", s)
	}
	host = cleanHostname(host)
	if !validDomain(host) {
		return "", "", 0, fmt.Errorf("bad host name %q", host)
	}
	host = strings.TrimSuffix(host, ".")
	if rest != "" && delim == ':' {
		p, path, _ := strings.Cut(rest, "/")
		if port, err = parsePort(p); err != nil || port <= 0 {
			return "", "", 0, fmt.Errorf("bad port %q", p)
		}
		rest = path
	}
	if rest != "" {
		return "", "", 0, errors.New("a path is not allowed")
	}
	return userName, host, port, nil
}

// hpdelim is ssh's hpdelim2: the host part of "host[:rest]" or
// "[host]:rest"; delim is ':' or '/' when rest follows.
func hpdelim(s string) (host, rest string, delim byte, ok bool) {
	i := 0
	if strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", "", 0, false
		}
		i = j + 1
	} else if j := strings.IndexAny(s, ":/"); j >= 0 {
		i = j
	} else {
		i = len(s)
	}
	switch {
	case i == len(s):
		return s, "", 0, true
	case s[i] == ':' || s[i] == '/':
		return s[:i], s[i+1:], s[i], true
	}
	return "", "", 0, false
}

// cleanHostname strips the brackets of "[host]".
func cleanHostname(h string) string {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// validDomain is ssh's valid_domain.
func validDomain(s string) bool {
	if s == "" || !isAlnum(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' && i > 0 && s[i-1] == '.' {
			return false
		}
		if c != '.' && c != '-' && c != '_' && !isAlnum(c) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// urlDecode is ssh's urldecode: %XX and '+' for a space.
func urlDecode(s string) (string, error) {
	out, err := url.QueryUnescape(s)
	if err != nil {
		return "", fmt.Errorf("bad URL encoding in %q", s)
	}
	return out, nil
}
