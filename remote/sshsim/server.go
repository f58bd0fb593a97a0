// Package sshsim simulates SSH hosts: it runs SSH servers in-process on
// 127.0.0.1, and the real client of package remote (and the system ssh
// binary) connect to them over loopback. A server answers "exec" requests
// with a Handler: through /bin/sh (so probe scripts run for real), from
// canned replies, or with misbehaviour (a command that never ends, a peer
// that wedges, a flood of output). It also forwards direct-tcpip channels,
// so one server can act as a jump host for another.
//
// "fleetcheck demo" ships it in the binary; the tests use it too. It imports
// nothing of fleetcheck.
package sshsim

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"

	"golang.org/x/crypto/ssh"
)

// Config describes a server. The zero value (plus host keys) accepts any
// public key and runs commands with /bin/sh.
type Config struct {
	// HostKeys are the server's host keys (or host certificates); at least one.
	HostKeys []ssh.Signer
	// AuthorizedKeys are the user keys accepted; nil accepts any public key.
	AuthorizedKeys []ssh.PublicKey
	// KeyExchanges, Ciphers and MACs restrict the algorithms offered; nil
	// means the x/crypto defaults.
	KeyExchanges, Ciphers, MACs []string
	// Handler answers exec requests; nil means Shell().
	Handler Handler
	// NoForwarding refuses direct-tcpip channels (jump host use).
	NoForwarding bool
	// Addr is the address to listen on; "" means 127.0.0.1:0.
	Addr string
	// Wedge makes the server stop answering at one step, like an sshd or
	// a PAM module that hangs; the zero value never wedges.
	Wedge Step
}

// Step is where a wedged server stops answering.
type Step int

// The steps a server can wedge at. A command that wedges once started is
// the handler's doing: see Wedge and WedgeOnClose.
const (
	NoWedge          Step = iota
	WedgeHandshake        // accepts TCP, never speaks SSH
	WedgeAuth             // never answers the authentication request
	WedgeChannelOpen      // never accepts nor refuses a session channel
	WedgeExec             // accepts the channel, never answers the exec request
)

// Server is a running in-process SSH server.
type Server struct {
	// Addr is the "host:port" the server listens on.
	Addr string

	ln     net.Listener
	config *ssh.ServerConfig
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	offered   []ssh.PublicKey
	users     []string
	execs     []string
	forwarded []string
}

// NewServer starts a server configured by cfg.
func NewServer(cfg Config) (*Server, error) {
	if len(cfg.HostKeys) == 0 {
		return nil, errors.New("sshsim: no host key")
	}
	if cfg.Handler == nil {
		cfg.Handler = Shell()
	}
	addr := cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sshsim: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{Addr: ln.Addr().String(), ln: ln, cfg: cfg, ctx: ctx, cancel: cancel,
		conns: map[net.Conn]struct{}{}}
	sc := &ssh.ServerConfig{PublicKeyCallback: s.checkKey}
	sc.KeyExchanges, sc.Ciphers, sc.MACs = cfg.KeyExchanges, cfg.Ciphers, cfg.MACs
	for _, k := range cfg.HostKeys {
		sc.AddHostKey(k)
	}
	s.config = sc
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// Host is the address the server listens on, without the port.
func (s *Server) Host() string {
	h, _, _ := net.SplitHostPort(s.Addr)
	return h
}

// Port is the port the server listens on.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Offered returns the user keys clients offered, in order, without
// consecutive repeats (a key is both queried and then signed with).
func (s *Server) Offered() []ssh.PublicKey {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ssh.PublicKey(nil), s.offered...)
}

// Users returns the user names of authenticated connections, in order.
func (s *Server) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.users...)
}

// Commands returns the commands received by exec requests, in order.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.execs...)
}

// Forwarded returns the "host:port" targets of direct-tcpip channels
// opened through the server (as a jump host), in order.
func (s *Server) Forwarded() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.forwarded...)
}

// Close stops the server, closes every connection and waits for their
// goroutines (commands run by Shell are killed).
func (s *Server) Close() error {
	s.cancel()
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) checkKey(meta ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
	if s.cfg.Wedge == WedgeAuth {
		<-s.ctx.Done()
		return nil, errors.New("sshtest: server closed")
	}
	s.mu.Lock()
	if n := len(s.offered); n == 0 || !keysEqual(s.offered[n-1], key) {
		s.offered = append(s.offered, key)
	}
	s.mu.Unlock()
	if s.cfg.AuthorizedKeys == nil {
		return nil, nil
	}
	for _, k := range s.cfg.AuthorizedKeys {
		if keysEqual(k, key) {
			return nil, nil
		}
	}
	return nil, fmt.Errorf("sshsim: key %s not authorized", ssh.FingerprintSHA256(key))
}

func keysEqual(a, b ssh.PublicKey) bool {
	return a.Type() == b.Type() && string(a.Marshal()) == string(b.Marshal())
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		gc := &gateConn{Conn: nc, open: make(chan struct{})}
		s.mu.Lock()
		if s.ctx.Err() != nil {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[gc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.handleConn(gc)
			s.mu.Lock()
			delete(s.conns, gc)
			s.mu.Unlock()
		}()
	}
}

func (s *Server) handleConn(gc *gateConn) {
	defer gc.Close()
	if s.cfg.Wedge == WedgeHandshake {
		<-gc.open
		return
	}
	sconn, chans, reqs, err := ssh.NewServerConn(gc, s.config)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.users = append(s.users, sconn.User())
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	go func() {
		_ = sconn.Wait()
		cancel()
	}()
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nch := range chans {
		switch nch.ChannelType() {
		case "session":
			if s.cfg.Wedge == WedgeChannelOpen {
				continue // never answered
			}
			ch, creqs, err := nch.Accept()
			if err != nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.session(ctx, gc, ch, creqs)
			}()
		case "direct-tcpip":
			if s.cfg.NoForwarding {
				_ = nch.Reject(ssh.Prohibited, "forwarding disabled")
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				forward(ctx, nch, s.recordForward)
			}()
		default:
			_ = nch.Reject(ssh.UnknownChannelType, "unsupported channel type")
		}
	}
}

// forward serves a direct-tcpip channel (RFC 4254 7.2) by dialling the target.
func (s *Server) recordForward(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forwarded = append(s.forwarded, addr)
}

func forward(ctx context.Context, nch ssh.NewChannel, record func(addr string)) {
	var msg struct {
		Host     string
		Port     uint32
		OrigHost string
		OrigPort uint32
	}
	if err := ssh.Unmarshal(nch.ExtraData(), &msg); err != nil {
		_ = nch.Reject(ssh.ConnectionFailed, "bad request")
		return
	}
	addr := net.JoinHostPort(msg.Host, strconv.Itoa(int(msg.Port)))
	record(addr)
	var d net.Dialer
	tc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		_ = nch.Reject(ssh.ConnectionFailed, err.Error())
		return
	}
	ch, reqs, err := nch.Accept()
	if err != nil {
		tc.Close()
		return
	}
	go ssh.DiscardRequests(reqs)
	stop := context.AfterFunc(ctx, func() { tc.Close(); ch.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(tc, ch); tc.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(ch, tc); _ = ch.CloseWrite(); done <- struct{}{} }()
	<-done
	<-done
	tc.Close()
	ch.Close()
}

func (s *Server) session(ctx context.Context, gc *gateConn, ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		once sync.Once
		done = make(chan struct{})
		sess *Session
	)
	for req := range reqs {
		switch req.Type {
		case "exec":
			if s.cfg.Wedge == WedgeExec {
				continue // never answered
			}
			var m struct{ Command string }
			if err := ssh.Unmarshal(req.Payload, &m); err != nil {
				_ = req.Reply(false, nil)
				continue
			}
			ok := false
			once.Do(func() {
				ok = true
				s.mu.Lock()
				s.execs = append(s.execs, m.Command)
				s.mu.Unlock()
				sess = &Session{Command: m.Command, Stdin: ch, Stdout: ch, Stderr: ch.Stderr(),
					ctx: sctx, freeze: gc.freeze}
			})
			_ = req.Reply(ok, nil)
			if ok {
				go func() {
					defer close(done)
					code := s.cfg.Handler(sess)
					if sess.ExitSignal != "" {
						sig := struct {
							Signal     string
							CoreDumped bool
							Error      string
							Lang       string
						}{Signal: sess.ExitSignal}
						_, _ = ch.SendRequest("exit-signal", false, ssh.Marshal(&sig))
					} else if !sess.NoExitStatus {
						var b [4]byte
						binary.BigEndian.PutUint32(b[:], uint32(code))
						_, _ = ch.SendRequest("exit-status", false, b[:])
					}
					_ = ch.CloseWrite()
					if sess.wedgeOnClose {
						gc.freeze()
						return
					}
					ch.Close()
				}()
			}
		case "signal":
			var m struct{ Signal string }
			_ = ssh.Unmarshal(req.Payload, &m)
			cancel(&SignalError{Signal: m.Signal})
			if req.WantReply {
				_ = req.Reply(true, nil)
			}
		default:
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
		}
	}
	// The client closed the channel (or the connection ended).
	cancel(nil)
	if sess != nil {
		<-done
	}
}

// SignalError is the context cause when the client sent a signal request.
type SignalError struct{ Signal string }

// Error names the signal.
func (e *SignalError) Error() string { return "signal " + e.Signal }

// Session is one exec request being served.
type Session struct {
	// Command is the command line the client asked for.
	Command string
	// Stdin reads what the client sends, up to its EOF.
	Stdin io.Reader
	// Stdout and Stderr go back to the client.
	Stdout, Stderr io.Writer
	// ExitSignal, when set by the handler, is sent as exit-signal instead
	// of the exit status (for example "KILL").
	ExitSignal string
	// NoExitStatus, when set by the handler, closes the channel without an
	// exit status, which RFC 4254 allows.
	NoExitStatus bool

	ctx          context.Context
	freeze       func()
	wedgeOnClose bool
}

// Context is done when the client signals the command or closes the
// channel, or when the connection or the server ends. context.Cause is a
// *SignalError after a signal.
func (s *Session) Context() context.Context { return s.ctx }

// Freeze stops the server from reading the connection: the peer then never
// answers anything, like a wedged sshd. Only closing the connection ends it.
func (s *Session) Freeze() { s.freeze() }

// gateConn is a net.Conn whose reads can be frozen.
type gateConn struct {
	net.Conn
	open   chan struct{} // closed on Close
	mu     sync.Mutex
	isFrz  bool
	closed sync.Once
}

func (g *gateConn) freeze() {
	g.mu.Lock()
	g.isFrz = true
	g.mu.Unlock()
}

func (g *gateConn) Read(p []byte) (int, error) {
	g.mu.Lock()
	frz := g.isFrz
	g.mu.Unlock()
	if !frz {
		n, err := g.Conn.Read(p)
		g.mu.Lock()
		frz = g.isFrz
		g.mu.Unlock()
		if !frz {
			return n, err
		}
	}
	// Frozen: drop what arrived and block until the connection is closed.
	<-g.open
	return 0, net.ErrClosed
}

func (g *gateConn) Close() error {
	g.closed.Do(func() { close(g.open) })
	return g.Conn.Close()
}
