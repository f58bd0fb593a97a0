package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/fleetcheck/fleetcheck/remote/probe"
)

const probesHelp = `Probes lists the built-in probes with the exact remote command each runs
(POSIX sh, read-only), whether it uses sudo -n on hosts with sudo: true, and its
timeout. With -i, the inventory's custom probes are listed too.`

func runProbes(ctx context.Context, e *env, args []string) error {
	var inventory string
	verbose := false
	fs := newFlagSet(e, "probes", "[-i FILE] [-v]", probesHelp)
	fs.StringVar(&inventory, "i", "", "inventory `FILE` whose custom probes to list")
	fs.BoolVar(&verbose, "v", false, "print each probe's full command")
	if _, err := parseArgs(e, fs, args); err != nil {
		return err
	}
	ps := probe.All()
	if inventory != "" {
		inv, err := readInventory(inventory)
		if err != nil {
			return err
		}
		for _, p := range inv.Probes {
			ps = append(ps, probe.Custom(p))
		}
	}
	for _, p := range ps {
		flags := []string{}
		if p.Sudo {
			flags = append(flags, "sudo")
		}
		if p.Alone {
			flags = append(flags, "own session")
		}
		if p.Timeout > 0 {
			flags = append(flags, "timeout "+p.Timeout.String())
		}
		fmt.Fprintln(e.stdout, strings.TrimSpace(fmt.Sprintf("%-20s %s", p.Name, strings.Join(flags, ", "))))
		if verbose {
			for _, l := range strings.Split(strings.TrimSpace(p.Command), "\n") {
				fmt.Fprintf(e.stdout, "    %s\n", l)
			}
			fmt.Fprintln(e.stdout)
		}
	}
	return nil
}
