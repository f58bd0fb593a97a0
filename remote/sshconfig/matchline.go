package sshconfig

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// criterion is one condition of a Match line.
type criterion struct {
	negate bool
	attr   string // lower case
	arg    string
}

// matchAttrs are the Match criteria of OpenSSH 9.2.
var matchAttrs = map[string]bool{"all": false, "canonical": false, "final": false,
	"exec": true, "host": true, "originalhost": true, "user": true, "localuser": true}

// parseMatch splits a Match line into criteria with ssh's strdelim and
// checks them as match_cfg_line does.
func parseMatch(rest string) ([]criterion, error) {
	var out []criterion
	s, more := rest, rest != ""
	for more {
		var tok string
		var ok bool
		tok, s, more, ok = strdelim(s)
		if !ok {
			return nil, errQuotes
		}
		if tok == "" {
			if !more {
				break
			}
			continue
		}
		if tok[0] == '#' {
			break
		}
		c := criterion{attr: lower(tok)}
		if strings.HasPrefix(c.attr, "!") {
			c.negate, c.attr = true, c.attr[1:]
		}
		needsArg, known := matchAttrs[c.attr]
		if !known {
			return nil, fmt.Errorf("unsupported Match attribute %s", c.attr)
		}
		if c.attr == "all" {
			if len(out) > 1 || (more && s != "" && s[0] != '#') {
				return nil, fmt.Errorf("'%s' cannot be combined with other Match attributes", tok)
			}
			return append(out, c), nil
		}
		if needsArg {
			var arg string
			if more {
				arg, s, more, ok = strdelim(s)
				if !ok {
					return nil, errQuotes
				}
			}
			if arg == "" || arg[0] == '#' {
				return nil, fmt.Errorf("missing Match criteria for %s", c.attr)
			}
			c.arg = arg
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("one or more attributes required for Match")
	}
	return out, nil
}

// wantsFinal reports whether a Match line asks for ssh's final pass: it
// names "final" before any "all".
func wantsFinal(crit []criterion) bool {
	for _, c := range crit {
		if c.attr == "final" {
			return true
		}
	}
	return false
}

// matchLine evaluates a Match line for the host being resolved, as ssh's
// match_cfg_line: criteria in order, with the values known so far; an
// exec runs only while every criterion before it matched.
func (ev *evaluation) matchLine(ctx context.Context, l line) (bool, error) {
	crit, err := parseMatch(l.rest)
	if err != nil {
		return false, err
	}
	st := ev.st
	port := st.port
	if port <= 0 {
		port = defaultPort
	}
	ruser := ev.env.LocalUser
	if st.user != nil {
		ruser = st.user.Text
	}
	host := ev.hostArg
	switch {
	case ev.final:
		host = st.hostname.Text
	case st.hostname != nil:
		host, err = tokens{'h': ev.hostArg}.percentExpand(st.hostname.Text, hostNameTokens)
		if err != nil {
			return false, fmt.Errorf("HostName %s (%s): %w", st.hostname.Text, st.hostname.Where(), err)
		}
	}
	result := true
	for _, c := range crit {
		var r bool
		switch c.attr {
		case "all":
			return result && !c.negate, nil
		case "canonical", "final":
			r = ev.final
		case "host":
			r = matchHostname(host, c.arg)
		case "originalhost":
			r = matchHostname(ev.hostArg, c.arg)
		case "user":
			r = matchPatternList(ruser, c.arg, false) == 1
		case "localuser":
			r = matchPatternList(ev.env.LocalUser, c.arg, false) == 1
		case "exec":
			if !result {
				continue
			}
			keyAlias := host
			if st.hostKeyAlias != nil {
				keyAlias = st.hostKeyAlias.Text
			}
			tk := connTokens(ev.env, ev.hostArg, host, port, ruser, keyAlias)
			cmd, err := tk.percentExpand(c.arg, pathTokens)
			if err != nil {
				return false, fmt.Errorf("match exec %q: %w", c.arg, err)
			}
			if r, err = ev.exec(ctx, cmd); err != nil {
				return false, fmt.Errorf("match exec %q: %w", cmd, err)
			}
		}
		if r == c.negate {
			result = false
		}
	}
	return result, nil
}

// runExec runs a Match exec command as ssh's execute_in_shell: through
// $SHELL (else /bin/sh) -c, standard input and output discarded; it
// matches when the command exits 0. The context bounds it: ssh would
// wait for ever.
func runExec(ctx context.Context, env Env, cmd string) (bool, error) {
	shell, ok := env.getenv("SHELL")
	if !ok {
		shell = "/bin/sh"
	}
	var stderr bytes.Buffer
	c := exec.CommandContext(ctx, shell, "-c", cmd)
	c.Stdin = strings.NewReader("")
	c.Stdout = io.Discard
	c.Stderr = &limitWriter{w: &stderr, n: 1024}
	c.Env = env.Environ
	if c.Env == nil {
		c.Env = os.Environ()
	}
	c.WaitDelay = 2 * time.Second
	err := c.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case ctx.Err() != nil:
		return false, fmt.Errorf("did not finish: %w", context.Cause(ctx))
	case errors.As(err, &ee) && ee.Exited():
		return false, nil
	case errors.As(err, &ee):
		return false, fmt.Errorf("exited abnormally (%v)%s", ee, stderrNote(stderr.String()))
	}
	return false, err
}

func stderrNote(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return ": " + strconv.Quote(s)
}

// limitWriter keeps the first n bytes written to it and drains the rest.
type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
