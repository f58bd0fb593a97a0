package fleet

import (
	"cmp"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// MergeOptions tune MergeRuns.
type MergeOptions struct {
	// Expected, when set, are the hosts the merged run must hold (the
	// inventory's): one that no run holds is listed as not collected.
	Expected []string
	// ToolVersion is recorded in the merged run.
	ToolVersion string
}

// candidate is one run's entry for a host.
type candidate struct {
	run   int
	entry RunHost
	path  string // the snapshot file, "" when there is none
}

// MergeRuns combines run directories (the shards of one audit, collected
// by one coordinator per network segment) into one new run under store.
// Each host's snapshot file is copied as it is. A host held by several
// runs is a conflict: the merged run keeps the assessed snapshot (of the
// latest such run when several are), and the conflict is noted. Hosts
// of opts.Expected that no run holds, shards missing from a set of
// shards, runs that were interrupted and runs of other inventories are
// noted too. The notes are returned and recorded in the merged run.json;
// nothing is dropped without one.
func MergeRuns(store string, dirs []string, opts MergeOptions) (*RunDir, []string, error) {
	if len(dirs) == 0 {
		return nil, nil, fmt.Errorf("merge: no runs")
	}
	recs := make([]RunRecord, len(dirs))
	for i, d := range dirs {
		if err := readJSON(filepath.Join(d, RunFile), &recs[i]); err != nil {
			return nil, nil, fmt.Errorf("merge: %w", err)
		}
	}
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }

	merged := RunRecord{ToolVersion: opts.ToolVersion, StartedAt: recs[0].StartedAt, EndedAt: recs[0].EndedAt,
		Inventory: recs[0].Inventory, InventoryDigest: recs[0].InventoryDigest, Baseline: recs[0].Baseline,
		Probes: recs[0].Probes, MergedFrom: dirs}
	for i, r := range recs {
		if r.StartedAt.Before(merged.StartedAt) {
			merged.StartedAt = r.StartedAt
		}
		if r.EndedAt.After(merged.EndedAt) {
			merged.EndedAt = r.EndedAt
		}
		if merged.Baseline == "" {
			merged.Baseline = r.Baseline
		}
		if r.InventoryDigest != merged.InventoryDigest {
			note("%s was collected from another inventory (%s, digest %.12s) than %s (%s, digest %.12s)",
				dirs[i], r.Inventory, r.InventoryDigest, dirs[0], recs[0].Inventory, recs[0].InventoryDigest)
		}
		if r.State != RunStateComplete {
			note("%s is %s: its unfinished hosts are interrupted in the merged run", dirs[i], r.State)
		}
	}
	notes = append(notes, missingShards(dirs, recs)...)

	// Every run's entries, host by host, in order of first appearance.
	byHost := map[string][]candidate{}
	var order []string
	for i, r := range recs {
		for _, h := range r.Hosts {
			if !ValidHostName(h.Host) {
				note("%s lists %q, which is not a valid host name: left out", dirs[i], h.Host)
				continue
			}
			c := candidate{run: i, entry: h}
			if p := findSnapshot(dirs[i], h); fileExists(p) {
				c.path = p
			}
			if byHost[h.Host] == nil {
				order = append(order, h.Host)
			}
			byHost[h.Host] = append(byHost[h.Host], c)
		}
	}
	for _, name := range opts.Expected {
		if byHost[name] == nil {
			order = append(order, name)
			note("%s is in none of the merged runs: not collected", name)
		}
	}

	hosts := make([]Host, len(order))
	for i, name := range order {
		hosts[i] = Host{Name: name}
	}
	run, err := CreateRun(store, merged, hosts)
	if err != nil {
		return nil, nil, err
	}
	state := RunStateComplete
	for i, name := range order {
		cs := byHost[name]
		if len(cs) == 0 {
			run.Record.Hosts[i] = RunHost{Host: name, Status: HostNotCollected, Error: "in none of the merged runs"}
			continue
		}
		best := slices.MaxFunc(cs, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(rank(a), rank(b)), recs[a.run].StartedAt.Compare(recs[b.run].StartedAt), cmp.Compare(b.run, a.run))
		})
		if len(cs) > 1 {
			var where []string
			for _, c := range cs {
				where = append(where, fmt.Sprintf("%s (%s)", dirs[c.run], c.entry.Status))
			}
			note("%s is in %d runs: %s; kept the one from %s", name, len(cs), strings.Join(where, ", "), dirs[best.run])
		}
		h := best.entry
		h.File = ""
		if best.path != "" {
			b, err := os.ReadFile(best.path)
			if err == nil {
				err = WriteFile(filepath.Join(run.Path, filepath.Base(best.path)), b, 0o644)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("merge: %w", err)
			}
			h.File = filepath.Base(best.path)
		}
		if recs[best.run].State != RunStateComplete && h.File == "" {
			state = RunStateInterrupted
		}
		run.Record.Hosts[i] = h
	}
	run.Record.State, run.Record.MergeNotes = state, notes
	if run.Record.EndedAt.IsZero() {
		run.Record.EndedAt = time.Now().UTC()
	}
	if err := writeJSON(filepath.Join(run.Path, RunFile), &run.Record); err != nil {
		return nil, nil, err
	}
	return run, notes, nil
}

// rank orders a host's entries: an assessed snapshot over another
// snapshot over a status alone.
func rank(c candidate) int {
	switch {
	case c.path != "" && c.entry.Status.Assessed():
		return 2
	case c.path != "":
		return 1
	}
	return 0
}

// missingShards notes the shards absent from runs that are shards of one
// split, and shards given twice.
func missingShards(dirs []string, recs []RunRecord) []string {
	var notes []string
	byCount := map[int][]int{}
	for i, r := range recs {
		if r.Shard == "" {
			continue
		}
		s, err := ParseShard(r.Shard)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v", dirs[i], err))
			continue
		}
		byCount[s.Count] = append(byCount[s.Count], s.Index)
	}
	for _, n := range slices.Sorted(maps.Keys(byCount)) {
		have := map[int]int{}
		for _, i := range byCount[n] {
			have[i]++
		}
		for i := range n {
			switch {
			case have[i] == 0:
				notes = append(notes, fmt.Sprintf("shard %d/%d is missing: its hosts are in none of the merged runs", i, n))
			case have[i] > 1:
				notes = append(notes, fmt.Sprintf("shard %d/%d is given %d times", i, n, have[i]))
			}
		}
	}
	return notes
}
