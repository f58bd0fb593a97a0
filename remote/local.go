package remote

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// Local runs commands on this machine with /bin/sh, the way sshd would run
// them for "ssh host CMD": it backs --local and the probe tests.
type Local struct{}

var _ Runner = Local{}

// Run runs c.Cmd with sh -c in its own process group; when ctx ends, the
// whole group is killed.
func (Local) Run(ctx context.Context, c Command) (Exit, error) {
	cmd := exec.Command("/bin/sh", "-c", c.Cmd)
	if len(c.Stdin) > 0 {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	cmd.Stdout, cmd.Stderr = c.Stdout, c.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return Exit{Code: -1}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	timedOut := false
	select {
	case err = <-done:
	case <-ctx.Done():
		timedOut = true
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		select {
		case err = <-done:
		case <-time.After(5 * time.Second): // a child holding the pipes open
			err = <-done
		}
	}
	exit := Exit{Code: 0, TimedOut: timedOut}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		exit.Code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			exit.Code = 128 + int(ws.Signal())
			exit.Signal = signalName(ws.Signal())
		}
	default:
		return Exit{Code: -1, TimedOut: timedOut}, err
	}
	return exit, nil
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGKILL:
		return "KILL"
	case syscall.SIGTERM:
		return "TERM"
	case syscall.SIGINT:
		return "INT"
	case syscall.SIGHUP:
		return "HUP"
	case syscall.SIGPIPE:
		return "PIPE"
	case syscall.SIGSEGV:
		return "SEGV"
	}
	return s.String()
}
