package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/semaphore"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// DefaultConnectTimeout is the connect timeout of a Target that has none.
const DefaultConnectTimeout = sshconfig.DefaultConnectTimeout

// Defaults of DialerOptions.
const (
	DefaultSessions     = 4
	DefaultKillGrace    = 3 * time.Second
	DefaultBastionDials = 8
)

// DialerOptions configure a Dialer. The zero value is strict host key
// checking, no agent, 4 sessions per connection.
type DialerOptions struct {
	// Policy applies to hosts not in known_hosts. An ssh_config
	// StrictHostKeyChecking of accept-new (or no) turns Strict into
	// AcceptNew for that host, as it would for ssh; nothing turns on Insecure.
	Policy HostKeyPolicy
	// KnownHosts are the known_hosts files for Targets that list none.
	KnownHosts []string
	// AgentSocket is the ssh-agent socket, typically os.Getenv("SSH_AUTH_SOCK");
	// "" means no agent.
	AgentSocket string
	// Sessions bounds the concurrent sessions (Runs) per connection; at
	// most DefaultSessions when 0. OpenSSH allows 10.
	Sessions int
	// KeepaliveInterval is the keepalive period; 0 means
	// DefaultKeepaliveInterval, a negative value disables keepalives.
	KeepaliveInterval time.Duration
	// KillGrace is how long a Run whose ctx ended waits for the server to
	// close the session before closing the whole connection; 0 means
	// DefaultKillGrace.
	KillGrace time.Duration
	// BastionDials bounds concurrent connection setups through one jump
	// host (sshd's MaxStartups drops excess ones); 0 means DefaultBastionDials.
	BastionDials int
	// Home is the directory holding .ssh for default identity files; ""
	// means the user's home directory.
	Home string
	// Logf, if set, receives diagnostics that are not errors.
	Logf func(format string, args ...any)
}

// Dialer connects to Targets. It holds what hosts share during a run: one
// agent connection, the known_hosts databases, the accept-new writer (one
// mutex, one append handle per file), parsed identity files, and one client
// per jump host. It is safe for concurrent use.
type Dialer struct {
	opt    DialerOptions
	home   string
	keys   *hostKeys
	ids    identities
	agents *agents

	mu       sync.Mutex
	bastions map[string]*bastion
	closed   bool
	openssh  *controlDir
}

// NewDialer returns a Dialer; Close releases what it holds.
func NewDialer(opt DialerOptions) (*Dialer, error) {
	if opt.Sessions <= 0 {
		opt.Sessions = DefaultSessions
	}
	if opt.KeepaliveInterval == 0 {
		opt.KeepaliveInterval = DefaultKeepaliveInterval
	}
	if opt.KillGrace <= 0 {
		opt.KillGrace = DefaultKillGrace
	}
	if opt.BastionDials <= 0 {
		opt.BastionDials = DefaultBastionDials
	}
	if opt.Policy < Strict || opt.Policy > Insecure {
		return nil, fmt.Errorf("unknown host key policy %d", int(opt.Policy))
	}
	home := opt.Home
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return nil, fmt.Errorf("home directory: %w", err)
		}
		home = h
	}
	return &Dialer{opt: opt, home: home, keys: newHostKeys(), agents: &agents{def: opt.AgentSocket},
		bastions: map[string]*bastion{}, openssh: &controlDir{}}, nil
}

func (d *Dialer) logf(format string, args ...any) {
	if d.opt.Logf != nil {
		d.opt.Logf(format, args...)
	}
}

// Conn is a connection to one host.
type Conn interface {
	// Runner runs one command per session; at most DialerOptions.Sessions
	// at once, further Runs wait (honouring their ctx).
	Runner
	// Security reports the weakened settings the connection needed.
	Security() fleet.Security
	// Close ends the connection (not the jump hosts, which the Dialer keeps).
	Close() error
}

// Connect connects to t with its transport (native unless t.Transport is
// fleet.TransportOpenSSH). Setting up the connection (TCP, handshake and
// authentication, per hop) is bounded by t.ConnectTimeout and by ctx.
func (d *Dialer) Connect(ctx context.Context, t sshconfig.Target) (Conn, error) {
	d.mu.Lock()
	closed := d.closed
	d.mu.Unlock()
	if closed {
		return nil, errors.New("dialer closed")
	}
	switch t.Transport {
	case "", fleet.TransportNative:
		return d.connectNative(ctx, t)
	case fleet.TransportOpenSSH:
		return d.connectOpenSSH(ctx, t)
	}
	return nil, fmt.Errorf("unknown transport %q", t.Transport)
}

func (d *Dialer) connectNative(ctx context.Context, t sshconfig.Target) (Conn, error) {
	if t.ProxyCommand != "" {
		return nil, fmt.Errorf("ProxyCommand %q is not supported by the native transport; set transport: openssh for this host", t.ProxyCommand)
	}
	for _, hop := range t.Jump {
		if hop.ProxyCommand != "" {
			return nil, fmt.Errorf("jump host %s uses ProxyCommand %q, which the native transport does not support; set transport: openssh for this host", hop.Name, hop.ProxyCommand)
		}
	}
	var via *ssh.Client
	var viaBastion *bastion
	for i := range t.Jump {
		b, err := d.bastion(ctx, t.Jump[:i+1], via)
		if err != nil {
			return nil, &DialError{Addr: t.Addr(), Hop: t.Jump[i].Name, Err: err}
		}
		via, viaBastion = b.client, b
	}
	if viaBastion != nil {
		if err := viaBastion.sem.Acquire(ctx, 1); err != nil {
			return nil, &DialError{Addr: t.Addr(), Hop: viaBastion.name, Err: context.Cause(ctx)}
		}
		defer viaBastion.sem.Release(1)
	}
	c, sec, err := d.dial(ctx, t, via)
	if err != nil {
		var de *DialError
		if viaBastion != nil && errors.As(err, &de) && de.Hop == "" {
			de.Hop = viaBastion.name
		}
		return nil, err
	}
	return d.newConn(c, sec, t), nil
}

// dial sets up one SSH connection to t, directly or through via. Host
// keys are checked under t.KnownHostsAddr() (the address as dialled, or
// the HostKeyAlias), never under the connection's remote address, which a
// connection through a jump host does not have. When ctx ends first, the
// error names the step that was waiting ("host deadline 120s reached
// while authenticating").
func (d *Dialer) dial(ctx context.Context, t sshconfig.Target, via *ssh.Client) (*ssh.Client, fleet.Security, error) {
	addr, khAddr := t.Addr(), t.KnownHostsAddr()
	timeout := t.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout,
		fmt.Errorf("no answer within %s: %w", timeout, errConnectTimeout))
	defer cancel()

	files := t.KnownHostsFiles
	if len(files) == 0 {
		files = d.opt.KnownHosts
	}
	hc, known, err := d.newHostKeyCheck(khAddr, addr, files, effectivePolicy(d.opt.Policy, t.StrictHostKeyChecking))
	if err != nil {
		return nil, fleet.Security{}, err
	}
	st := &authState{}
	cfg := &ssh.ClientConfig{
		User:            t.User,
		Auth:            []ssh.AuthMethod{d.authMethod(t, st)},
		HostKeyCallback: hc.callback,
	}
	if cfg.HostKeyAlgorithms, err = hostKeyAlgorithms(t, known); err != nil {
		return nil, fleet.Security{}, err
	}
	if err := applyAlgorithms(cfg, t); err != nil {
		return nil, fleet.Security{}, err
	}

	var nc net.Conn
	if via != nil {
		nc, err = via.DialContext(ctx, "tcp", addr)
	} else {
		nc, err = (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = stepError(ctx, "connecting")
		}
		return nil, fleet.Security{}, &DialError{Addr: addr, Timeout: errors.Is(err, errConnectTimeout), Err: err}
	}
	// ClientConfig.Timeout covers only the TCP connect, and a connection
	// through a jump host has no deadlines: closing the conn is the only
	// way to bound a handshake with a peer that never speaks.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	c, chans, reqs, err := ssh.NewClientConn(nc, khAddr, cfg)
	if !stop() {
		if err == nil {
			c.Close()
		}
		step := "exchanging keys"
		switch {
		case st.called:
			step = "authenticating"
		case hc.fingerprint != "":
			step = "checking the host key"
		}
		err := stepError(ctx, step)
		return nil, fleet.Security{}, &DialError{Addr: addr, Timeout: errors.Is(err, errConnectTimeout), Err: err}
	}
	if err != nil {
		return nil, fleet.Security{}, classifyHandshake(t, khAddr, hc, st, err)
	}
	sec := fleet.Security{HostKeyFingerprint: hc.fingerprint, HostKeyAdded: hc.added, InsecureHostKey: hc.insecure}
	if am, ok := c.(ssh.AlgorithmsConnMetadata); ok {
		sec.LegacyAlgorithms = insecureNegotiated(am.Algorithms())
	}
	if hc.added {
		d.logf("%s: host key %s added to %s", khAddr, hc.fingerprint, files[0])
	}
	return ssh.NewClient(c, chans, reqs), sec, nil
}

// stepError is the error of a connection step ctx ended: the connect
// timeout's own message ("ssh handshake: no answer within 10s"), or the
// host's deadline or interruption with the step it stopped.
func stepError(ctx context.Context, step string) error {
	cause := context.Cause(ctx)
	if errors.Is(cause, errConnectTimeout) {
		if step == "connecting" {
			return cause
		}
		return fmt.Errorf("ssh handshake: %w", cause)
	}
	return interrupted(ctx, step)
}

// classifyHandshake turns a failed handshake into a typed error.
func classifyHandshake(t sshconfig.Target, addr string, hc *hostKeyCheck, st *authState, err error) error {
	var hke *HostKeyError
	if errors.As(err, &hke) {
		return hke
	}
	if e := hc.changedByAlgorithms(addr, err); e != nil {
		return e
	}
	if e, ok := algorithmError(addr, t.LegacyAlgorithms, err); ok {
		return e
	}
	msg := err.Error()
	if errors.Is(err, errNoUsableKey) || strings.Contains(msg, "unable to authenticate") ||
		(st.called && strings.Contains(strings.ToLower(msg), "authentication")) {
		return authError(t, addr, st, err)
	}
	return &DialError{Addr: addr, Err: err}
}

// For is the policy for a host whose ssh_config's StrictHostKeyChecking
// is strict (see effectivePolicy).
func (p HostKeyPolicy) For(strict string) HostKeyPolicy { return effectivePolicy(p, strict) }

// StrictHostKeyChecking is the policy in ssh_config's words: yes,
// accept-new or no.
func (p HostKeyPolicy) StrictHostKeyChecking() string {
	switch p {
	case AcceptNew:
		return "accept-new"
	case Insecure:
		return "no"
	}
	return "yes"
}

// effectivePolicy lets ssh_config's StrictHostKeyChecking relax Strict to
// trust on first use, as ssh would; it never makes a host Insecure.
func effectivePolicy(p HostKeyPolicy, strict string) HostKeyPolicy {
	if p != Strict {
		return p
	}
	switch strings.ToLower(strict) {
	case "accept-new", "no", "off":
		return AcceptNew
	}
	return p
}

// bastion is one jump host client shared by every target behind it.
type bastion struct {
	name   string
	ready  chan struct{}
	client *ssh.Client
	err    error
	sem    *semaphore.Weighted
	done   chan struct{}
}

// bastion returns the client for the last hop of chain, reached through
// via, connecting it on first use.
func (d *Dialer) bastion(ctx context.Context, chain []sshconfig.Target, via *ssh.Client) (*bastion, error) {
	var key strings.Builder
	for _, h := range chain {
		fmt.Fprintf(&key, "%s@%s,", h.User, h.Addr())
	}
	hop := chain[len(chain)-1]
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, errors.New("dialer closed")
	}
	b, ok := d.bastions[key.String()]
	if !ok {
		b = &bastion{name: hop.Name, ready: make(chan struct{}), done: make(chan struct{}),
			sem: semaphore.NewWeighted(int64(d.opt.BastionDials))}
		d.bastions[key.String()] = b
	}
	d.mu.Unlock()
	if ok {
		select {
		case <-b.ready:
			return b, b.err
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
	c, _, err := d.dial(ctx, hop, via)
	b.client, b.err = c, err
	close(b.ready)
	if err != nil {
		d.mu.Lock()
		delete(d.bastions, key.String())
		d.mu.Unlock()
		return nil, err
	}
	if every, maxMissed := d.keepalive(hop); every > 0 {
		go keepalive(c, every, maxMissed, b.done)
	}
	go func() {
		_ = c.Wait()
		close(b.done)
		d.mu.Lock()
		if d.bastions[key.String()] == b {
			delete(d.bastions, key.String())
		}
		d.mu.Unlock()
	}()
	return b, nil
}

// Close closes the jump host clients, the agent connection, the
// known_hosts writers and the OpenSSH control masters.
func (d *Dialer) Close() error {
	d.mu.Lock()
	d.closed = true
	bs := d.bastions
	d.bastions = map[string]*bastion{}
	d.mu.Unlock()
	var errs []error
	for _, b := range bs {
		select {
		case <-b.ready:
			if b.client != nil {
				_ = b.client.Close()
			}
		default:
		}
	}
	errs = append(errs, d.keys.close(), d.agents.close(), d.openssh.close())
	return errors.Join(errs...)
}
