package fleet

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"
)

// DefaultParallel is the default number of hosts collected at once.
const DefaultParallel = 32

// CollectFunc gathers one host's snapshot. It must honour ctx: when ctx is
// done it returns promptly with what it has. The returned snapshot may be
// partial; an error says why the host could not be (fully) assessed.
type CollectFunc func(ctx context.Context, h Host) (*Snapshot, error)

// RunOptions control the fan-out.
type RunOptions struct {
	// Parallel bounds how many hosts are collected at once (DefaultParallel when <= 0).
	Parallel int
	// HostTimeout overrides every host's own deadline when positive.
	HostTimeout time.Duration
	// Done, if set, is called after each host finishes, from that host's
	// goroutine; it must be safe for concurrent use.
	Done func(i int, s *Snapshot)
	// Summaries keeps only each host's summary (Snapshot.Summary) once
	// Done has seen it, so that a large fleet's facts are not all held in
	// memory: the caller stores them from Done.
	Summaries bool
}

// Run collects every host with at most opt.Parallel at once and returns one
// snapshot per host, in the order of hosts. A host that fails, times out or
// panics never affects another. When ctx is cancelled no further host is
// started, running hosts are told to stop, and every host that had not
// finished is returned with status HostInterrupted. Run returns after every
// goroutine it started has finished.
func Run(ctx context.Context, hosts []Host, collect CollectFunc, opt RunOptions) []*Snapshot {
	parallel := opt.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	out := make([]*Snapshot, len(hosts))
	var g errgroup.Group // not WithContext: one failed host must not cancel the fleet
	g.SetLimit(parallel)
	for i, h := range hosts {
		if ctx.Err() != nil {
			break // g.Go blocks at the limit and does not watch ctx: check before each start
		}
		g.Go(func() error {
			out[i] = collectOne(ctx, h, collect, opt.HostTimeout)
			if opt.Done != nil {
				opt.Done(i, out[i])
			}
			if opt.Summaries {
				out[i] = out[i].Summary()
			}
			return nil
		})
	}
	_ = g.Wait()
	for i, h := range hosts {
		if out[i] == nil {
			out[i] = &Snapshot{SchemaVersion: SchemaVersion, Host: h.Name, Status: HostInterrupted,
				Error: "interrupted before the host was started", Probes: map[string]ProbeResult{}}
		}
	}
	return out
}

// collectOne runs collect for one host under its deadline and turns panics
// and errors into a snapshot status.
func collectOne(ctx context.Context, h Host, collect CollectFunc, override time.Duration) (s *Snapshot) {
	timeout := h.Timeout()
	if override > 0 {
		timeout = override
	}
	start := time.Now()
	hctx, cancel := context.WithTimeoutCause(ctx, timeout, &DeadlineError{Timeout: timeout})
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			s = &Snapshot{Host: h.Name, Status: HostError, Probes: map[string]ProbeResult{},
				Error: fmt.Sprintf("internal error (panic): %v\n%s", r, debug.Stack())}
		}
		s.SchemaVersion = SchemaVersion
		s.Host = h.Name
		if s.StartedAt.IsZero() {
			s.StartedAt = start.UTC()
		}
		if s.DurationMS == 0 {
			s.DurationMS = time.Since(start).Milliseconds()
		}
		if s.Probes == nil {
			s.Probes = map[string]ProbeResult{}
		}
	}()
	s, err := collect(hctx, h)
	if s == nil {
		s = &Snapshot{}
	}
	switch {
	case ctx.Err() != nil && (err != nil || s.Status == "" || s.Status == HostPartial):
		// The run was interrupted while this host was working: keep what it has.
		s.Status = HostInterrupted
		if err != nil {
			s.Error = err.Error()
		} else {
			s.Error = "interrupted"
		}
	case err != nil:
		// A host whose deadline passed before any probe ended timed out; one
		// with some facts stays partial, its error naming the deadline.
		switch deadline := errors.Is(hctx.Err(), context.DeadlineExceeded); {
		case deadline && (s.Status == "" || s.Status == HostOK || s.Status == HostError ||
			(s.Status == HostPartial && !anyKnown(s.Probes))):
			s.Status = HostTimeout
		case s.Status == "" || s.Status == HostOK:
			s.Status = HostError
		}
		s.Error = err.Error()
	case s.Status == "":
		s.Status = HostOK
	}
	return s
}

// anyKnown reports whether a probe ended with facts known (ok, not
// applicable, ...).
func anyKnown(probes map[string]ProbeResult) bool {
	for _, p := range probes {
		if p.Status.Known() {
			return true
		}
	}
	return false
}

// DeadlineError is the cause of a host's context when its deadline
// passes: "host deadline 120s reached". It wraps
// context.DeadlineExceeded, so errors.Is tells a timeout.
type DeadlineError struct {
	Timeout time.Duration
}

// Error says which deadline passed.
func (e *DeadlineError) Error() string {
	d := e.Timeout.String()
	if e.Timeout%time.Second == 0 {
		d = fmt.Sprintf("%ds", e.Timeout/time.Second)
	}
	return "host deadline " + d + " reached"
}

// Unwrap returns context.DeadlineExceeded.
func (e *DeadlineError) Unwrap() error { return context.DeadlineExceeded }
