package remote

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// Shell commands that read a batch script on standard input. sh -s runs the
// same under any login shell; sudo -n never prompts.
const (
	shellCmd     = "exec /bin/sh -s"
	sudoShellCmd = "exec sudo -n /bin/sh -s"
)

// CollectOptions say what to collect from a host.
type CollectOptions struct {
	// Probes are the built-in probes to run.
	Probes []probe.Probe
	// Custom are the inventory's command probes; they share one session.
	Custom []probe.Probe
	// Sudo runs probes that need root under sudo -n.
	Sudo bool
	// ProbeTimeout, when positive, is the deadline of every probe (the
	// inventory's probe_timeout or --probe-timeout). When zero, each probe
	// has its own default, else fleet.DefaultProbeTimeout.
	ProbeTimeout time.Duration
	// PerlModules are extra modules for the perl_modules probe to trace.
	PerlModules []string
	// Record, when set, receives every probe's raw result (for the demo's recordings).
	Record func(probe string, r probe.Result)
	// OutputLimit caps each probe's stdout and stderr (DefaultOutputLimit when <= 0).
	OutputLimit int64
}

// session is one batch: probes sharing an SSH session.
type session struct {
	sudo   bool
	probes []probe.Probe
}

// plan groups probes into at most four sessions: the quick ones, the ones
// that need sudo (custom ones included), the ones that may hang (each alone,
// in one session per probe), and the inventory's other command probes.
func plan(opt CollectOptions) []session {
	var plain, sudo, custom session
	sudo.sudo = true
	var alone []session
	for _, p := range opt.Probes {
		useSudo := p.Sudo && opt.Sudo
		switch {
		case p.Alone:
			alone = append(alone, session{sudo: useSudo, probes: []probe.Probe{p}})
		case useSudo:
			sudo.probes = append(sudo.probes, p)
		default:
			plain.probes = append(plain.probes, p)
		}
	}
	for _, p := range opt.Custom {
		// A custom probe runs with sudo only when it asks for it: those join
		// the sudo batch, the others share a session of their own.
		if p.Sudo && opt.Sudo {
			sudo.probes = append(sudo.probes, p)
		} else {
			custom.probes = append(custom.probes, p)
		}
	}
	var out []session
	for _, s := range []session{plain, sudo} {
		if len(s.probes) > 0 {
			out = append(out, s)
		}
	}
	out = append(out, alone...)
	if len(custom.probes) > 0 {
		out = append(out, custom)
	}
	return out
}

// Collect runs the probes on r and returns the host's facts and probe
// results. It never fails as a whole: a probe that fails, times out or is
// refused by sudo is recorded as such and its facts stay unknown. The
// returned error is non-nil only when the transport itself broke, and then
// the snapshot still holds whatever finished.
func Collect(ctx context.Context, r Runner, opt CollectOptions) (*fleet.Snapshot, error) {
	snap := &fleet.Snapshot{Probes: map[string]fleet.ProbeResult{}}
	limit := opt.OutputLimit
	if limit <= 0 {
		limit = DefaultOutputLimit
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	for _, s := range plan(opt) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results, err := runSession(ctx, r, s, opt, limit)
			mu.Lock()
			defer mu.Unlock()
			for _, res := range results {
				if opt.Record != nil && res.status == "" {
					opt.Record(res.p.Name, res.res)
				}
				applyResult(snap, res)
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	probe.Derive(&snap.Facts)
	snap.Status = fleet.HostOK
	for _, p := range snap.Probes {
		if !p.Status.Complete() {
			snap.Status = fleet.HostPartial
		}
	}
	return snap, firstErr
}

// probeOutcome is one probe's raw result from a session.
type probeOutcome struct {
	p        probe.Probe
	res      probe.Result
	status   fleet.ProbeStatus
	err      string
	sudo     bool
	duration time.Duration
	timeout  time.Duration
	received int64 // output bytes received, kept or dropped at the cap
}

// probeTimeout is a probe's deadline: the user's, else the probe's own, else the default.
func probeTimeout(p probe.Probe, opt CollectOptions) time.Duration {
	switch {
	case opt.ProbeTimeout > 0:
		return opt.ProbeTimeout
	case p.Timeout > 0:
		return p.Timeout
	}
	return fleet.DefaultProbeTimeout
}

// runSession runs one batch and splits its output per probe.
func runSession(ctx context.Context, r Runner, s session, opt CollectOptions, limit int64) ([]probeOutcome, error) {
	nonce := newNonce()
	items := make([]batchItem, len(s.probes))
	for i, p := range s.probes {
		t := probeTimeout(p, opt)
		items[i] = batchItem{name: p.Name, command: p.Command, timeout: t}
		if p.Stdin != nil {
			items[i].stdin = p.Stdin(opt.PerlModules)
		}
	}
	items = linkHandoffs(s.probes, items)
	// The remote watchdogs end every command; a host that stops answering
	// altogether is caught by the host's own deadline (ctx). No deadline of
	// the session's own: with --sessions 1 a session may wait its turn.
	stdout, stderr := newDemux(nonce, limit), newDemux(nonce, limit)
	tails := map[string]bool{}
	for _, p := range s.probes {
		tails[p.Name] = p.KeepTail
	}
	stdout.tails, stderr.tails = tails, tails
	cmd := shellCmd
	if s.sudo {
		cmd = sudoShellCmd
	}
	start := time.Now()
	exit, err := r.Run(ctx, Command{Cmd: cmd, Stdin: cachedBatchScript(nonce, items), Stdout: stdout, Stderr: stderr})
	elapsed := time.Since(start)
	// The outcomes hold copies of the sections' output.
	defer stdout.release()
	defer stderr.release()
	if err == nil && ctx.Err() != nil {
		step := exit.Step
		if step == "" {
			step = "waiting for the probes' output"
		}
		err = interrupted(ctx, step)
	}

	out := make([]probeOutcome, 0, len(s.probes))
	var sudoErr string
	if s.sudo {
		sudoErr = sudoRefusal(stderr, exit)
	}
	for _, p := range s.probes {
		o := probeOutcome{p: p, sudo: s.sudo, duration: elapsed}
		so, soTrunc, sec := stdout.result(p.Name)
		se, seTrunc, esec := stderr.result(p.Name)
		for _, x := range []*section{sec, esec} {
			if x != nil {
				o.received += x.buf.Total()
				if x.ended {
					o.received-- // the newline before the end marker is ours
				}
			}
		}
		switch {
		case sudoErr != "":
			o.status, o.err = fleet.ProbeSudoDenied, sudoErr
		case sec == nil || !sec.ended:
			o.status = fleet.ProbeFailed
			o.err = "no result: the session ended before the probe finished"
			if exit.TimedOut || ctx.Err() != nil {
				o.status, o.err = fleet.ProbeTimeout, "the host stopped answering before the probe finished"
				if ctx.Err() != nil {
					o.err = context.Cause(ctx).Error() + " before the probe finished"
				}
			} else if err != nil {
				o.err = "no result: " + err.Error()
			}
			o.res = probe.Result{Stdout: so, Stderr: se, ExitCode: -1, Truncated: soTrunc || seTrunc}
		default:
			o.res = probe.Result{Stdout: so, Stderr: se, ExitCode: sec.exitCode, TimedOut: sec.timedOut,
				Truncated: soTrunc || seTrunc}
			o.duration = sec.finished.Sub(sec.begun)
		}
		o.timeout = probeTimeout(p, opt)
		out = append(out, o)
	}
	if err != nil {
		return out, fmt.Errorf("session: %w", err)
	}
	return out, nil
}

// linkHandoffs sets up each probe.Handoff whose source probe is in the
// same batch: the source runs through the handoff's filter, and the probe
// that takes what it hands over moves to just after it (the others keep
// their order). A probe whose source is not in the batch finds out
// everything itself.
func linkHandoffs(ps []probe.Probe, items []batchItem) []batchItem {
	for _, p := range ps {
		h := p.Handoff
		if h == nil {
			continue
		}
		src := slices.IndexFunc(items, func(it batchItem) bool { return it.name == h.From })
		if src < 0 || h.From == p.Name || items[src].filter != "" { // absent, or handing to another probe already
			continue
		}
		items[src].filter = h.Filter
		dst := slices.IndexFunc(items, func(it batchItem) bool { return it.name == p.Name })
		to := items[dst]
		to.takes = h.From
		items = slices.Delete(items, dst, dst+1)
		src = slices.IndexFunc(items, func(it batchItem) bool { return it.name == h.From })
		items = slices.Insert(items, src+1, to)
	}
	return items
}

// sudoRefusal recognises sudo refusing to run the batch, which then
// produced no marker at all, and says why in the words an admin searches for.
func sudoRefusal(stderr *demux, exit Exit) string {
	if stderr.started() || exit.Code == 0 {
		return ""
	}
	problem, said := SudoRefusal(string(stderr.stray()))
	why := problem.Explain()
	if said != "" {
		why += " (sudo said: " + said + ")"
	}
	return why
}

// applyResult parses one probe's outcome into the snapshot.
func applyResult(snap *fleet.Snapshot, o probeOutcome) {
	pr := fleet.ProbeResult{
		Status:     o.status,
		Error:      o.err,
		ExitCode:   o.res.ExitCode,
		DurationMS: o.duration.Milliseconds(),
		Command:    o.p.Command,
		Sudo:       o.sudo,
		Bytes:      o.received,
	}
	if o.status == "" {
		pr.Status = parse(o, &snap.Facts, &pr)
	}
	snap.Probes[o.p.Name] = pr
}

// parse runs a probe's parser, recovering from a panic on hostile output.
func parse(o probeOutcome, f *fleet.Facts, pr *fleet.ProbeResult) (st fleet.ProbeStatus) {
	p, res := o.p, o.res
	if res.TimedOut && !p.ParseTimeout {
		pr.Error = fmt.Sprintf("timed out after %s", o.timeout)
		return fleet.ProbeTimeout
	}
	defer func() {
		if r := recover(); r != nil {
			pr.Error = fmt.Sprintf("parser failed on this host's output: %v", r)
			st = fleet.ProbeFailed
		}
	}()
	// Parse into a scratch copy so that a failing parser leaves no half-filled facts.
	var scratch fleet.Facts
	err := p.Parse(res, &scratch)
	switch {
	case errors.Is(err, probe.ErrNotApplicable):
		pr.Error = err.Error()
		return fleet.ProbeNotApplicable
	case err != nil:
		pr.Error = firstLines(err.Error(), 5)
		if se := strings.TrimSpace(hosttext.Clean(string(res.Stderr))); se != "" {
			pr.Error += ": " + firstLines(se, 3)
		}
		return fleet.ProbeFailed
	}
	f.Merge(&scratch)
	switch {
	case res.TimedOut:
		pr.Error = fmt.Sprintf("timed out after %s; facts parsed from the output so far", o.timeout)
		return fleet.ProbeTimeout
	case res.Truncated:
		pr.Error = "output capped at --output-limit; facts parsed from what arrived (for lint and -v: its first and last parts)"
		return fleet.ProbeTruncated
	}
	return fleet.ProbeOK
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = append(lines[:n], "...")
	}
	return strings.Join(lines, "\n")
}
