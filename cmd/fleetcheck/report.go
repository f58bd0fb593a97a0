package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/compare/ticket"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// reportFlags are the output flags shared by compare, drift and preflight.
type reportFlags struct {
	format      string
	output      string
	all         bool
	host        string
	redact      bool
	redactWords listFlag
	redactMap   string
	// waivers is --waivers FILE.
	waivers string
	// width is the table format's width; 0 means the terminal's (see
	// env.columns), else render.DefaultWidth.
	width int
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.format, "format", "table", "output `FORMAT`: table, json, markdown or html")
	fs.StringVar(&r.output, "o", "", "write the report to `FILE` instead of stdout")
	fs.BoolVar(&r.all, "all", false, "also show noise: uptime, load, PIDs, free space within 20 %")
	fs.StringVar(&r.host, "host", "", "table format: show only this `HOST`'s details")
	fs.BoolVar(&r.redact, "redact", false, "replace host names, domains, addresses, login users and host keys by tokens (mapping written beside the report, mode 0600; see README, Redaction)")
	fs.Var(&r.redactWords, "redact-word", "with --redact, also replace this `WORD` (repeatable, comma-separated)")
	fs.StringVar(&r.waivers, "waivers", "", "also apply the waivers in `FILE` (a YAML file with a waivers: list, as in the inventory)")
	fs.StringVar(&r.redactMap, "redact-map", "", "where to write the redaction mapping (default: the -o file + .redaction.json, else fleetcheck-redaction.json)")
}

func (r *reportFlags) validate() error {
	switch r.format {
	case "table", "json", "markdown", "md", "html":
	default:
		return usageError(fmt.Errorf("--format %q: want table, json, markdown or html", r.format))
	}
	if len(r.redactWords) > 0 && !r.redact {
		r.redact = true
	}
	return nil
}

// reportWork is what a report is made from: the snapshots it is about,
// the other snapshots it reads, and how it is built from them. Building
// from the snapshots (rather than redacting a finished report) is what
// makes redaction structural: the rules' own words, commands and rule ids
// never pass through the redactor, only what the hosts said.
type reportWork struct {
	snaps []*fleet.Snapshot
	// more are other snapshots build reads: a baseline file, or the
	// earlier run of a drift.
	more []*fleet.Snapshot
	// inv, when known, gives the hosts' addresses and users to redact.
	inv *fleet.Inventory
	// waivers are applied to the report once built (compare.Report.Waive),
	// their host names as named in snaps.
	waivers []fleet.Waiver
	// build makes the report; host maps a host name given on the command
	// line (--baseline) to the name it has in snaps.
	build         func(snaps, more []*fleet.Snapshot, host func(string) string) (*compare.Report, error)
	title, source string
}

// built is a report ready to render, with what goes beside it.
type built struct {
	rep           *compare.Report
	snaps         []*fleet.Snapshot
	title, source string
	host          string // --host, as named in rep
}

// build makes the report from sanitised snapshots and applies the
// waivers; with red, from redacted snapshots and redacted waivers, and
// title, source and --host are redacted too.
func (r *reportFlags) build(w reportWork, red *redact.Redactor) (built, error) {
	_, snaps := redact.Sanitize(nil, w.snaps)
	_, more := redact.Sanitize(nil, w.more)
	b := built{title: w.title, source: w.source, host: r.host}
	host := func(h string) string { return h }
	waivers := w.waivers
	if red != nil {
		if w.inv != nil {
			for _, h := range w.inv.Hosts {
				red.AddHost(h.Name, h.Address, h.Explicit.User, h.Defaults.User)
			}
		}
		out := red.Snapshots(snaps, more)
		snaps, more, host = out[0], out[1], red.Name
		b.title, b.source = red.Text(b.title), red.Text(b.source)
		waivers = red.Waivers(waivers)
		if b.host != "" {
			b.host = red.Name(b.host)
		}
	}
	rep, err := w.build(snaps, more, host)
	if err != nil {
		return built{}, err
	}
	rep.Waive(waivers)
	b.rep, _ = redact.Sanitize(rep, nil)
	b.snaps = snaps
	return b, nil
}

// render renders a built report in the chosen format. redacted adds the
// note that tells the reader names are tokens.
func (r *reportFlags) render(b built, redacted bool) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	opt := ticket.Options{Title: b.title, ToolVersion: version(), Command: b.source, Redacted: redacted}
	switch r.format {
	case "table":
		err = render.Table(&buf, b.rep, render.TableOptions{Host: b.host, Width: r.width})
	case "json":
		err = render.JSON(&buf, b.rep)
	case "markdown", "md":
		err = ticket.Markdown(&buf, b.rep, b.snaps, opt)
	case "html":
		err = ticket.HTML(&buf, b.rep, b.snaps, opt)
	}
	return buf.Bytes(), err
}

// write builds the report, redacted on request, and writes it in the
// chosen format to -o or stdout. It returns the report as written; its
// exit code is the same redacted or not.
func (r *reportFlags) write(e *env, w reportWork) (*compare.Report, error) {
	if r.width == 0 {
		r.width = e.columns(r.output == "" || r.output == "-")
	}
	b, err := r.build(w, nil)
	if err != nil {
		return nil, err // reported with the real names
	}
	if r.redact {
		red := redact.New(r.redactWords)
		if b, err = r.build(w, red); err != nil {
			return nil, err
		}
		path := r.mappingPath()
		if err := red.WriteMapping(path); err != nil {
			return nil, fmt.Errorf("redaction mapping: %w", err)
		}
		fmt.Fprintf(e.stderr, "fleetcheck: redaction mapping (keep it private) written to %s\n", path)
	}
	out, err := r.render(b, r.redact)
	if err != nil {
		return nil, err
	}
	return b.rep, writeOutput(e.stdout, r.output, out)
}

// mappingPath is where the redaction mapping goes: --redact-map, else
// beside a report written to a file, else fleetcheck-redaction.json (for a
// report on stdout or written to a device or FIFO, beside which nothing may
// be created).
func (r *reportFlags) mappingPath() string {
	if r.redactMap != "" {
		return r.redactMap
	}
	if r.output == "" || r.output == "-" {
		return "fleetcheck-redaction.json"
	}
	if fi, err := os.Stat(r.output); err == nil && !fi.Mode().IsRegular() {
		return "fleetcheck-redaction.json"
	}
	return r.output + ".redaction.json"
}

// writeOutput writes b to w when path is empty or "-", else to the file
// path (see fleet.WriteFile: a regular file is replaced atomically keeping
// its mode, a device or FIFO is written in place).
func writeOutput(w io.Writer, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := w.Write(b)
		return err
	}
	return fleet.WriteFile(path, b, 0o644)
}
