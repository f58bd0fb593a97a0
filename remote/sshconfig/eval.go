package sshconfig

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// defaultPort is ssh's port when none is configured.
const defaultPort = 22

// Value is one configuration value and where it was set.
type Value struct {
	Text string
	// File and Line locate the directive; File is "" for a value given
	// on the command line (by the inventory).
	File string
	Line int
}

// Where is "file:line", or "inventory" for a command-line value.
func (v Value) Where() string {
	if v.File == "" {
		return "inventory"
	}
	return v.File + ":" + strconv.Itoa(v.Line)
}

// Preset holds what ssh would get on its command line before reading
// its configuration (-l, -p, -o HostName=, -i, -o UserKnownHostsFile=,
// -J): these values come first, so they win, and Match sees them.
type Preset struct {
	User     string
	Port     int
	HostName string
	// IdentityFiles are added before the configured ones, as -i does.
	IdentityFiles []string
	// UserKnownHostsFiles replace the configured ones.
	UserKnownHostsFiles []string
	// Jump is a ProxyJump spec, as -J takes it.
	Jump string
}

// setting is a directive that applied to the host, kept for warnings.
type setting struct {
	keyword string // lower case
	Value
}

// state is ssh's Options while the configuration is read: unset values
// are nil (or -1), and the first value obtained wins.
type state struct {
	hostname, user, hostKeyAlias, identityAgent, proxyCommand    *Value
	hostKeyAlgorithms, kexAlgorithms, ciphers, macs, ignoreUnk   *Value
	identitiesOnly, strict, canonicalize, fallbackLocal, maxDots *Value
	port                                                         int
	connectTimeout, serverAliveInterval, serverAliveCountMax     int
	timeoutAt, aliveAt, countAt                                  Value
	identityFiles, certificateFiles                              []pathValue
	userKnownHosts, globalKnownHosts, canonicalDomains           []Value
	permittedCNAMEs                                              *Value
	jump                                                         *Jump
	jumpNone                                                     bool
	jumpAt                                                       Value
	applied                                                      []setting
	seen                                                         map[string]bool
}

// pathValue is an IdentityFile or CertificateFile; ssh keeps the
// duplicates of files given by the system configuration apart from the
// user's.
type pathValue struct {
	Value
	userProvided bool
}

// evaluation is one resolution of an alias: ssh's two passes over the
// configuration files.
type evaluation struct {
	c       *Config
	env     Env
	st      *state
	hostArg string // the alias, as given
	host    string // what Host lines match: the alias, then (final pass) the host name
	final   bool
	wantFin bool
	exec    func(ctx context.Context, cmd string) (bool, error)
	warns   []string
	warned  map[string]bool
}

// Options are the values ssh_config gives one alias, as OpenSSH 9.2
// computes them (what "ssh -G" prints), before any ~ or % is expanded
// (except in the known_hosts files, where ssh -G shows them expanded).
type Options struct {
	// Alias is the name resolved, as given (ssh's host_arg).
	Alias string
	// HostName is the host to connect to: the HostName with %h expanded,
	// lower-cased unless it is an address.
	HostName string
	User     string
	Port     int
	// IdentityFiles and CertificateFiles are as configured (ssh's
	// defaults when no IdentityFile is set: Default is then set).
	IdentityFiles    []Value
	CertificateFiles []Value
	DefaultIdentity  bool
	IdentitiesOnly   bool
	// IdentityAgent is as configured; nil when unset.
	IdentityAgent *Value
	// HostKeyAlias is lower-cased, "" when unset.
	HostKeyAlias string
	// UserKnownHostsFiles and GlobalKnownHostsFiles are as configured, or
	// ssh's defaults.
	UserKnownHostsFiles   []Value
	GlobalKnownHostsFiles []Value
	// StrictHostKeyChecking is "yes", "no", "ask" or "accept-new".
	StrictHostKeyChecking Value
	// ConnectTimeout and ServerAliveInterval are in seconds; -1 and 0
	// mean none.
	ConnectTimeout      Value
	ServerAliveInterval Value
	ServerAliveCountMax Value
	// HostKeyAlgorithms, KexAlgorithms, Ciphers and MACs are algorithm
	// specs as configured ("+name", "-name", "^name" or a list); Text ""
	// means the defaults.
	HostKeyAlgorithms, KexAlgorithms, Ciphers, MACs Value
	// ProxyCommand is nil for none.
	ProxyCommand *Value
	// ProxyJump is nil for none.
	ProxyJump   *Jump
	ProxyJumpAt Value
	// NeedsDNS names the directive that would make ssh look the host name
	// up in the DNS (hostname canonicalisation), which resolution never does.
	NeedsDNS *Value

	applied          []setting
	userSet, portSet bool
	// Warnings are about this host's resolution: unknown keywords, ...
	Warnings []string
}

// Evaluate resolves alias as "ssh -G [preset] alias" does, running Match
// exec commands (bounded by ctx) as ssh would. An error is what makes ssh
// refuse to go on (a bad token, a Match exec that did not exit), with the
// file and line.
func (c *Config) Evaluate(ctx context.Context, alias string, p Preset) (*Options, error) {
	var env Env
	if c != nil {
		env = c.env
	} else if local, err := LocalEnv(nil); err == nil {
		env = local
	}
	ev := &evaluation{c: c, env: env, hostArg: alias, host: alias, warned: map[string]bool{}}
	ev.exec = func(ctx context.Context, cmd string) (bool, error) { return runExec(ctx, env, cmd) }
	st, err := newState(p, env, ev.warnOnce)
	if err != nil {
		return nil, err
	}
	ev.st = st
	if err := ev.pass(ctx); err != nil {
		return nil, err
	}
	host := alias
	if st.hostname != nil {
		if host, err = (tokens{'h': alias}).percentExpand(st.hostname.Text, hostNameTokens); err != nil {
			return nil, fmt.Errorf("%s: HostName %s: %w", st.hostname.Where(), st.hostname.Text, err)
		}
	}
	wasAddr := false
	if canon, ok := numericHost(host); ok {
		wasAddr = true
		if !strings.EqualFold(canon, host) {
			host = canon
		}
	} else {
		host = lower(host)
	}
	needsDNS := ev.needsDNS(host, wasAddr)
	if st.canonicalize != nil && st.canonicalize.Text != "no" {
		ev.wantFin = true
	}
	if ev.wantFin {
		at := Value{Text: host}
		if st.hostname != nil {
			at.File, at.Line = st.hostname.File, st.hostname.Line
		}
		st.hostname = &at
		ev.host, ev.final = host, true
		if err := ev.pass(ctx); err != nil {
			return nil, err
		}
	}
	o := ev.options(host)
	o.NeedsDNS = needsDNS
	if j := o.ProxyJump; j != nil {
		jp := j.Port
		if jp <= 0 {
			jp = defaultPort
		}
		ju := j.User
		if ju == "" {
			ju = o.User
		}
		if j.Host == o.HostName && jp == o.Port && ju == o.User {
			return nil, fmt.Errorf("%s: jumphost loop via %s", o.ProxyJumpAt.Where(), j.Host)
		}
	}
	return o, nil
}

// newState is ssh's Options after the command line. As with ssh -i, an
// identity file that does not exist is left out, with a warning.
func newState(p Preset, env Env, warn func(string)) (*state, error) {
	st := &state{port: -1, connectTimeout: -1, serverAliveInterval: -1, serverAliveCountMax: -1,
		seen: map[string]bool{}}
	cmdline := func(s string) *Value { return &Value{Text: s} }
	if p.User != "" {
		st.user = cmdline(p.User)
	}
	if p.Port != 0 {
		st.port = p.Port
	}
	if p.HostName != "" {
		st.hostname = cmdline(p.HostName)
	}
	for _, f := range p.IdentityFiles {
		exp, err := tildeExpand(f, env.Home)
		if err != nil {
			return nil, fmt.Errorf("identity file %s: %w", f, err)
		}
		if _, err := os.Stat(exp); err != nil {
			warn(fmt.Sprintf("identity file %s not accessible: %v", exp, errors.Unwrap(err)))
			continue
		}
		st.identityFiles = addPath(st.identityFiles, pathValue{Value: Value{Text: exp}, userProvided: true})
	}
	for _, f := range p.UserKnownHostsFiles {
		st.userKnownHosts = append(st.userKnownHosts, Value{Text: f})
	}
	if p.Jump != "" {
		spec, err := parseJump(p.Jump)
		if err != nil {
			return nil, err
		}
		st.setJump(spec, Value{Text: p.Jump})
	}
	return st, nil
}

// pass reads every configuration file once, as ssh's read_config_file:
// each top-level file starts active.
func (ev *evaluation) pass(ctx context.Context) error {
	if ev.c == nil {
		return nil
	}
	for _, f := range ev.c.files {
		active := true
		if err := ev.file(ctx, f, &active, false); err != nil {
			return err
		}
	}
	return nil
}

// file evaluates one file's directives. Host and Match lines switch
// active; an Include reads its files with the same active flag (in
// parse-only mode when it is off) and restores it afterwards, as ssh does.
func (ev *evaluation) file(ctx context.Context, f *file, active *bool, neverMatch bool) error {
	for i := 0; i < len(f.lines); i++ {
		if r := f.runs[i]; r != nil {
			if err := ev.run(f, r, active, neverMatch); err != nil {
				return err
			}
			i = r.end - 1
			continue
		}
		l := f.lines[i]
		switch l.keyword {
		case "host":
			*active = !l.bad && !neverMatch && ev.hostMatches(l.args)
		case "match":
			if l.bad {
				*active = false
				continue
			}
			if crit, _ := parseMatch(l.rest); !ev.final && wantsFinal(crit) {
				ev.wantFin = true
			}
			ok, err := ev.matchLine(ctx, l)
			if err != nil {
				return fmt.Errorf("%s:%d: %w", f.name, l.n, err)
			}
			*active = !neverMatch && ok
		case "include":
			was := *active
			for _, inc := range l.includes {
				if err := ev.file(ctx, inc, active, neverMatch || !was); err != nil {
					return err
				}
				*active = was
			}
		default:
			if l.bad {
				continue
			}
			if _, known := keywords[l.keyword]; !known {
				if ev.st.ignoreUnk == nil || matchPatternList(l.keyword, ev.st.ignoreUnk.Text, true) != 1 {
					ev.warnOnce(fmt.Sprintf("%s:%d: unknown keyword %s; ignored (ssh refuses the file)", f.name, l.n, l.keyword))
				}
				continue
			}
			if *active {
				if err := ev.apply(f, l); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// hostMatches is ssh's Host line: a matching negated pattern rules the
// block out, otherwise any matching pattern rules it in. Case matters.
func (ev *evaluation) hostMatches(patterns []string) bool {
	ok := false
	for _, p := range patterns {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if matchPattern(ev.host, p) {
			if neg {
				return false
			}
			ok = true
		}
	}
	return ok
}

func (ev *evaluation) warnOnce(w string) {
	if !ev.warned[w] {
		ev.warned[w] = true
		ev.warns = append(ev.warns, w)
	}
}

// needsDNS reports the directive that would make ssh look host up in the
// DNS to canonicalise it (ssh.c resolve_canonicalize), or nil; its Text
// is the directive.
func (ev *evaluation) needsDNS(host string, wasAddr bool) *Value {
	st := ev.st
	if wasAddr {
		return nil
	}
	direct := (st.proxyCommand == nil || strings.EqualFold(st.proxyCommand.Text, "none")) && st.jump == nil && !st.jumpNone
	mode := "no"
	if st.canonicalize != nil {
		mode = st.canonicalize.Text
	}
	directive := func(kw string, v *Value) *Value {
		d := *v
		d.Text = kw + " " + v.Text
		return &d
	}
	if st.permittedCNAMEs != nil && !strings.EqualFold(st.permittedCNAMEs.Text, "none") && (direct || mode == "always") {
		return directive("CanonicalizePermittedCNAMEs", st.permittedCNAMEs)
	}
	if mode == "no" || (!direct && mode != "always") {
		return nil
	}
	maxDots := 1
	if st.maxDots != nil {
		maxDots, _ = strconv.Atoi(st.maxDots.Text)
	}
	lookup := strings.HasSuffix(host, ".") ||
		(strings.Count(host, ".") <= maxDots && len(st.canonicalDomains) > 0 &&
			!strings.EqualFold(st.canonicalDomains[0].Text, "none"))
	if !lookup {
		return nil
	}
	return directive("CanonicalizeHostname", st.canonicalize)
}
