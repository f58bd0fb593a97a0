package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

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
	waivers     string
}

func (r *reportFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.format, "format", "table", "output `FORMAT`: table, json, markdown or html")
	fs.StringVar(&r.output, "o", "", "write the report to `FILE` instead of stdout")
	fs.BoolVar(&r.all, "all", false, "also show noise: uptime, load, PIDs, free space within 20 %")
	fs.StringVar(&r.host, "host", "", "table format: show only this `HOST`'s details")
	fs.BoolVar(&r.redact, "redact", false, "replace host names, domains, IPs and user names by stable tokens (mapping written beside the report, mode 0600)")
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

// write renders rep in the chosen format to -o or stdout, redacted on request.
func (r *reportFlags) write(e *env, rep *compare.Report, snaps []*fleet.Snapshot, title, source string) error {
	redacted := r.redact
	if r.redact {
		red := redact.New(r.redactWords)
		rep, snaps = red.Report(rep, snaps)
		title, source = red.Text(title), red.Text(source)
		path := r.redactMap
		if path == "" {
			path = "fleetcheck-redaction.json"
			if r.output != "" {
				path = r.output + ".redaction.json"
			}
		}
		if err := red.WriteMapping(path); err != nil {
			return fmt.Errorf("redaction mapping: %w", err)
		}
		fmt.Fprintf(e.stderr, "fleetcheck: redaction mapping (keep it private) written to %s\n", path)
	} else {
		// Even unredacted, no format may carry terminal escapes or secret-looking lines.
		rep, snaps = redact.Sanitize(rep, snaps)
	}
	var buf bytes.Buffer
	var err error
	opt := ticket.Options{Title: title, ToolVersion: version(), Command: source, Redacted: redacted}
	switch r.format {
	case "table":
		err = render.Table(&buf, rep, render.TableOptions{Host: r.host})
	case "json":
		err = render.JSON(&buf, rep)
	case "markdown", "md":
		err = ticket.Markdown(&buf, rep, snaps, opt)
	case "html":
		err = ticket.HTML(&buf, rep, snaps, opt)
	}
	if err != nil {
		return err
	}
	return writeOutput(e.stdout, r.output, buf.Bytes())
}

// writeOutput writes to path atomically, or to w when path is empty.
func writeOutput(w io.Writer, path string, b []byte) error {
	if path == "" || path == "-" {
		_, err := w.Write(b)
		return err
	}
	if err := fleet.WriteFileAtomic(path, b, 0o644); err != nil {
		return err
	}
	return nil
}
