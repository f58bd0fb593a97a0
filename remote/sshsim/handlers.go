package sshsim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// Handler serves one exec request and returns the exit status. It must
// return soon after s.Context() is done.
type Handler func(s *Session) int

// Shell runs the command with /bin/sh -c on this machine, feeding it the
// client's stdin, as sshd would. A signal or a closed channel kills its
// process group; a KILL signal is reported back as exit-signal KILL.
func Shell() Handler {
	return func(s *Session) int {
		cmd := exec.Command("/bin/sh", "-c", s.Command)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = s.Stdin, s.Stdout, s.Stderr
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.WaitDelay = 2 * time.Second
		if err := cmd.Start(); err != nil {
			_, _ = io.WriteString(s.Stderr, "sh: "+err.Error()+"\n")
			return 127
		}
		stop := context.AfterFunc(s.ctx, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
		defer stop()
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				if ws.Signal() == syscall.SIGKILL {
					s.ExitSignal = "KILL"
				}
				return 128 + int(ws.Signal())
			}
			return ee.ExitCode()
		default:
			return 255
		}
	}
}

// Reply is a canned answer to one command.
type Reply struct {
	Stdout, Stderr string
	Exit           int
}

// Canned answers each command from replies, without running anything;
// an unknown command gets exit status 127 and a message on stderr.
func Canned(replies map[string]Reply) Handler {
	return func(s *Session) int {
		r, ok := replies[s.Command]
		if !ok {
			_, _ = io.WriteString(s.Stderr, "sh: "+s.Command+": not found\n")
			return 127
		}
		_, _ = io.WriteString(s.Stdout, r.Stdout)
		_, _ = io.WriteString(s.Stderr, r.Stderr)
		return r.Exit
	}
}

// Hang never finishes on its own: it waits until the client signals the
// command (then it exits with signal KILL, as OpenSSH >= 7.9 would) or
// closes the channel.
func Hang() Handler {
	return func(s *Session) int {
		<-s.ctx.Done()
		var se *SignalError
		if errors.As(context.Cause(s.ctx), &se) {
			s.ExitSignal = se.Signal
			return 137
		}
		s.NoExitStatus = true
		return 0
	}
}

// Wedge freezes the whole connection once the command starts: signals and
// channel closes are never answered, like a wedged sshd or a dead link.
// It ends when the client closes the connection.
func Wedge() Handler {
	return func(s *Session) int {
		s.Freeze()
		<-s.ctx.Done()
		s.NoExitStatus = true
		return 0
	}
}

// WedgeOnClose runs h, sends its exit status and end of output, then
// freezes the connection instead of closing the channel: the command is
// over, but the session never ends, like an sshd stuck in a PAM session
// close. It ends when the client closes the connection.
func WedgeOnClose(h Handler) Handler {
	return func(s *Session) int {
		s.wedgeOnClose = true
		return h(s)
	}
}

// Flood writes n bytes to stdout as fast as the client reads them, then exits 0.
func Flood(n int64) Handler {
	return func(s *Session) int {
		chunk := bytes.Repeat([]byte("0123456789abcdef"), 2048) // 32 KiB
		for n > 0 && s.ctx.Err() == nil {
			b := chunk[:min(int64(len(chunk)), n)]
			if _, err := s.Stdout.Write(b); err != nil {
				return 141
			}
			n -= int64(len(b))
		}
		return 0
	}
}

// Route dispatches on the exact command: commands in routes go to their
// handler, others to fallback (nil fallback means Shell()).
func Route(routes map[string]Handler, fallback Handler) Handler {
	if fallback == nil {
		fallback = Shell()
	}
	return func(s *Session) int {
		if h, ok := routes[s.Command]; ok {
			return h(s)
		}
		return fallback(s)
	}
}
