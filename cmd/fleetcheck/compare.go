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
		compareHelp)
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

	var snaps []*fleet.Snapshot
	var inv *fleet.Inventory
	interrupted := false
	switch {
	case c.from != "":
		if c.collect.inventory != "" { // optional: names addresses and users to redact
			if inv, err = c.collect.loadInventory(); err != nil {
				return err
			}
		}
		rec, all, err := fleet.ReadRun(c.from)
		if err != nil {
			return usageError(fmt.Errorf("--from: %w", err))
		}
		snaps, err = selectSnapshots(all, withBaseline(targets, base.Host))
		if err != nil {
			return usageError(err)
		}
		if base.Kind == "" && base.Snapshot == nil && base.Host == "" && rec.Baseline != "" {
			base.Host = rec.Baseline
		}
	default:
		if inv, err = c.collect.loadInventory(); err != nil {
			return err
		}
		if base.Snapshot == nil && base.Host == "" && inv.Baseline != "" {
			base.Host = inv.Baseline
		}
		res, err := gather(ctx, e, &c.collect, withBaseline(targets, base.Host), true)
		if err != nil {
			return err
		}
		snaps, interrupted, inv = res.snaps, res.interrupted, res.inv
		if !c.quiet {
			fmt.Fprintf(e.stderr, "fleetcheck: run stored in %s\n", res.run.Path)
		}
	}
	title := "fleetcheck compare"
	if len(targets) > 0 {
		title += " " + strings.Join(targets, " ")
	}
	work := reportWork{snaps: snaps, inv: inv, title: title, source: c.cmdline,
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

// withBaseline adds the baseline host to an explicit target list.
func withBaseline(targets []string, baseline string) []string {
	if len(targets) == 0 || baseline == "" {
		return targets
	}
	for _, t := range targets {
		if t == baseline {
			return targets
		}
	}
	return append(targets, baseline)
}

// selectSnapshots keeps the snapshots of the named hosts (all when none are
// named). Group names cannot be resolved without the inventory, so they are
// refused with a hint.
func selectSnapshots(all []*fleet.Snapshot, targets []string) ([]*fleet.Snapshot, error) {
	out, missing := filterSnapshots(all, targets)
	if len(missing) > 0 {
		return nil, fmt.Errorf("not in the stored run: %s (with --from, name hosts, not groups)", strings.Join(missing, ", "))
	}
	return out, nil
}

// filterSnapshots keeps the snapshots of the named hosts and lists the names
// it did not find.
func filterSnapshots(all []*fleet.Snapshot, hosts []string) (out []*fleet.Snapshot, missing []string) {
	if len(hosts) == 0 {
		return all, nil
	}
	found := map[string]bool{}
	for _, s := range all {
		for _, h := range hosts {
			if s.Host == h {
				out = append(out, s)
				found[h] = true
			}
		}
	}
	for _, h := range hosts {
		if !found[h] {
			missing = append(missing, h)
		}
	}
	return out, missing
}
