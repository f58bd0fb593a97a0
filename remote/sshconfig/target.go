package sshconfig

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// DefaultConnectTimeout bounds TCP connect, handshake and authentication
// when ssh_config sets no ConnectTimeout (ssh would wait for the system's
// TCP timeout).
const DefaultConnectTimeout = 10 * time.Second

// maxJumpDepth bounds ProxyJump chains (hops of hops included).
const maxJumpDepth = 8

// Target is a host fully resolved: what "ssh NAME" would connect to, with
// every ~, % token and ${VAR} expanded.
type Target struct {
	// Name is the inventory name, also the ssh_config alias.
	Name string
	// HostName is the address to dial.
	HostName string
	Port     int
	User     string
	// IdentityFiles are the identity files; empty means ssh's default
	// files under ~/.ssh. DefaultIdentities is set when they are ssh's
	// defaults, which need not exist.
	IdentityFiles     []string
	DefaultIdentities bool
	IdentitiesOnly    bool
	// CertificateFiles are certificates to offer with the matching keys.
	CertificateFiles []string
	// IdentityAgent is the agent socket: "" means the agent of the
	// environment (SSH_AUTH_SOCK), "none" no agent.
	IdentityAgent string
	// HostKeyAlias, when set, is the name host keys are looked up and
	// recorded under, instead of HostName and Port.
	HostKeyAlias string
	// KnownHostsFiles are the known_hosts files, the user's then the
	// global ones; the first receives keys accepted on first use.
	KnownHostsFiles []string
	// StrictHostKeyChecking is ssh_config's value: "yes", "no", "ask",
	// "accept-new", or "" when unset.
	StrictHostKeyChecking string
	// ConnectTimeout bounds TCP connect, handshake and authentication.
	ConnectTimeout time.Duration
	// ServerAliveInterval and ServerAliveCountMax are ssh_config's
	// keepalive settings; zero means unset (the dialer's own then apply).
	ServerAliveInterval time.Duration
	ServerAliveCountMax int
	// HostKeyAlgorithms, KexAlgorithms, Ciphers and MACs are algorithm
	// specs for AssembleAlgorithms; "" means the client's defaults.
	HostKeyAlgorithms, KexAlgorithms, Ciphers, MACs string
	// Jump is the ProxyJump chain, outermost first; each hop is resolved
	// as ssh resolves it and has no Jump of its own.
	Jump []Target
	// ProxyJump is the ProxyJump value as ssh -G prints it, "" for none.
	ProxyJump string
	// ProxyCommand is the expanded ProxyCommand, "" for none; the openssh
	// transport runs it.
	ProxyCommand string
	// LegacyAlgorithms enables insecure algorithms for old servers.
	LegacyAlgorithms bool
	// Transport is fleet.TransportNative or fleet.TransportOpenSSH.
	Transport string
	// SSHConfigFile is what the openssh transport gives ssh -F ("" for
	// none: ssh reads its default files).
	SSHConfigFile string
	// Preset holds the inventory's values, which the openssh transport
	// gives ssh on its command line.
	Preset Preset
	// Warnings name, with file and line, what ssh_config asks for that
	// this target's transport does not do.
	Warnings []string
}

// Addr is "HostName:Port", the address dialled.
func (t Target) Addr() string {
	port := t.Port
	if port == 0 {
		port = fleet.DefaultPort
	}
	return net.JoinHostPort(t.HostName, strconv.Itoa(port))
}

// KnownHostsAddr is the "host:port" host keys are checked and recorded
// under: HostKeyAlias alone when set (ssh then ignores the port), else
// Addr.
func (t Target) KnownHostsAddr() string {
	if t.HostKeyAlias != "" {
		return net.JoinHostPort(t.HostKeyAlias, strconv.Itoa(fleet.DefaultPort))
	}
	return t.Addr()
}

// Resolve resolves an inventory host the way "ssh NAME" would, the
// inventory's explicit values (address, user, port, identity_file,
// known_hosts) playing the part of ssh's command-line options: they come
// first, so they win and Match sees them. Where ssh_config leaves user,
// port or identity file unset, the inventory's defaults fill them in the
// same way. ctx bounds the Match exec commands. cfg may be nil.
func Resolve(ctx context.Context, h fleet.Host, inv *fleet.Inventory, cfg *Config) (Target, error) {
	r := resolver{inv: inv, cfg: cfg}
	if cfg != nil {
		r.env = cfg.env
	} else if env, err := LocalEnv(nil); err == nil {
		r.env = env
	}
	p := explicitPreset(h, inv)
	o, err := cfg.Evaluate(ctx, h.Name, p)
	if err != nil {
		return Target{}, fmt.Errorf("ssh_config: %w", err)
	}
	if withDefaults, changed := defaultPreset(p, h, o); changed {
		p = withDefaults
		if o, err = cfg.Evaluate(ctx, h.Name, p); err != nil {
			return Target{}, fmt.Errorf("ssh_config: %w", err)
		}
	}
	t, err := r.target(ctx, o, p, []string{h.Name})
	if err != nil {
		return Target{}, err
	}
	t.LegacyAlgorithms = h.LegacyAlgorithms()
	t.Transport = chooseTransport(h, o, &t)
	t.Warnings = warnings(o, t)
	return t, nil
}

// explicitPreset is the inventory's explicit values as ssh options.
func explicitPreset(h fleet.Host, inv *fleet.Inventory) Preset {
	p := Preset{User: h.Explicit.User, Port: h.Explicit.Port, HostName: h.Address}
	if h.Explicit.IdentityFile != "" {
		p.IdentityFiles = []string{h.Explicit.IdentityFile}
	}
	if inv != nil {
		p.UserKnownHostsFiles = inv.KnownHosts
	}
	return p
}

// defaultPreset adds the inventory's defaults for what ssh_config left
// unset; changed is false when there is nothing to add.
func defaultPreset(p Preset, h fleet.Host, o *Options) (Preset, bool) {
	changed := false
	if !o.userSet && h.Defaults.User != "" {
		p.User, changed = h.Defaults.User, true
	}
	if !o.portSet && h.Defaults.Port != 0 {
		p.Port, changed = h.Defaults.Port, true
	}
	if o.DefaultIdentity && h.Defaults.IdentityFile != "" {
		p.IdentityFiles, changed = []string{h.Defaults.IdentityFile}, true
	}
	return p, changed
}

// resolver resolves a target and its jump hosts.
type resolver struct {
	inv *fleet.Inventory
	cfg *Config
	env Env
}

// target turns Options into a Target, one helper per option, in the order
// their tokens need: %h, %p and %r are known once HostName, Port and User are.
func (r *resolver) target(ctx context.Context, o *Options, p Preset, chain []string) (Target, error) {
	t := Target{Name: o.Alias, HostName: o.HostName, Port: o.Port, User: o.User, Preset: p,
		HostKeyAlias: o.HostKeyAlias, IdentitiesOnly: o.IdentitiesOnly, DefaultIdentities: o.DefaultIdentity,
		Transport: fleet.TransportNative}
	if r.cfg != nil {
		t.SSHConfigFile = r.cfg.File
	}
	tk := connTokens(r.env, o.Alias, o.HostName, o.Port, o.User, o.HostKeyAlias)
	var err error
	if t.IdentityFiles, err = expandPaths(o.IdentityFiles, tk, r.env); err != nil {
		return Target{}, err
	}
	if t.CertificateFiles, err = expandPaths(o.CertificateFiles, tk, r.env); err != nil {
		return Target{}, err
	}
	if t.IdentityAgent, err = identityAgent(o.IdentityAgent, tk, r.env); err != nil {
		return Target{}, err
	}
	if t.KnownHostsFiles, err = knownHostsFiles(o, tk, r.env); err != nil {
		return Target{}, err
	}
	t.StrictHostKeyChecking = strictHostKeyChecking(o)
	t.ConnectTimeout = connectTimeout(o)
	t.ServerAliveInterval, t.ServerAliveCountMax = serverAlive(o)
	t.HostKeyAlgorithms, t.KexAlgorithms, t.Ciphers, t.MACs =
		o.HostKeyAlgorithms.Text, o.KexAlgorithms.Text, o.Ciphers.Text, o.MACs.Text
	if t.ProxyCommand, err = proxyCommand(o, tk); err != nil {
		return Target{}, err
	}
	if o.ProxyJump != nil {
		t.ProxyJump = o.ProxyJump.String()
		if t.Jump, err = r.jumps(ctx, o, tk, chain); err != nil {
			return Target{}, err
		}
	}
	return t, nil
}

// expandPaths expands IdentityFile or CertificateFile values as ssh does
// when it loads them: ~, then % tokens and ${VAR}.
func expandPaths(vals []Value, tk tokens, env Env) ([]string, error) {
	var out []string
	for _, v := range vals {
		if strings.EqualFold(v.Text, "none") {
			continue
		}
		s, err := tk.expandPath(v.Text, env)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", v.Where(), v.Text, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// identityAgent is the agent socket ssh would use: unset or
// "SSH_AUTH_SOCK" is the environment's (""), "none" none, "$VAR" that
// variable (none when unset), anything else a path with ~, tokens and
// ${VAR} expanded.
func identityAgent(v *Value, tk tokens, env Env) (string, error) {
	if v == nil {
		return "", nil
	}
	s, err := tk.expandPath(v.Text, env)
	if err != nil {
		return "", fmt.Errorf("%s: IdentityAgent %s: %w", v.Where(), v.Text, err)
	}
	switch {
	case s == "SSH_AUTH_SOCK":
		return "", nil
	case s == "none":
		return "none", nil
	case strings.HasPrefix(s, "$") && !strings.HasPrefix(s, "${"):
		if sock, ok := env.getenv(s[1:]); ok {
			return sock, nil
		}
		return "none", nil
	}
	return s, nil
}

// knownHostsFiles are UserKnownHostsFile (expanded as ssh does) then
// GlobalKnownHostsFile (~ expanded), "none" dropped.
func knownHostsFiles(o *Options, tk tokens, env Env) ([]string, error) {
	out, err := expandPaths(o.UserKnownHostsFiles, tk, env)
	if err != nil {
		return nil, err
	}
	for _, v := range o.GlobalKnownHostsFiles {
		if strings.EqualFold(v.Text, "none") {
			continue
		}
		s, err := tildeExpand(v.Text, env.Home)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", v.Where(), v.Text, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// strictHostKeyChecking is ssh_config's value, "" when it is ssh's default.
func strictHostKeyChecking(o *Options) string {
	if o.StrictHostKeyChecking.File == "" && o.StrictHostKeyChecking.Text == "ask" {
		return ""
	}
	return o.StrictHostKeyChecking.Text
}

// connectTimeout is ConnectTimeout, else DefaultConnectTimeout.
func connectTimeout(o *Options) time.Duration {
	n, _ := strconv.Atoi(o.ConnectTimeout.Text)
	if n <= 0 {
		return DefaultConnectTimeout
	}
	return time.Duration(n) * time.Second
}

// serverAlive is ServerAliveInterval and ServerAliveCountMax when set.
func serverAlive(o *Options) (time.Duration, int) {
	iv, _ := strconv.Atoi(o.ServerAliveInterval.Text)
	n, _ := strconv.Atoi(o.ServerAliveCountMax.Text)
	if o.ServerAliveCountMax.File == "" {
		n = 0
	}
	return time.Duration(max(iv, 0)) * time.Second, n
}

// proxyCommand is ProxyCommand with %h %n %p %r expanded, as ssh does
// before running it.
func proxyCommand(o *Options, tk tokens) (string, error) {
	if o.ProxyCommand == nil {
		return "", nil
	}
	s, err := tk.percentExpand(o.ProxyCommand.Text, proxyTokens)
	if err != nil {
		return "", fmt.Errorf("%s: ProxyCommand: %w", o.ProxyCommand.Where(), err)
	}
	return s, nil
}

// jumps resolves the ProxyJump chain as ssh reaches it: the last hop by
// "ssh [-l user] [-p port] [-J earlier,hops] HOST", so with its own
// configuration (and, when it is the only hop, its own ProxyJump); the
// earlier hops the same way, recursively. Tokens in the spec take the
// target's values, as in the ProxyCommand ssh builds from it.
func (r *resolver) jumps(ctx context.Context, o *Options, tk tokens, chain []string) ([]Target, error) {
	j := *o.ProxyJump
	at := o.ProxyJumpAt.Where()
	if len(chain) > maxJumpDepth {
		return nil, fmt.Errorf("%s: ProxyJump chain too long: %s", at, strings.Join(chain, " -> "))
	}
	for _, s := range []*string{&j.User, &j.Host, &j.Extra} {
		x, err := tk.percentExpand(*s, proxyTokens)
		if err != nil {
			return nil, fmt.Errorf("%s: ProxyJump: %w", at, err)
		}
		*s = x
	}
	for _, seen := range chain {
		if seen == j.Host && j.Extra == "" {
			return nil, fmt.Errorf("%s: ProxyJump loop: %s -> %s", at, strings.Join(chain, " -> "), j.Host)
		}
	}
	p := Preset{User: j.User, Port: j.Port, Jump: j.Extra}
	if r.inv != nil {
		p.UserKnownHostsFiles = r.inv.KnownHosts
	}
	ho, err := r.cfg.Evaluate(ctx, j.Host, p)
	if err != nil {
		return nil, fmt.Errorf("ssh_config: jump host %s: %w", j.Host, err)
	}
	hop, err := r.target(ctx, ho, p, append(chain[:len(chain):len(chain)], j.Host))
	if err != nil {
		return nil, err
	}
	hop.Warnings = warnings(ho, hop)
	inner := hop.Jump
	hop.Jump = nil
	return append(inner, hop), nil
}
