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

const driftHelp = `Drift shows what changed on each host between two collections: modules
added, removed, upgraded, downgraded or moved to another owner; mounts and
their options; packages; MailScanner and Perl versions; configuration values;
new lint errors. The same cause rules apply ("after the upgrade
Mail::SpamAssassin no longer loads"). Hosts present in only one of the two are
listed as such. --before and --after each take a run directory (from collect
or compare) or a single snapshot file.`

func runDrift(ctx context.Context, e *env, args []string) error {
	var (
		before, after string
		rf            reportFlags
	)
	fs := newFlagSet(e, "drift", "--before RUN_DIR|SNAPSHOT.json --after RUN_DIR|SNAPSHOT.json [--format ...] [-o FILE] [HOST...]", driftHelp)
	fs.StringVar(&before, "before", "", "the earlier run `DIR`ectory or snapshot file")
	fs.StringVar(&after, "after", "", "the later run `DIR`ectory or snapshot file")
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
	b, err := readSnapshots(before)
	if err != nil {
		return usageError(fmt.Errorf("--before: %w", err))
	}
	a, err := readSnapshots(after)
	if err != nil {
		return usageError(fmt.Errorf("--after: %w", err))
	}
	// A host named on the command line may be in only one of the runs (added
	// or removed): that is a finding, not an error. In neither, it is a typo.
	b, missingBefore := filterSnapshots(b, targets)
	a, missingAfter := filterSnapshots(a, targets)
	for _, h := range missingBefore {
		if slices.Contains(missingAfter, h) {
			return usageError(fmt.Errorf("host %q is in neither run", h))
		}
	}
	rep, err := rf.write(e, reportWork{snaps: a, more: b, title: "fleetcheck drift", source: commandLine("drift", args),
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
