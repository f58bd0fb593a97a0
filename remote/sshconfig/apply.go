package sshconfig

import (
	"fmt"
	"strconv"
	"strings"
)

// multiValued keywords take effect on every line that applies, not only
// the first.
var multiValued = map[string]bool{"localforward": true, "remoteforward": true, "dynamicforward": true,
	"sendenv": true}

// apply takes one directive that applies to the host into the state, as
// ssh's process_config_line does: the first value obtained wins, except
// for IdentityFile and CertificateFile, which accumulate.
func (ev *evaluation) apply(f *file, l line) error {
	st := ev.st
	v := Value{File: f.name, Line: l.n}
	if len(l.args) > 0 {
		v.Text = l.args[0]
	}
	if keywords[l.keyword].support != honoured {
		v.Text = strings.Join(l.args, " ")
		if !st.seen[l.keyword] || multiValued[l.keyword] {
			st.seen[l.keyword] = true
			st.applied = append(st.applied, setting{keyword: l.keyword, Value: v})
		}
		return nil
	}
	once := func(p **Value) {
		if *p == nil {
			c := v
			*p = &c
		}
	}
	canonical := func() Value {
		c := v
		c.Text, _ = parseValue(valueKinds[l.keyword], v.Text)
		return c
	}
	onceCanonical := func(p **Value) {
		if *p == nil {
			c := canonical()
			*p = &c
		}
	}
	switch l.keyword {
	case "hostname":
		once(&st.hostname)
	case "user":
		once(&st.user)
	case "hostkeyalias":
		once(&st.hostKeyAlias)
	case "identityagent":
		once(&st.identityAgent)
	case "hostkeyalgorithms":
		once(&st.hostKeyAlgorithms)
	case "kexalgorithms":
		once(&st.kexAlgorithms)
	case "ciphers":
		once(&st.ciphers)
	case "macs":
		once(&st.macs)
	case "ignoreunknown":
		once(&st.ignoreUnk)
	case "port":
		if st.port == -1 {
			st.port, _ = strconv.Atoi(canonical().Text)
		}
	case "identitiesonly":
		onceCanonical(&st.identitiesOnly)
	case "stricthostkeychecking":
		onceCanonical(&st.strict)
	case "canonicalizehostname":
		onceCanonical(&st.canonicalize)
	case "canonicalizefallbacklocal":
		onceCanonical(&st.fallbackLocal)
	case "canonicalizemaxdots":
		onceCanonical(&st.maxDots)
	case "connecttimeout":
		setInt(&st.connectTimeout, &st.timeoutAt, canonical())
	case "serveraliveinterval":
		setInt(&st.serverAliveInterval, &st.aliveAt, canonical())
	case "serveralivecountmax":
		setInt(&st.serverAliveCountMax, &st.countAt, canonical())
	case "identityfile", "identityfile2":
		st.identityFiles = addPath(st.identityFiles, pathValue{Value: v, userProvided: f.user})
	case "certificatefile":
		st.certificateFiles = addPath(st.certificateFiles, pathValue{Value: v, userProvided: f.user})
	case "userknownhostsfile":
		st.userKnownHosts = setList(st.userKnownHosts, l.args, v)
	case "globalknownhostsfile":
		st.globalKnownHosts = setList(st.globalKnownHosts, l.args, v)
	case "canonicaldomains":
		st.canonicalDomains = setList(st.canonicalDomains, l.args, v)
	case "canonicalizepermittedcnames":
		once(&st.permittedCNAMEs)
	case "proxycommand":
		v.Text = proxyArg(l.rest)
		once(&st.proxyCommand)
	case "proxyjump":
		v.Text = proxyArg(l.rest)
		spec, err := parseJump(v.Text)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", f.name, l.n, err)
		}
		st.setJump(spec, v)
	}
	return nil
}

// setJump records a ProxyJump as ssh's parse_jump does: "none" holds the
// place of a ProxyJump (no later one applies) but not of a ProxyCommand;
// a real one applies only when neither is set yet, and sets ProxyCommand
// to "none", so that no later ProxyCommand applies either.
func (st *state) setJump(spec jumpSpec, at Value) {
	if spec.none {
		if st.jump == nil && !st.jumpNone {
			st.jumpNone, st.jumpAt = true, at
		}
		return
	}
	if st.proxyCommand != nil || st.jump != nil || st.jumpNone {
		return
	}
	st.jumpAt = at
	j := spec.last
	st.jump = &j
	st.proxyCommand = &Value{Text: "none", File: at.File, Line: at.Line}
}

// setInt sets an integer option that is still unset; a "none" (-1)
// leaves it unset, so a later line can still set it, as in ssh.
func setInt(dst *int, at *Value, v Value) {
	n, _ := strconv.Atoi(v.Text)
	if *dst == -1 {
		*dst = n
		if n != -1 {
			*at = v
		}
	}
}

// setList fills a list option from the first line that applies.
func setList(dst []Value, args []string, at Value) []Value {
	if len(dst) > 0 {
		return dst
	}
	for _, a := range args {
		v := at
		v.Text = a
		dst = append(dst, v)
	}
	return dst
}

// addPath adds an identity or certificate file unless ssh already has it
// (ssh's add_identity_file: same text, same origin). ssh allows 100.
func addPath(list []pathValue, p pathValue) []pathValue {
	for _, e := range list {
		if e.userProvided == p.userProvided && e.Text == p.Text {
			return list
		}
	}
	if len(list) >= 100 {
		return list
	}
	return append(list, p)
}

// defaultIdentityFiles are ssh's IdentityFile defaults, in its order.
var defaultIdentityFiles = []string{"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk",
	"~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa"}

// options fills ssh's defaults (fill_default_options) into the state and
// returns the result; host is the final host name.
func (ev *evaluation) options(host string) *Options {
	st := ev.st
	o := &Options{Alias: ev.hostArg, HostName: host, Port: st.port, applied: st.applied, Warnings: ev.warns}
	o.User = ev.env.LocalUser
	if st.user != nil {
		o.User, o.userSet = st.user.Text, true
	}
	o.portSet = st.port > 0
	if o.Port <= 0 {
		o.Port = defaultPort
	}
	for _, p := range st.identityFiles {
		o.IdentityFiles = append(o.IdentityFiles, p.Value)
	}
	if len(o.IdentityFiles) == 0 {
		o.DefaultIdentity = true
		for _, f := range defaultIdentityFiles {
			o.IdentityFiles = append(o.IdentityFiles, Value{Text: f})
		}
	}
	for _, p := range st.certificateFiles {
		o.CertificateFiles = append(o.CertificateFiles, p.Value)
	}
	o.IdentitiesOnly = st.identitiesOnly != nil && st.identitiesOnly.Text == "yes"
	o.IdentityAgent = st.identityAgent
	if st.hostKeyAlias != nil {
		o.HostKeyAlias = lower(st.hostKeyAlias.Text)
	}
	o.UserKnownHostsFiles = st.userKnownHosts
	if len(o.UserKnownHostsFiles) == 0 {
		o.UserKnownHostsFiles = []Value{{Text: "~/.ssh/known_hosts"}, {Text: "~/.ssh/known_hosts2"}}
	}
	o.GlobalKnownHostsFiles = st.globalKnownHosts
	if len(o.GlobalKnownHostsFiles) == 0 {
		o.GlobalKnownHostsFiles = []Value{{Text: "/etc/ssh/ssh_known_hosts"}, {Text: "/etc/ssh/ssh_known_hosts2"}}
	}
	o.StrictHostKeyChecking = Value{Text: "ask"}
	if st.strict != nil {
		o.StrictHostKeyChecking = *st.strict
	}
	o.ConnectTimeout = intValue(st.connectTimeout, st.timeoutAt, -1)
	o.ServerAliveInterval = intValue(st.serverAliveInterval, st.aliveAt, 0)
	o.ServerAliveCountMax = intValue(st.serverAliveCountMax, st.countAt, 3)
	for _, a := range []struct {
		dst *Value
		src *Value
	}{{&o.HostKeyAlgorithms, st.hostKeyAlgorithms}, {&o.KexAlgorithms, st.kexAlgorithms},
		{&o.Ciphers, st.ciphers}, {&o.MACs, st.macs}} {
		if a.src != nil {
			*a.dst = *a.src
		}
	}
	if st.proxyCommand != nil && !strings.EqualFold(st.proxyCommand.Text, "none") {
		o.ProxyCommand = st.proxyCommand
	}
	if st.jump != nil {
		o.ProxyJump, o.ProxyJumpAt = st.jump, st.jumpAt
	}
	return o
}

// intValue is an integer option, or its default when unset.
func intValue(n int, at Value, def int) Value {
	if n == -1 {
		return Value{Text: strconv.Itoa(def)}
	}
	at.Text = strconv.Itoa(n)
	return at
}
