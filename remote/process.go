package remote

import (
	"context"
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// runProcess starts cmd in a process group of its own and waits for it.
// When ctx ends first, the whole group is killed; grace bounds how long the
// wait then lasts for descendants that hold the output pipes open. The
// error is non-nil only when the process could not be started or waited for.
func runProcess(ctx context.Context, cmd *exec.Cmd, grace time.Duration) (Exit, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = grace
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
		err = <-done
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
	case timedOut || errors.Is(err, exec.ErrWaitDelay):
		exit.Code = -1
	default:
		return Exit{Code: -1, TimedOut: timedOut}, err
	}
	return exit, nil
}
