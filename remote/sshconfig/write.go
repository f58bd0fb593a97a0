package sshconfig

import (
	"fmt"
	"strings"

	kbssh "github.com/kevinburke/ssh_config"
)

// Block is one Host block of an ssh_config fleetcheck writes for its own
// fleets (the demo's and the lab's): the values are literal, so a path
// with spaces or a '%' reads back as the very same path.
type Block struct {
	// Patterns are the Host line's patterns.
	Patterns []string
	// Options are the block's settings, in order.
	Options []Option
}

// Option is one setting: a keyword and its arguments (several for a list
// such as UserKnownHostsFile).
type Option struct {
	Keyword string
	Args    []string
}

// Opt is an Option with the given arguments.
func Opt(keyword string, args ...string) Option { return Option{Keyword: keyword, Args: args} }

// Format renders blocks as an ssh_config file, each line of header first
// as a comment. It uses github.com/kevinburke/ssh_config's model of a
// file, whose String is that file's text; each argument is written so that
// ssh reads it back literally: quoted when it holds white space, '#' or
// '=', and with '%' doubled where the keyword expands % tokens. An
// argument ssh cannot read back literally (a double quote, a line break,
// "${", an empty string) is an error naming the keyword.
func Format(header string, blocks []Block) (string, error) {
	cfg := kbssh.Config{}
	for _, b := range blocks {
		h := &kbssh.Host{}
		for _, p := range b.Patterns {
			pat, err := kbssh.NewPattern(p)
			if err != nil {
				return "", fmt.Errorf("host pattern %q: %w", p, err)
			}
			h.Patterns = append(h.Patterns, pat)
		}
		for _, o := range b.Options {
			args := make([]string, len(o.Args))
			for i, a := range o.Args {
				q, err := literal(o.Keyword, a)
				if err != nil {
					return "", err
				}
				args[i] = q
			}
			h.Nodes = append(h.Nodes, &kbssh.KV{Key: o.Keyword, Value: strings.Join(args, " ")})
		}
		h.Nodes = append(h.Nodes, &kbssh.Empty{}) // a blank line after each block
		cfg.Hosts = append(cfg.Hosts, h)
	}
	var out strings.Builder
	if header != "" {
		for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
			out.WriteString(strings.TrimRight("# "+l, " ") + "\n")
		}
	}
	out.WriteString(cfg.String())
	return out.String(), nil
}

// tokenKeywords are the keywords whose values ssh expands % tokens in
// (see the token sets in tokens.go).
var tokenKeywords = map[string]bool{"hostname": true, "proxycommand": true, "proxyjump": true,
	"certificatefile": true, "identityagent": true, "identityfile": true, "userknownhostsfile": true}

// literal writes a as one argument of keyword that ssh (which splits a
// line as its argv_split does) reads back as a.
func literal(keyword, a string) (string, error) {
	switch {
	case a == "":
		return "", fmt.Errorf("ssh_config %s: an empty value cannot be written", keyword)
	case strings.ContainsAny(a, "\"\n\r\x00"):
		return "", fmt.Errorf("ssh_config %s %q: a double quote or line break cannot be written", keyword, a)
	case strings.Contains(a, "${") && tokenKeywords[lower(keyword)]:
		return "", fmt.Errorf("ssh_config %s %q: ssh would expand ${...}", keyword, a)
	}
	if tokenKeywords[lower(keyword)] {
		a = strings.ReplaceAll(a, "%", "%%")
	}
	if strings.ContainsAny(a, whitespace+"#='\\") {
		a = `"` + strings.ReplaceAll(a, `\`, `\\`) + `"`
	}
	return a, nil
}
