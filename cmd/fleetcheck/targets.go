package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/preflight"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// targetHelp ends the --help of every command that takes targets.
const targetHelp = `

TARGET selects hosts, as clush and Ansible users write them: host names, group
names, ranges mail[01-10] or mail[1,3-5], globs mail* and mail?, exclusions
!mail4 and !group, and comma lists of these (mail[1-9],!mail4). Ranges and globs
match inventory host names only; exclusions alone start from every host; no
TARGET means every host. An unknown name or a pattern that matches nothing is
a usage error (exit 2). --list-hosts prints the selected hosts, one a line, and
exits 0 without connecting.`

// Every command reads an inventory the same way, and every command that
// takes targets selects hosts the same way: here.

// readInventory reads and validates an inventory: fleet's strict decoder,
// then its waivers' rule ids against the rules the reports know. Every
// problem is a usage error (exit 2) naming the file and line.
func readInventory(path string) (*fleet.Inventory, error) {
	inv, err := fleet.LoadInventory(path)
	if err != nil {
		return nil, usageError(err)
	}
	if err := fleet.CheckWaiverRules(inv.Waivers, ruleIDs()); err != nil {
		return nil, usageError(err)
	}
	return inv, nil
}

// ruleIDs are the rule ids of every report: compare's and preflight's.
func ruleIDs() []string {
	var ids []string
	for _, r := range compare.Rules() {
		ids = append(ids, r.ID)
	}
	return append(ids, preflight.Rules()...)
}

// targetHosts reads the inventory (-i) and selects the targets' hosts.
func (c *collectFlags) targetHosts(targets []string) (*fleet.Inventory, []fleet.Host, error) {
	inv, err := c.loadInventory()
	if err != nil {
		return nil, nil, err
	}
	if c.local && len(targets) > 0 {
		return nil, nil, usageError(errors.New("--local collects this machine only: drop the targets"))
	}
	hosts, err := inv.Select(targets)
	if err != nil {
		return nil, nil, usageError(err)
	}
	return inv, hosts, nil
}

// optionalInventory reads -i when given; commands that read stored runs
// need it only for groups and waivers, and validate it all the same.
func (c *collectFlags) optionalInventory() (*fleet.Inventory, error) {
	if c.inventory == "" {
		return nil, nil
	}
	return readInventory(c.inventory)
}

// selectStored keeps the snapshots of a stored run (or two) that targets
// select, in their order. Patterns resolve over the stored hosts, with
// the inventory's groups when inv is given.
func selectStored(snaps []*fleet.Snapshot, inv *fleet.Inventory, source string, targets []string) ([]*fleet.Snapshot, error) {
	names := make([]string, len(snaps))
	for i, s := range snaps {
		names[i] = s.Host
	}
	hosts, err := inv.Within(source, names).Select(targets)
	if err != nil {
		if inv == nil {
			err = fmt.Errorf("%w (pass -i FILE to select by the inventory's groups)", err)
		}
		return nil, usageError(err)
	}
	want := map[string]bool{}
	for _, h := range hosts {
		want[h.Name] = true
	}
	var out []*fleet.Snapshot
	for _, s := range snaps {
		if want[s.Host] {
			out = append(out, s)
			delete(want, s.Host)
		}
	}
	return out, nil
}

// printHosts is --list-hosts: the selected hosts, one a line.
func printHosts(e *env, names []string) error {
	if len(names) == 0 {
		return nil
	}
	_, err := fmt.Fprintln(e.stdout, strings.Join(names, "\n"))
	return err
}

func namesOf(hosts []fleet.Host) []string {
	out := make([]string, len(hosts))
	for i, h := range hosts {
		out[i] = h.Name
	}
	return out
}

func snapshotNames(snaps []*fleet.Snapshot) []string {
	out := make([]string, len(snaps))
	for i, s := range snaps {
		out[i] = s.Host
	}
	return out
}

// waivers returns the inventory's waivers and those of --waivers FILE,
// whose hosts resolve in inv (the inventory, or the stored hosts).
func (r *reportFlags) loadWaivers(inv *fleet.Inventory) ([]fleet.Waiver, error) {
	ws := append([]fleet.Waiver(nil), inv.Waivers...)
	if r.waivers == "" {
		return ws, nil
	}
	more, err := fleet.LoadWaivers(r.waivers, inv)
	if err != nil {
		return nil, usageError(fmt.Errorf("--waivers: %w", err))
	}
	if err := fleet.CheckWaiverRules(more, ruleIDs()); err != nil {
		return nil, usageError(err)
	}
	return append(ws, more...), nil
}

// source is where a report's snapshots come from: a stored run (--from)
// or a collection of the selected hosts.
type source struct {
	// inv is what targets resolved in: the inventory, or the stored run's
	// hosts with the inventory's groups, waivers and baseline when -i is
	// given.
	inv *fleet.Inventory
	// loaded is the inventory as read from -i, nil without one: its hosts'
	// addresses and users are what redaction replaces.
	loaded *fleet.Inventory
	// hosts are the hosts to collect, without --from.
	hosts []fleet.Host
	// run, all and snaps are the stored run, all its snapshots and the
	// selected ones, with --from.
	run        *fleet.RunRecord
	all, snaps []*fleet.Snapshot
}

// openSource reads the inventory, or the stored run from, and selects the
// targets' hosts.
func (c *collectFlags) openSource(from string, targets []string) (*source, error) {
	if from == "" {
		inv, hosts, err := c.targetHosts(targets)
		if err != nil {
			return nil, err
		}
		return &source{inv: inv, loaded: inv, hosts: hosts}, nil
	}
	inv, err := c.optionalInventory()
	if err != nil {
		return nil, err
	}
	rec, all, err := fleet.ReadRun(from)
	if err != nil {
		return nil, usageError(fmt.Errorf("--from: %w", err))
	}
	snaps, err := selectStored(all, inv, from, targets)
	if err != nil {
		return nil, err
	}
	return &source{inv: inv.Within(from, snapshotNames(all)), loaded: inv, run: rec, all: all, snaps: snaps}, nil
}

// names are the selected hosts, for --list-hosts.
func (s *source) names() []string {
	if s.run != nil {
		return snapshotNames(s.snaps)
	}
	return namesOf(s.hosts)
}

// baseline is the inventory's baseline host, else the stored run's.
func (s *source) baseline() string {
	if s.inv.Baseline == "" && s.run != nil {
		return s.run.Baseline
	}
	return s.inv.Baseline
}

// addHost adds a host (the baseline) to the selection: from the stored run
// when it has it, else from the inventory, where it must be.
func (s *source) addHost(name string) error {
	if name == "" {
		return nil
	}
	if s.run != nil {
		if !slices.ContainsFunc(s.snaps, func(x *fleet.Snapshot) bool { return x.Host == name }) {
			if i := slices.IndexFunc(s.all, func(x *fleet.Snapshot) bool { return x.Host == name }); i >= 0 {
				s.snaps = append(s.snaps, s.all[i])
			}
		}
		return nil
	}
	if slices.ContainsFunc(s.hosts, func(h fleet.Host) bool { return h.Name == name }) {
		return nil
	}
	h, ok := s.inv.Host(name)
	if !ok {
		return usageError(fmt.Errorf("%s: baseline %q is not an inventory host", s.inv.File, name))
	}
	s.hosts = append(s.hosts, h)
	return nil
}

// snapshots collects the selected hosts into a new run, or returns the
// stored ones; res is nil for a stored run.
func (s *source) snapshots(ctx context.Context, e *env, c *collectFlags) (snaps []*fleet.Snapshot, res *gatherResult, err error) {
	if s.run != nil {
		return s.snaps, nil, nil
	}
	if res, err = gather(ctx, e, c, s.inv, s.hosts, true); err != nil {
		return nil, nil, err
	}
	return res.snaps, res, nil
}
