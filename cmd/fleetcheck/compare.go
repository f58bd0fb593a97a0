package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

const compareHelp = `Compare explains every host against a known-good baseline: it collects the
selected hosts (or reads a stored run with --from), diffs each against the
baseline fact by fact, and ranks the likely causes with evidence and a fix.

The baseline is --baseline HOST, or --baseline FILE.json (a saved snapshot of
a golden host), or the inventory's baseline:, or else the majority value of
each fact across the assessed hosts (ties broken by the lowest host name).
A baseline host that was not named among the targets is collected too.

With --from, targets select among the stored run's hosts, by the groups of
the inventory when -i is given (which is then checked as every command
checks it).

Waivers (the inventory's waivers: and --waivers FILE) accept known
differences until they expire: a waived cause is listed in its own section
with the reason and never counted in the summary or the exit status; expired
waivers and waivers that match nothing are reported.

The table fits the terminal: $COLUMNS when set, else the width of the
terminal on stdout, else 160 columns.`

type compareFlags struct {
	collect  collectFlags
	report   reportFlags
	baseline string
	from     string
	// quiet leaves out where the run was stored (the demo's store is temporary).
	quiet bool
	// cmdline is the command as typed, for the report's heading.
	cmdline string
}

func runCompare(ctx context.Context, e *env, args []string) error {
	var c compareFlags
	fs := newFlagSet(e, "compare",
		"-i FILE [--baseline HOST|SNAPSHOT.json] [--from RUN_DIR] [--format table|json|markdown|html] [-o FILE] [TARGET...]",
		compareHelp+targetHelp)
	c.collect.addFlags(fs, true)
	fs.StringVar(&c.baseline, "baseline", "", "the known-good `HOST`, or a snapshot FILE.json (or .json.gz) of one")
	fs.StringVar(&c.from, "from", "", "compare a stored run `DIR`ectory instead of collecting")
	c.report.register(fs)
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	c.cmdline = commandLine("compare", args)
	return compareMain(ctx, e, &c, targets)
}

// compareMain collects (or reads) and reports; the demo calls it directly.
func compareMain(ctx context.Context, e *env, c *compareFlags, targets []string) error {
	if err := c.report.validate(); err != nil {
		return err
	}
	base, err := c.baselineSpec()
	if err != nil {
		return err
	}
	src, err := c.collect.openSource(c.from, targets)
	if err != nil {
		return err
	}
	if base.Kind == "" && base.Snapshot == nil && base.Host == "" {
		base.Host = src.baseline()
	}
	if err := src.addHost(base.Host); err != nil {
		return err
	}
	if c.collect.listHosts {
		return printHosts(e, src.names())
	}
	waivers, err := c.report.loadWaivers(src.inv) // before connecting to anything
	if err != nil {
		return err
	}
	snaps, res, err := src.snapshots(ctx, e, &c.collect)
	if err != nil {
		return err
	}
	interrupted := res != nil && res.interrupted
	if res != nil && !c.quiet {
		fmt.Fprintf(e.stderr, "fleetcheck: run stored in %s\n", res.run.Path)
	}
	title := "fleetcheck compare"
	if len(targets) > 0 {
		title += " " + strings.Join(targets, " ")
	}
	work := reportWork{snaps: snaps, inv: src.loaded, waivers: waivers, title: title, source: c.cmdline,
		build: func(snaps, more []*fleet.Snapshot, host func(string) string) (*compare.Report, error) {
			b := base
			if b.Host != "" {
				b.Host = host(b.Host)
			}
			if len(more) > 0 {
				b.Snapshot = more[0]
			}
			return compare.Compare(snaps, b, compare.Options{All: c.report.all})
		}}
	if base.Snapshot != nil {
		work.more = []*fleet.Snapshot{base.Snapshot}
	}
	rep, err := c.report.write(e, work)
	var be *compare.BaselineError
	if errors.As(err, &be) {
		return &exitError{code: exitUnassessed, err: err}
	}
	if err != nil {
		return err
	}
	if interrupted {
		return silentExit(exitInterrupted)
	}
	return silentExit(rep.ExitCode())
}

// baselineSpec reads --baseline: a snapshot file when it names one, else a host.
func (c *compareFlags) baselineSpec() (compare.Baseline, error) {
	b := c.baseline
	if b == "" {
		return compare.Baseline{}, nil
	}
	if strings.HasSuffix(b, ".json") || strings.HasSuffix(b, ".json.gz") || strings.ContainsRune(b, os.PathSeparator) {
		s, err := fleet.ReadSnapshot(b)
		if err != nil {
			return compare.Baseline{}, usageError(fmt.Errorf("--baseline: %w", err))
		}
		return compare.Baseline{Kind: compare.BaselineFile, Snapshot: s, Source: b, Host: ""}, nil
	}
	return compare.Baseline{Kind: compare.BaselineHost, Host: b}, nil
}
