// Package probe defines what fleetcheck asks a host and how it reads the
// answer: each probe is a constant POSIX-sh command and a pure parser that
// fills one part of fleet.Facts. One probe is one file, which registers the
// probe under its fleet name (fleet.ProbeOS, ...), the JSON name of the
// Facts field it fills; fleet orders the probes.
//
// Commands run under /bin/sh with LC_ALL=C on anything from CentOS 4 (bash 3,
// Perl 5.8.5, no timeout or base64) to current Debian and RHEL. They only
// read: nothing is written or changed on a host. No inventory value is ever
// spliced into a command.
package probe

import (
	"errors"
	"fmt"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// ErrNotApplicable is returned by a parser when the probe does not apply to
// the host (MailScanner not installed, no RPM database, ...).
var ErrNotApplicable = errors.New("not applicable")

// Result is what a probe's command produced on a host.
type Result struct {
	Stdout, Stderr []byte
	ExitCode       int
	// Truncated is set when the output hit the cap; the parser sees what arrived.
	Truncated bool
	// TimedOut is set when the command was killed at its deadline.
	TimedOut bool
}

// Probe is one question asked of every host.
type Probe struct {
	// Name is stable: it is a flag value, a JSON key and a fact prefix.
	Name string
	// Command is a constant POSIX-sh script. It must start its own output
	// with nothing that depends on the login shell's start-up files.
	Command string
	// Sudo is set when the probe needs root for complete facts; it then
	// runs under sudo -n on hosts whose inventory says sudo: true.
	Sudo bool
	// Timeout overrides the host's probe timeout when positive.
	Timeout time.Duration
	// Alone runs the probe in a session of its own, for commands that may hang.
	Alone bool
	// KeepTail keeps the head and the tail of output over the cap instead
	// of the head only, for commands whose last lines matter (the final
	// errors of MailScanner --lint).
	KeepTail bool
	// ParseTimeout lets the parser read the output of a timed-out command
	// (a hanging MailScanner --lint is a fact, not a failure).
	ParseTimeout bool
	// Stdin, when set, makes the probe's standard input from the
	// inventory's extra Perl module names (fleet.Inventory.PerlModules).
	// The bytes are data, never code: the command validates every line.
	// Collect must deliver them as the command's stdin (its own session,
	// or a quoted here-document: the bytes hold only [A-Za-z0-9_:] and
	// newlines). When Stdin is nil or returns nothing, stdin may be /dev/null.
	Stdin func(perlModules []string) []byte
	// Handoff, when set, names a probe whose observations this probe
	// takes when both run in the same session: see Handoff.
	Handoff *Handoff
	// Parse reads the result into f. It must not panic on any input and must
	// keep memory bounded by the input size.
	Parse func(r Result, f *fleet.Facts) error
}

// Handoff passes what one probe observed on a host to a probe that runs
// after it in the same session, on the host itself: the batch runs the From
// probe's command with its standard output through Filter, which copies it
// unchanged to its standard output and writes the lines to hand over on
// descriptor 5 (only [A-Za-z0-9_:@ ] and newlines; at most a few thousand).
// When the From probe ended with exit status 0 before its deadline, those
// lines come first on the receiving probe's standard input, then its own
// Stdin; otherwise (failed, timed out, not selected) it gets its own Stdin
// only and must find out everything itself. The receiving command
// validates every line, as it does its Stdin.
type Handoff struct {
	// From is the probe whose output is read.
	From string
	// Filter is a constant POSIX-sh command, run once per session.
	Filter string
}

// HandoffOK is the line the batch adds to what a Handoff's source hands
// over when its command succeeded; without it, nothing is handed over.
const HandoffOK = marker + "ok"

// store runs a probe's reader on in and, when it succeeds, sets *dst to
// what it read: the Parse of a probe that fills one part of the facts.
func store[In, T any](dst *T, read func(In) (T, error), in In) error {
	v, err := read(in)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

// registered holds the built-in probes by name; each probe's file adds
// its own with register.
var registered = map[string]Probe{}

// register adds a built-in probe and returns it. Its name must be one of
// fleet.ProbeNames, the JSON name of the Facts field its parser fills.
func register(p Probe) Probe {
	if !fleet.BuiltinProbe(p.Name) {
		panic("probe: " + p.Name + " is not a built-in probe of fleet.Facts")
	}
	if _, dup := registered[p.Name]; dup {
		panic("probe: " + p.Name + " registered twice")
	}
	registered[p.Name] = p
	return p
}

// All returns the built-in probes in the order they run and are reported,
// fleet.ProbeNames' order.
func All() []Probe {
	out := make([]Probe, 0, len(registered))
	for _, name := range fleet.ProbeNames() {
		if p, ok := registered[name]; ok {
			out = append(out, p)
		}
	}
	return out
}

// Names returns the names of probes.
func Names(ps []Probe) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// Select keeps the probes named in names (all when names is empty) and
// reports unknown names. custom names are the inventory's command probes,
// which Select accepts and leaves to the caller.
func Select(all []Probe, names []string, custom []string) ([]Probe, []string, error) {
	if len(names) == 0 {
		return all, custom, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var out []Probe
	for _, p := range all {
		if want[p.Name] {
			out = append(out, p)
			delete(want, p.Name)
		}
	}
	var keptCustom []string
	for _, c := range custom {
		if want[c] {
			keptCustom = append(keptCustom, c)
			delete(want, c)
		}
	}
	for _, n := range names {
		if want[n] {
			return nil, nil, fmt.Errorf("unknown probe %q (see fleetcheck probes)", n)
		}
	}
	return out, keptCustom, nil
}
