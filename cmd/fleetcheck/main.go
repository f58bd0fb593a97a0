// Command fleetcheck audits a fleet of servers over SSH, installs nothing on
// them, changes nothing, and explains why one box differs from the rest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Exit codes, documented in every command's --help and in README.md.
const (
	exitOK          = 0 // nothing differs, all good
	exitDiffers     = 1 // differences found (compare, drift, preflight)
	exitUsage       = 2 // usage or inventory error
	exitUnassessed  = 3 // one or more hosts could not be assessed
	exitInterrupted = 4 // interrupted (Ctrl-C)
)

const exitStatusHelp = `Exit status:
  0  nothing differs / all good
  1  differences found
  2  usage or inventory error
  3  one or more hosts could not be assessed
  4  interrupted (Ctrl-C stops every host and keeps what finished;
     a second Ctrl-C, or SIGTERM, exits at once)`

// exitError carries an exit code up to main, which alone calls os.Exit.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError makes err exit with status 2.
func usageError(err error) error { return &exitError{code: exitUsage, err: err} }

// silentExit exits with code and prints nothing more: the command already reported.
func silentExit(code int) error { return &exitError{code: code} }

// env is what every command gets from main: its streams and environment.
type env struct {
	stdout, stderr io.Writer
	// stderrTTY is set when stderr is a terminal (progress is shown then).
	stderrTTY bool
	// stdoutCols is the width of the terminal on stdout; 0 when stdout is
	// not a terminal.
	stdoutCols int
	getenv     func(string) string
	// aborts, when set, are run before fleetcheck exits at once (a second
	// Ctrl-C, or SIGTERM): what must not be left half done, such as
	// marking a run final.
	aborts *abortHooks
}

// abortHooks are the functions to run before exiting at once.
type abortHooks struct {
	mu    sync.Mutex
	next  int
	hooks map[int]func()
}

// add registers f and returns what unregisters it. On a nil env.aborts
// (tests, in-process runs) it does nothing.
func (a *abortHooks) add(f func()) (remove func()) {
	if a == nil {
		return func() {}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.hooks == nil {
		a.hooks = map[int]func(){}
	}
	id := a.next
	a.next++
	a.hooks[id] = f
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(a.hooks, id)
	}
}

// run runs every hook, at most abortWait in all.
func (a *abortHooks) run() {
	a.mu.Lock()
	var fs []func()
	for _, f := range a.hooks {
		fs = append(fs, f)
	}
	a.mu.Unlock()
	done := make(chan struct{})
	go func() {
		for _, f := range fs {
			f()
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(abortWait):
	}
}

// abortWait bounds the hooks run before exiting at once.
const abortWait = 2 * time.Second

// errInterrupted is the cause of the context when Ctrl-C stops a run.
var errInterrupted = fmt.Errorf("interrupted (Ctrl-C): %w", context.Canceled)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() []command {
	return []command{
		{"collect", "gather snapshots from hosts into a new run directory", runCollect},
		{"compare", "explain every host against the baseline", runCompare},
		{"check", "test connectivity, auth, host keys and sudo, with the fix for each failure (--explain: how a host resolves)", runCheck},
		{"drift", "what changed on each host between two runs", runDrift},
		{"merge", "combine run directories (one per shard or network segment) into one run", runMerge},
		{"history", "when each fact of a host changed, over the stored runs", runHistory},
		{"preflight", "which hosts a MailScanner release will break", runPreflight},
		{"demo", "the whole path over real SSH against an embedded simulated fleet", runDemo},
		{"probes", "list the probes and their exact remote commands", runProbes},
		{"version", "print the version", runVersion},
		{"completion", "print a shell completion script (bash, zsh, fish)", runCompletion},
	}
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	e := &env{stdout: os.Stdout, stderr: os.Stderr, stderrTTY: isTerminal(os.Stderr), stdoutCols: terminalColumns(os.Stdout),
		getenv: os.Getenv, aborts: &abortHooks{}}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go handleSignals(sigs, cancel, e, os.Exit)
	os.Exit(run(ctx, e, os.Args[1:]))
}

// handleSignals makes a first Ctrl-C end the run cleanly: every host
// stops, finished hosts are kept and the run is marked interrupted. A
// second Ctrl-C, or SIGTERM at any time, exits at once (status 4), after
// the abort hooks have marked what they can final.
func handleSignals(sigs <-chan os.Signal, cancel context.CancelCauseFunc, e *env, exit func(int)) {
	first := true
	for sig := range sigs {
		if sig == os.Interrupt && first {
			first = false
			cancel(errInterrupted)
			fmt.Fprintln(e.stderr, "\nfleetcheck: interrupted; stopping every host (Ctrl-C again to quit at once)")
			continue
		}
		cancel(errInterrupted)
		e.aborts.run()
		fmt.Fprintf(e.stderr, "\nfleetcheck: %s: quitting at once\n", sig)
		exit(exitInterrupted)
		return
	}
}

// run dispatches to a subcommand and maps its error to an exit code.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 { // "help CMD"
			return run(ctx, e, []string{args[1], "--help"})
		}
		mainUsage(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, e, args[1:])
		return exitCode(e, err)
	}
	fmt.Fprintf(e.stderr, "fleetcheck: unknown command %q\n\n", args[0])
	mainUsage(e.stderr)
	return exitUsage
}

func exitCode(e *env, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitUsage
	var xe *exitError
	if errors.As(err, &xe) {
		code = xe.code
		if xe.err == nil {
			return code
		}
	}
	fmt.Fprintf(e.stderr, "fleetcheck: %v\n", err)
	return code
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `fleetcheck audits a fleet of mail gateways over SSH and explains why one box
breaks: it runs read-only probes (MailScanner -v and --lint, mounts, Perl
module provenance CPAN vs RPM/dpkg, packages, MailScanner.conf, processes),
diffs every host against a known-good baseline and ranks the likely causes.
Nothing is installed on the servers and nothing on them is changed.

Usage:
  fleetcheck <command> [flags] [TARGET...]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Start with:
  fleetcheck demo                          # no setup, no servers needed
  fleetcheck check   -i inventory.yaml     # can fleetcheck reach every host?
  fleetcheck compare -i inventory.yaml     # why does one box break?

Run "fleetcheck <command> --help" for a command's flags.

`+exitStatusHelp+"\n")
}

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
