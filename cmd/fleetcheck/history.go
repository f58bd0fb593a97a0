package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
)

const historyHelp = `History lists, over every run in the store, when each fact of HOST changed:
the run that saw the new value, the fact, the value before and after. It
reads the snapshots already on disk and connects to nothing. FACT-GLOB keeps
the facts whose key matches ('*' any run of characters, '?' one character),
such as 'mailscanner_config.*' or 'perl_modules.Mail::SpamAssassin.*'; fact
keys are the report's (see --format json of compare).

Values are compared as compare compares them (Perl version 1.30 is 1.3).
A run in which the host was not assessed, or a fact's probe did not run
cleanly, says nothing about the fact: the next clean run is compared with
the last one that saw it. Noise (uptime, load, free space within 20 %) is
left out unless --all.`

// historyReport is history's --format json.
type historyReport struct {
	Host     string               `json:"host"`
	Store    string               `json:"store"`
	FactGlob string               `json:"fact_glob"`
	Runs     []historyRunJSON     `json:"runs"`
	Changes  []compare.FactChange `json:"changes"`
}

type historyRunJSON struct {
	Run    string           `json:"run"`
	Time   time.Time        `json:"time"`
	Status fleet.HostStatus `json:"status"`
}

func runHistory(ctx context.Context, e *env, args []string) error {
	var (
		store, format string
		all           bool
	)
	fs := newFlagSet(e, "history", "[--store DIR] [--format table|json] [--all] HOST [FACT-GLOB]", historyHelp)
	fs.StringVar(&store, "store", defaultStore, "the store `DIR`ectory whose runs to read")
	fs.StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	fs.BoolVar(&all, "all", false, "also list noise: uptime, load, PIDs, free space within 20 %")
	pos, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageError(errors.New("history: want HOST and at most one FACT-GLOB (see --help)"))
	}
	if format != "table" && format != "json" {
		return usageError(fmt.Errorf("--format %q: want table or json", format))
	}
	host, glob := pos[0], ""
	if len(pos) == 2 {
		glob = pos[1]
	}
	if !fleet.ValidHostName(host) {
		return usageError(fmt.Errorf("history: %q is not a host name (history takes one host)", host))
	}
	dirs, err := fleet.ListRuns(store)
	if err != nil {
		return usageError(err)
	}
	var runs []compare.HistoryRun
	rep := historyReport{Host: host, Store: store, FactGlob: glob, Runs: []historyRunJSON{}}
	recs, snaps, err := fleet.ReadRunsHost(dirs, host)
	if err != nil {
		return err
	}
	for i, dir := range dirs {
		rec, snap := recs[i], snaps[i]
		if snap == nil {
			continue
		}
		name := filepath.Base(dir)
		runs = append(runs, compare.HistoryRun{Run: name, Time: rec.StartedAt, Snapshot: snap})
		rep.Runs = append(rep.Runs, historyRunJSON{Run: name, Time: rec.StartedAt, Status: snap.Status})
	}
	if len(runs) == 0 {
		return usageError(fmt.Errorf("history: host %q is in none of the %d run(s) in %s", host, len(dirs), store))
	}
	rep.Changes = compare.History(runs, glob, all)
	if rep.Changes == nil {
		rep.Changes = []compare.FactChange{}
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	}
	return historyTable(e, &rep)
}

// historyTable prints the changes for people, one a row.
func historyTable(e *env, rep *historyReport) error {
	what := "every fact"
	if rep.FactGlob != "" {
		what = fmt.Sprintf("facts matching %q", rep.FactGlob)
	}
	first, last := rep.Runs[0], rep.Runs[len(rep.Runs)-1]
	fmt.Fprintf(e.stdout, "history of %s, %s: %d run(s) in %s, %s to %s\n", rep.Host, what, len(rep.Runs), rep.Store, first.Run, last.Run)
	var unassessed []string
	for _, r := range rep.Runs {
		if !r.Status.Assessed() {
			unassessed = append(unassessed, r.Run+" ("+string(r.Status)+")")
		}
	}
	if len(unassessed) > 0 {
		fmt.Fprintf(e.stdout, "not assessed in: %s\n", strings.Join(unassessed, ", "))
	}
	if len(rep.Changes) == 0 {
		_, err := fmt.Fprintln(e.stdout, "no change")
		return err
	}
	fmt.Fprintln(e.stdout)
	rows := make([][]string, 0, len(rep.Changes))
	for _, c := range rep.Changes {
		before, after := c.Before, c.After
		switch c.Kind {
		case compare.Extra:
			before = "(absent)"
		case compare.Missing:
			after = "(absent)"
		}
		rows = append(rows, []string{c.Run, compare.ShortINC(c.Fact), before, after})
	}
	return render.WriteTable(e.stdout, e.columns(true), historyColumns, rows)
}

// historyColumns are the history table's: the values give way first.
var historyColumns = []render.Column{
	{Head: "run", Min: 16, Fit: render.WrapCell},
	{Head: "fact", Min: 20, Fit: render.WrapCell},
	{Head: "before", Min: 12, Fit: render.WrapCell},
	{Head: "after", Min: 12, Fit: render.WrapCell},
}
