package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/fleetcheck/fleetcheck/fleet"
)

const mergeHelp = `Merge combines run directories into one new run under --store: the runs of
one audit split between coordinators (collect --shard I/N, one coordinator
per network segment, each started by cron or as a Kubernetes Indexed Job).
Each host's snapshot file is copied as it is. A host in several runs is a
conflict: the merged run keeps its assessed snapshot (the latest, if several
are) and the conflict is printed. Shards missing from a split, runs that were
interrupted, runs of another inventory and, with -i, inventory hosts that no
run holds are printed too, and recorded in the merged run.json (merge_notes);
hosts no run holds are listed there as not collected. compare --from,
drift and preflight --from read the merged run like any other.`

func runMerge(_ context.Context, e *env, args []string) error {
	var store, inventory string
	fs := newFlagSet(e, "merge", "RUN_DIR... [--store DIR] [-i FILE]", mergeHelp)
	fs.StringVar(&store, "store", defaultStore, "directory that receives the merged run `DIR`ectory")
	fs.StringVar(&inventory, "i", "", "inventory `FILE`: its hosts must all be in the merged run (those missing are reported)")
	fs.StringVar(&inventory, "inventory", "", "inventory `FILE` (same as -i)")
	runs, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return usageError(errors.New("merge: name the run directories to merge"))
	}
	opts := fleet.MergeOptions{ToolVersion: version()}
	if inventory != "" {
		inv, err := fleet.LoadInventory(inventory)
		if err != nil {
			return usageError(err)
		}
		for _, h := range inv.Hosts {
			opts.Expected = append(opts.Expected, h.Name)
		}
	}
	run, notes, err := fleet.MergeRuns(store, runs, opts)
	if err != nil {
		return usageError(err)
	}
	for _, n := range notes {
		fmt.Fprintf(e.stderr, "fleetcheck: merge: %s\n", n)
	}
	assessed := 0
	for _, h := range run.Record.Hosts {
		if h.Status.Assessed() {
			assessed++
		}
	}
	fmt.Fprintf(e.stdout, "merged %d runs: %d hosts, %d assessed, %d note(s)\nrun stored in %s\n",
		len(runs), len(run.Record.Hosts), assessed, len(notes), run.Path)
	if assessed < len(run.Record.Hosts) {
		return silentExit(exitUnassessed)
	}
	return nil
}
