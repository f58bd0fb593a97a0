package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/probe"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// collectFlags are the flags shared by commands that collect (collect, compare, check).
type collectFlags struct {
	inventory    string
	store        string
	parallel     int
	timeout      time.Duration
	probeTimeout time.Duration
	local        bool
	probes       listFlag
	acceptNew    bool
	insecure     bool
	outputLimit  int64
	record       string
	sessions     int
	listHosts    bool
	// shard, when set, is the shard of the selected hosts being collected
	// (collect --shard), as I/N.
	shard string
}

// defaultStore is where runs go unless --store says otherwise.
const defaultStore = "fleetcheck-runs"

func (c *collectFlags) addFlags(fs *flag.FlagSet, probes bool) {
	fs.StringVar(&c.inventory, "i", "", "inventory `FILE` (YAML; see inventory.example.yaml)")
	fs.StringVar(&c.inventory, "inventory", "", "inventory `FILE` (same as -i)")
	fs.IntVar(&c.parallel, "parallel", fleet.DefaultParallel, "hosts collected at once")
	fs.DurationVar(&c.timeout, "timeout", 0, "deadline for each whole host, which every step waiting for the server honours (default: the inventory's timeout, else 120s)")
	fs.BoolVar(&c.acceptNew, "accept-new", false, "trust unknown host keys on first use and append them to known_hosts (changed keys are still refused)")
	fs.BoolVar(&c.insecure, "insecure-ignore-host-key", false, "do not verify host keys at all (every report then says so)")
	fs.IntVar(&c.sessions, "sessions", remote.DefaultSessions, "concurrent SSH sessions per host (1 is gentlest on a struggling server)")
	fs.BoolVar(&c.listHosts, "list-hosts", false, "print the hosts the targets select, one a line, and exit without connecting")
	if probes {
		fs.StringVar(&c.store, "store", defaultStore, "directory that receives the run `DIR`ectories")
		fs.DurationVar(&c.probeTimeout, "probe-timeout", 0, "deadline for each probe (default: the inventory's probe_timeout, else each probe's own, 60s)")
		fs.BoolVar(&c.local, "local", false, "run the probes on this machine, without SSH (the inventory is optional)")
		fs.Var(&c.probes, "probes", "run only these probes, comma-separated (see fleetcheck probes; custom probe names too)")
		fs.Int64Var(&c.outputLimit, "output-limit", remote.DefaultOutputLimit, "bytes kept per probe and stream; more is counted and dropped")
		fs.StringVar(&c.record, "record", "", "also save every probe's raw output under `DIR`/<host>/ (this is how the demo's recordings are made)")
	}
}

// loadInventory reads the inventory named by -i. With --local it holds this
// machine only; an inventory given as well still supplies its custom probes
// and extra Perl modules.
func (c *collectFlags) loadInventory() (*fleet.Inventory, error) {
	inv := &fleet.Inventory{File: "(local)", Groups: map[string]*fleet.Group{}}
	switch {
	case c.inventory != "":
		loaded, err := readInventory(c.inventory)
		if err != nil {
			return nil, err
		}
		inv = loaded
	case !c.local:
		return nil, usageError(errors.New("no inventory: pass -i FILE (or --local to probe this machine)"))
	}
	if c.local {
		name, _ := os.Hostname()
		if !fleet.ValidHostName(name) {
			name = "localhost"
		}
		inv.Hosts, inv.Groups, inv.Baseline = []fleet.Host{{Name: name}}, map[string]*fleet.Group{}, ""
	}
	return inv, nil
}

func (c *collectFlags) policy() remote.HostKeyPolicy {
	switch {
	case c.insecure:
		return remote.Insecure
	case c.acceptNew:
		return remote.AcceptNew
	}
	return remote.Strict
}

// gatherer collects hosts of one inventory.
type gatherer struct {
	e      *env
	flags  *collectFlags
	inv    *fleet.Inventory
	sshcfg *sshconfig.Config
	dialer *remote.Dialer
	probes []probe.Probe
	custom []probe.Probe

	// loadWarnings are about the ssh_config files themselves.
	loadWarnings []string

	mu     sync.Mutex
	warned map[string]bool
}

// warn prints each warning once per run: hosts share most ssh_config lines.
func (g *gatherer) warn(warnings ...string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, w := range warnings {
		if g.warned[w] {
			continue
		}
		if g.warned == nil {
			g.warned = map[string]bool{}
		}
		g.warned[w] = true
		fmt.Fprintf(g.e.stderr, "fleetcheck: warning: %s\n", w)
	}
}

// resolve resolves h through the inventory and ssh_config, warning about
// what its transport will not honour.
func (g *gatherer) resolve(ctx context.Context, h fleet.Host) (sshconfig.Target, error) {
	t, err := sshconfig.Resolve(ctx, h, g.inv, g.sshcfg)
	if err == nil {
		g.warn(t.Warnings...)
	}
	return t, err
}

// newGatherer loads ssh_config, opens the dialer and selects the probes.
func newGatherer(e *env, c *collectFlags, inv *fleet.Inventory) (*gatherer, error) {
	g := &gatherer{e: e, flags: c, inv: inv}
	var customNames []string
	for _, p := range inv.Probes {
		customNames = append(customNames, p.Name)
	}
	builtin, keptCustom, err := probe.Select(probe.All(), c.probes, customNames)
	if err != nil {
		return nil, usageError(err)
	}
	g.probes = builtin
	for _, p := range inv.Probes {
		for _, k := range keptCustom {
			if k == p.Name {
				g.custom = append(g.custom, probe.Custom(p))
			}
		}
	}
	if c.local {
		return g, nil
	}
	env, err := sshconfig.LocalEnv(e.getenv)
	if err != nil {
		return nil, err
	}
	cfg, warnings, err := sshconfig.Load(expandHome(inv.SSHConfig, e), env)
	if err != nil {
		return nil, usageError(err)
	}
	g.warn(warnings...)
	g.sshcfg, g.loadWarnings = cfg, warnings
	var kh []string
	for _, f := range inv.KnownHosts {
		kh = append(kh, expandHome(f, e))
	}
	if c.sessions < 1 || c.sessions > 10 {
		return nil, usageError(fmt.Errorf("--sessions %d: want 1 to 10 (OpenSSH allows 10 per connection)", c.sessions))
	}
	g.dialer, err = remote.NewDialer(remote.DialerOptions{Policy: c.policy(), KnownHosts: kh,
		AgentSocket: e.getenv("SSH_AUTH_SOCK"), Sessions: c.sessions})
	if err != nil {
		return nil, err
	}
	return g, nil
}

func (g *gatherer) close() {
	if g.dialer != nil {
		_ = g.dialer.Close()
	}
}

// hostConn is a connection to one host, or this machine's runner.
type hostConn struct {
	runner remote.Runner
	close  func()
	// snap carries the transport, address and security of the connection,
	// and the status when it failed.
	snap *fleet.Snapshot
	// target is the host as resolved (zero with --local).
	target sshconfig.Target
}

// connect resolves and connects to one host, or returns this machine's runner.
func (g *gatherer) connect(ctx context.Context, h fleet.Host) (hostConn, error) {
	c := hostConn{snap: &fleet.Snapshot{Transport: "local", Address: "local"}, close: func() {}}
	if g.flags.local {
		c.runner = remote.Local{}
		return c, nil
	}
	t, err := g.resolve(ctx, h)
	if err != nil {
		c.snap.Status, c.snap.Address = fleet.HostError, ""
		return c, err
	}
	c.target = t
	c.snap.Transport, c.snap.User, c.snap.Address = t.Transport, t.User, t.Addr()
	conn, err := g.dialer.Connect(ctx, t)
	if err != nil {
		c.snap.Status = remote.Status(err)
		return c, err
	}
	c.snap.Security = conn.Security()
	c.runner, c.close = conn, func() { _ = conn.Close() }
	return c, nil
}

// collect is the fleet.CollectFunc: connect, run the probes, keep what came.
func (g *gatherer) collect(ctx context.Context, h fleet.Host) (*fleet.Snapshot, error) {
	c, err := g.connect(ctx, h)
	if err != nil {
		return c.snap, err
	}
	defer c.close()
	pt := h.ProbeTimeout()
	if g.flags.probeTimeout > 0 {
		pt = g.flags.probeTimeout
	}
	opt := remote.CollectOptions{Probes: g.probes, Custom: g.custom, Sudo: h.Sudo(),
		ProbeTimeout: pt, OutputLimit: g.flags.outputLimit, PerlModules: g.inv.PerlModules}
	var rec *recorder
	if g.flags.record != "" {
		rec = newRecorder(filepath.Join(g.flags.record, h.Name))
		opt.Record = rec.add
	}
	snap, err := remote.Collect(ctx, c.runner, opt)
	if rec != nil {
		if werr := rec.write(); werr != nil {
			fmt.Fprintf(g.e.stderr, "fleetcheck: warning: %s: recording: %v\n", h.Name, werr)
		}
	}
	snap.Transport, snap.Address, snap.User, snap.Security = c.snap.Transport, c.snap.Address, c.snap.User, c.snap.Security
	snap.ToolVersion = version()
	if err != nil && ctx.Err() == nil {
		snap.Status = remote.Status(err)
	}
	return snap, err
}

// gatherResult is a finished (or interrupted) collection.
type gatherResult struct {
	inv         *fleet.Inventory
	hosts       []fleet.Host
	run         *fleet.RunDir
	snaps       []*fleet.Snapshot
	interrupted bool
}

// gather collects hosts of inv into a new run directory, writing each
// snapshot as soon as its host finishes so that an interrupted run loses
// nothing. Without keepFacts, the result's snapshots are summaries
// (fleet.Snapshot.Summary): the facts are on disk only.
func gather(ctx context.Context, e *env, c *collectFlags, inv *fleet.Inventory, hosts []fleet.Host, keepFacts bool) (*gatherResult, error) {
	g, err := newGatherer(e, c, inv)
	if err != nil {
		return nil, err
	}
	defer g.close()
	rec := fleet.RunRecord{ToolVersion: version(), StartedAt: time.Now().UTC(), Inventory: inv.File,
		InventoryDigest: inv.Digest, Baseline: inv.Baseline,
		Probes:  append(probe.Names(g.probes), probe.Names(g.custom)...),
		Options: &fleet.RunOptSave{Parallel: c.parallel, Local: c.local, HostKeys: c.policy().String()}}
	rec.Shard = c.shard
	run, err := fleet.CreateRun(c.store, rec, hosts)
	if err != nil {
		return nil, err
	}
	if c.record != "" {
		fmt.Fprintf(e.stderr, recordWarning, c.record)
	}
	prog := newProgress(e, len(hosts))
	var writeErr error
	var mu sync.Mutex
	fin := &finisher{run: run, done: make([]*fleet.Snapshot, len(hosts)), hosts: hosts}
	defer e.aborts.add(fin.abort)()
	snaps := fleet.Run(ctx, hosts, g.collect, fleet.RunOptions{Parallel: c.parallel, HostTimeout: c.timeout,
		Summaries: !keepFacts,
		Done: func(i int, s *fleet.Snapshot) {
			if err := run.WriteSnapshot(s); err != nil {
				mu.Lock()
				writeErr = errors.Join(writeErr, err)
				mu.Unlock()
			}
			fin.hostDone(i, s.Summary())
			prog.done(s)
		}})
	prog.finish()
	interrupted := ctx.Err() != nil
	if err := fin.finish(snaps, interrupted); err != nil {
		return nil, err
	}
	if writeErr != nil {
		return nil, fmt.Errorf("store %s: %w", run.Path, writeErr)
	}
	return &gatherResult{inv: inv, hosts: hosts, run: run, snaps: snaps, interrupted: interrupted}, nil
}

// finisher writes a run's final record once: at the end of the run, or,
// when fleetcheck must exit at once, with what has finished so far and
// every other host marked interrupted.
type finisher struct {
	run   *fleet.RunDir
	hosts []fleet.Host

	mu       sync.Mutex
	done     []*fleet.Snapshot
	finished bool
}

func (f *finisher) hostDone(i int, s *fleet.Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.done[i] = s
}

// finish writes the run record, unless it was already written.
func (f *finisher) finish(snaps []*fleet.Snapshot, interrupted bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return nil
	}
	f.finished = true
	return f.run.Finish(snaps, time.Now(), interrupted)
}

// abort is the exit-at-once hook: the hosts still running are interrupted.
func (f *finisher) abort() {
	f.mu.Lock()
	snaps := make([]*fleet.Snapshot, len(f.hosts))
	for i, h := range f.hosts {
		snaps[i] = f.done[i]
		if snaps[i] == nil {
			snaps[i] = &fleet.Snapshot{SchemaVersion: fleet.SchemaVersion, Host: h.Name, Status: fleet.HostInterrupted,
				Error: "interrupted: fleetcheck was stopped at once", Probes: map[string]fleet.ProbeResult{}}
		}
	}
	f.mu.Unlock()
	_ = f.finish(snaps, true)
}

// progress shows "hosts done/total, failures" on a terminal's stderr.
type progress struct {
	e           *env
	total       int
	n, failures atomic.Int32
	mu          sync.Mutex
}

func newProgress(e *env, total int) *progress { return &progress{e: e, total: total} }

func (p *progress) done(s *fleet.Snapshot) {
	n := p.n.Add(1)
	if !s.Status.Assessed() {
		p.failures.Add(1)
	}
	if !p.e.stderrTTY {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.e.stderr, "\r\x1b[Kcollecting: %d/%d hosts done, %d failed", n, p.total, p.failures.Load())
}

func (p *progress) finish() {
	if p.e.stderrTTY && p.n.Load() > 0 {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
	}
}

// expandHome expands a leading ~/ with $HOME.
func expandHome(path string, e *env) string {
	if path == "~" || len(path) > 1 && path[:2] == "~/" {
		home := e.getenv("HOME")
		if home == "" {
			home, _ = os.UserHomeDir()
		}
		return filepath.Join(home, path[1:])
	}
	return path
}
