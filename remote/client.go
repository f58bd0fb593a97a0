package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/semaphore"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/reuse"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// Client is a native SSH connection to one host (golang.org/x/crypto/ssh).
type Client struct {
	c     *ssh.Client
	sec   fleet.Security
	sem   *semaphore.Weighted
	grace time.Duration
	done  chan struct{} // closed when the connection has ended

	mu     sync.Mutex
	broken error
}

var _ Conn = (*Client)(nil)

func (d *Dialer) newConn(c *ssh.Client, sec fleet.Security, t sshconfig.Target) *Client {
	cl := &Client{c: c, sec: sec, sem: semaphore.NewWeighted(int64(d.opt.Sessions)),
		grace: d.opt.KillGrace, done: make(chan struct{})}
	go func() {
		err := c.Wait()
		cl.markBroken(fmt.Errorf("connection lost: %w", orEOF(err)))
		close(cl.done)
	}()
	if every, maxMissed := d.keepalive(t); every > 0 {
		go keepalive(c, every, maxMissed, cl.done)
	}
	return cl
}

func orEOF(err error) error {
	if err == nil {
		return io.EOF
	}
	return err
}

// Security reports the weakened settings the connection needed.
func (cl *Client) Security() fleet.Security { return cl.sec }

// Close ends the connection.
func (cl *Client) Close() error {
	cl.markBroken(errors.New("connection closed"))
	err := cl.c.Close()
	<-cl.done
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func (cl *Client) markBroken(err error) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.broken == nil {
		cl.broken = err
	}
}

func (cl *Client) brokenErr() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	return cl.broken
}

// Run runs c.Cmd in a new session: stdin is fed then closed, stdout and
// stderr go to the given writers. Every step that waits for the server
// (opening the session, the exec request, the output) honours ctx: a
// server that stops answering before the command started has its whole
// connection closed, and the error names the step ("host deadline 120s
// reached while opening a session"). When ctx ends once the command runs,
// the command gets SIGKILL (acted on by OpenSSH >= 7.9) and its channel is
// closed; if the server has not closed it within the grace period, the
// whole connection is closed and later Runs fail at once. Exit.TimedOut
// is then set and the error is nil: the timeout is the verdict.
func (cl *Client) Run(ctx context.Context, c Command) (Exit, error) {
	if err := cl.brokenErr(); err != nil {
		return Exit{Code: -1}, err
	}
	if err := cl.sem.Acquire(ctx, 1); err != nil {
		return Exit{Code: -1, TimedOut: true, Step: "waiting for a free session"}, nil
	}
	defer cl.sem.Release(1)
	s, err := await(ctx, "opening a session", cl.c.NewSession, cl.abort(ctx, "opening a session"),
		func(s *ssh.Session) { s.Close() })
	if err != nil {
		if b := cl.brokenErr(); b != nil && ctx.Err() == nil {
			return Exit{Code: -1}, b
		}
		if ctx.Err() != nil {
			return Exit{Code: -1}, err
		}
		return Exit{Code: -1}, fmt.Errorf("open session: %w", err)
	}
	defer s.Close()
	// Stdin through a pipe written here: with Session.Stdin, a command that
	// exits without reading all of it would make Wait report a copy error
	// instead of its exit status. Output through pipes copied here, so
	// that the end of the output is seen apart from the end of the session.
	stdin, err := s.StdinPipe()
	if err != nil {
		return Exit{Code: -1}, fmt.Errorf("open session: %w", err)
	}
	output, err := copyOutput(s, c.Stdout, c.Stderr)
	if err != nil {
		return Exit{Code: -1}, fmt.Errorf("open session: %w", err)
	}
	_, err = await(ctx, "starting the command", func() (struct{}, error) { return struct{}{}, s.Start(c.Cmd) },
		cl.abort(ctx, "starting the command"), nil)
	if err != nil {
		if ctx.Err() != nil {
			return Exit{Code: -1}, err
		}
		return Exit{Code: -1}, fmt.Errorf("start command: %w", err)
	}
	go func() {
		if len(c.Stdin) > 0 {
			_, _ = stdin.Write(c.Stdin) // fails only once the command is gone
		}
		_ = stdin.Close() // EOF
	}()
	done := make(chan error, 1)
	go func() {
		err := s.Wait()
		<-output
		done <- err
	}()

	select {
	case err = <-done:
	case <-ctx.Done():
		step := "reading the command's output"
		select {
		case <-output:
			step = "closing the session"
		default:
		}
		err = cl.stop(ctx, step, s, done)
		exit := Exit{Code: -1, TimedOut: true, Step: step}
		var ee *ssh.ExitError
		if err == nil {
			exit.Code = 0
		} else if errors.As(err, &ee) {
			exit.Code, exit.Signal = ee.ExitStatus(), ee.Signal()
		}
		return exit, nil
	}
	var ee *ssh.ExitError
	var em *ssh.ExitMissingError
	switch {
	case err == nil:
		return Exit{Code: 0}, nil
	case errors.As(err, &ee):
		return Exit{Code: ee.ExitStatus(), Signal: ee.Signal()}, nil
	case errors.As(err, &em):
		return Exit{Code: -1}, fmt.Errorf("command ended without an exit status: %w", err)
	}
	if b := cl.brokenErr(); b != nil {
		return Exit{Code: -1}, b
	}
	return Exit{Code: -1}, err
}

// abort returns what ends a step the server does not answer: the whole
// connection is closed (nothing else unblocks x/crypto there) and marked
// broken with the step's error, so that later Runs fail at once.
func (cl *Client) abort(ctx context.Context, step string) func() {
	return func() {
		cl.markBroken(interrupted(ctx, step))
		cl.c.Close()
	}
}

// copyBuffers are the buffers of copyOutput, reused, also across garbage
// collections: a session's two streams would otherwise allocate 32 kB
// each. The sessions of a collect's hosts hold some at any time; the
// Pool keeps what the hosts in between hand back.
var copyBuffers = reuse.New(64, func() []byte { return make([]byte, 32<<10) })

// copyOutput copies the session's stdout and stderr to the writers (nil
// discards) and returns a channel closed once both have ended.
func copyOutput(s *ssh.Session, stdout, stderr io.Writer) (<-chan struct{}, error) {
	outPipe, err := s.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errPipe, err := s.StderrPipe()
	if err != nil {
		return nil, err
	}
	var wg sync.WaitGroup
	for _, p := range []struct {
		r io.Reader
		w io.Writer
	}{{outPipe, stdout}, {errPipe, stderr}} {
		if p.w == nil {
			p.w = io.Discard
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := copyBuffers.Get()
			defer copyBuffers.Put(buf)
			_, _ = io.CopyBuffer(p.w, p.r, buf)
		}()
	}
	ended := make(chan struct{})
	go func() {
		wg.Wait()
		close(ended)
	}()
	return ended, nil
}

// signalWait is how long a timed-out Run waits for the command to die of
// SIGKILL before it closes the channel.
const signalWait = time.Second

// stop ends a session whose ctx is done and returns Wait's result: SIGKILL
// first (OpenSSH >= 7.9 acts on it and reports exit-signal KILL), a moment
// for that to arrive, then CHANNEL_CLOSE, which ends the session only once
// the peer answers. If the peer has not within the grace period, the whole
// connection is closed (ending sibling sessions too) and marked broken.
func (cl *Client) stop(ctx context.Context, step string, s *ssh.Session, done <-chan error) error {
	_ = s.Signal(ssh.SIGKILL)
	first := min(cl.grace, signalWait)
	t := time.NewTimer(first)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
	}
	_ = s.Close()
	t.Reset(cl.grace - first)
	select {
	case err := <-done:
		return err
	case <-t.C:
	}
	cl.markBroken(fmt.Errorf("connection closed: %w, and the server did not end the command within %s",
		interrupted(ctx, step), cl.grace))
	cl.c.Close()
	return <-done
}
