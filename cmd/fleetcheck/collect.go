package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/compare/view"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

const collectHelp = `Collect connects to every selected host (TARGET: see below; none means all),
runs the read-only probes in at most four SSH sessions per host,
and writes one snapshot per host into a new run directory:
  STORE/<UTC time>/run.json     the run: tool version, times, every host's status
  STORE/<UTC time>/<host>.json.gz  one snapshot per host, gzip-compressed JSON
                                   (sorted keys: zcat two of them and diff)
Each snapshot is written as soon as its host finishes; Ctrl-C keeps every
finished host and marks the rest interrupted. A status table follows on stdout.`

func runCollect(ctx context.Context, e *env, args []string) error {
	var c collectFlags
	fs := newFlagSet(e, "collect", "-i FILE [--store DIR] [--parallel N] [--timeout D] [--probe-timeout D] [--shard I/N] [TARGET...]", collectHelp+targetHelp)
	c.addFlags(fs, true)
	fs.StringVar(&c.shard, "shard", "", "collect only shard `I/N` of the selected hosts (0 ≤ I < N; a stable split by host name), for one coordinator per network segment; join the runs with fleetcheck merge")
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	inv, hosts, err := c.targetHosts(targets)
	if err != nil {
		return err
	}
	if c.shard != "" {
		sh, err := fleet.ParseShard(c.shard)
		if err != nil {
			return usageError(fmt.Errorf("--shard: %w", err))
		}
		hosts, c.shard = sh.Select(hosts), sh.String()
	}
	if c.listHosts {
		return printHosts(e, namesOf(hosts))
	}
	res, err := gather(ctx, e, &c, inv, hosts, false)
	if err != nil {
		return err
	}
	if err := statusTable(e.stdout, e.columns(true), res.snaps); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nrun stored in %s\n", res.run.Path)
	return collectExit(res)
}

// collectExit is 4 when interrupted, 3 when a host could not be assessed, else 0.
func collectExit(res *gatherResult) error {
	if res.interrupted {
		return silentExit(exitInterrupted)
	}
	for _, s := range res.snaps {
		if !s.Status.Assessed() {
			return silentExit(exitUnassessed)
		}
	}
	return nil
}

// statusTable prints host, status, duration, probes and error per host,
// fitted to width columns.
func statusTable(w io.Writer, width int, snaps []*fleet.Snapshot) error {
	rows := make([][]string, 0, len(snaps))
	for _, s := range snaps {
		ok, total := 0, 0
		var failed []string
		for name, p := range s.Probes {
			total++
			if p.Status.Complete() {
				ok++
			} else {
				failed = append(failed, name+": "+string(p.Status))
			}
		}
		probes := ""
		if total > 0 {
			probes = fmt.Sprintf("%d/%d ok", ok, total)
		}
		msg := s.Error
		if msg == "" && len(failed) > 0 {
			slices.Sort(failed)
			msg = strings.Join(failed, ", ")
		}
		rows = append(rows, []string{s.Host, view.StatusText(s.Status),
			(time.Duration(s.DurationMS) * time.Millisecond).Round(10 * time.Millisecond).String(),
			probes, oneLine(msg, 100)})
	}
	return render.WriteTable(w, width, statusColumns, rows)
}

// statusColumns are the status table's: the error gives way first.
var statusColumns = []render.Column{
	{Head: "host", Min: 12, Fit: render.WrapCell},
	{Head: "status", Min: 9, Fit: render.WrapCell},
	{Head: "time", Min: 8},
	{Head: "probes", Min: 9},
	{Head: "error", Min: 20, Fit: render.WrapCell},
}

// oneLine keeps the first line of s, made safe for a terminal, at most n
// runes.
func oneLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(hosttext.Clean(s)), "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
