package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet makes a flag set whose --help prints usage, a description,
// the flags and the exit codes.
func newFlagSet(e *env, name, usage, description string) *flag.FlagSet {
	fs := flag.NewFlagSet("fleetcheck "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage:\n  fleetcheck %s %s\n\n%s\n\nFlags:\n", name, usage, strings.TrimSpace(description))
		fs.PrintDefaults()
		fmt.Fprintf(w, "\n%s\n", exitStatusHelp)
	}
	return fs
}

// parseArgs parses flags and positional arguments in any order, as users
// type them ("collect mail1 -i inv.yaml"); "--" ends flags. A parse error
// is a usage error (exit 2); --help prints to stdout and exits 0.
func parseArgs(e *env, fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		fs.SetOutput(io.Discard)
		err := fs.Parse(args)
		fs.SetOutput(e.stderr)
		if err == flag.ErrHelp {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return nil, err
		}
		if err != nil {
			return nil, usageError(fmt.Errorf("%s: %w (see --help)", fs.Name(), err))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// listFlag is a comma-separated list flag that may also be repeated.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// commandLine renders the command as typed, quoting words that need it.
func commandLine(name string, args []string) string {
	words := []string{"fleetcheck", name}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`|&;<>()*?[]#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}
