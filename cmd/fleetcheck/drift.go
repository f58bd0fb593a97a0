package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

const driftHelp = `Drift shows what changed on each host between two collections, and only
what changed. Each host of the later run is compared with its own snapshot in
the earlier one, fact by fact, with the same keys and comparisons as compare:
modules added, removed, upgraded, downgraded or moved to another owner; mounts
and their options; packages; MailScanner and Perl versions; configuration
values; lint messages. The same cause rules explain the changes ("after the
upgrade Mail::SpamAssassin no longer loads").

What stayed the same is not reported: a run compared with itself reports
nothing and exits 0 (3 if a host could not be assessed). A probe that did not
run cleanly in both runs alike is no change, and a cause that covers no
changed fact (sudo refused, legacy algorithms, a host unreachable) is reported
only when the earlier snapshot did not have it too. A host not assessed in the later run is "not assessed"
(exit 3), whether or not it was in the earlier one; a host new in the later
run, or not assessed in the earlier one, has nothing to compare with and is
listed as such; a host of the earlier run only is listed and not counted.

--before and --after each take a run directory (from collect or compare) or a
single snapshot file. HOST patterns select among the hosts of the two runs;
with -i, the inventory's groups and waivers apply too.`

func runDrift(ctx context.Context, e *env, args []string) error {
	var (
		before, after, inventory string
		listHosts                bool
		rf                       reportFlags
	)
	fs := newFlagSet(e, "drift", "--before RUN_DIR|SNAPSHOT.json --after RUN_DIR|SNAPSHOT.json [-i FILE] [--format ...] [-o FILE] [HOST...]", driftHelp)
	fs.StringVar(&before, "before", "", "the earlier run `DIR`ectory or snapshot file")
	fs.StringVar(&after, "after", "", "the later run `DIR`ectory or snapshot file")
	fs.StringVar(&inventory, "i", "", "inventory `FILE`, for its groups and waivers (optional)")
	fs.BoolVar(&listHosts, "list-hosts", false, "print the hosts the targets select, one a line, and exit")
	rf.register(fs)
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	if before == "" || after == "" {
		return usageError(errors.New("drift needs both --before and --after"))
	}
	if err := rf.validate(); err != nil {
		return err
	}
	c := collectFlags{inventory: inventory}
	inv, err := c.optionalInventory()
	if err != nil {
		return err
	}
	b, err := readSnapshots(before)
	if err != nil {
		return usageError(fmt.Errorf("--before: %w", err))
	}
	a, err := readSnapshots(after)
	if err != nil {
		return usageError(fmt.Errorf("--after: %w", err))
	}
	// A host selected may be in only one of the runs (added or removed):
	// that is a finding, not an error. Patterns resolve over both runs.
	source := before + " and " + after
	both := append(append([]*fleet.Snapshot{}, a...), b...)
	selected, err := selectStored(both, inv, source, targets)
	if err != nil {
		return err
	}
	if listHosts {
		return printHosts(e, snapshotNames(selected))
	}
	keep := func(snaps []*fleet.Snapshot) []*fleet.Snapshot {
		return slices.DeleteFunc(snaps, func(s *fleet.Snapshot) bool {
			return !slices.ContainsFunc(selected, func(x *fleet.Snapshot) bool { return x.Host == s.Host })
		})
	}
	waivers, err := rf.loadWaivers(inv.Within(source, snapshotNames(both)))
	if err != nil {
		return err
	}
	b, a = keep(b), keep(a)
	rep, err := rf.write(e, reportWork{snaps: a, more: b, inv: inv, waivers: waivers, title: "fleetcheck drift", source: commandLine("drift", args),
		build: func(after, before []*fleet.Snapshot, _ func(string) string) (*compare.Report, error) {
			return compare.Drift(before, after, compare.Options{All: rf.all})
		}})
	if err != nil {
		return err
	}
	return silentExit(rep.ExitCode())
}

// readSnapshots reads a run directory or one snapshot file.
func readSnapshots(path string) ([]*fleet.Snapshot, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		_, snaps, err := fleet.ReadRun(path)
		return snaps, err
	}
	s, err := fleet.ReadSnapshot(path)
	if err != nil {
		return nil, err
	}
	return []*fleet.Snapshot{s}, nil
}
