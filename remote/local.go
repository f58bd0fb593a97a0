package remote

import (
	"bytes"
	"context"
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
	return runProcess(ctx, cmd, 5*time.Second)
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
