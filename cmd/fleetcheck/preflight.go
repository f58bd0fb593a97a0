package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/preflight"
	"github.com/fleetcheck/fleetcheck/fleet"
)

const preflightHelp = `Preflight answers "which of my servers will break if I upgrade MailScanner
now?". PATH is a MailScanner release as downloaded — MailScanner-4.x.y-z.rpm.tar.gz
(RPM installer), MailScanner-install-4.x.y-z.tar.gz (tarball installer),
install-Clam-SA*.tar.gz, or an unpacked directory of one — or a requirements
file with one "Module::Name >= version" per line. The archive is read without
unpacking anything to disk.

For every host it lists each bundled module's installed version (the copy
perl loads), its owner and what the installer will do with it (upgrade,
skip, build, or conflict with a distribution RPM), and the conditions that
make the installer fail: /tmp mounted noexec (it builds there), no compiler,
perl too old, CPAN copies that will shadow what it installs. Exit status 1
when any host needs attention. Waivers (the inventory's and --waivers FILE)
apply as in compare: a waived cause is listed apart and not counted.`

func runPreflight(ctx context.Context, e *env, args []string) error {
	var (
		c       collectFlags
		rf      reportFlags
		release string
		from    string
	)
	fs := newFlagSet(e, "preflight", "-i FILE --release PATH [--from RUN_DIR] [--format ...] [-o FILE] [TARGET...]", preflightHelp+targetHelp)
	c.addFlags(fs, true)
	fs.StringVar(&release, "release", "", "the MailScanner release `PATH` (archive, directory or requirements file)")
	fs.StringVar(&from, "from", "", "check a stored run `DIR`ectory instead of collecting")
	rf.register(fs)
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	src, err := c.openSource(from, targets)
	if err != nil {
		return err
	}
	if c.listHosts {
		return printHosts(e, src.names())
	}
	if release == "" {
		return usageError(errors.New("preflight needs --release PATH"))
	}
	if err := rf.validate(); err != nil {
		return err
	}
	rel, err := preflight.Open(release)
	if err != nil {
		return usageError(err)
	}
	waivers, err := rf.loadWaivers(src.inv)
	if err != nil {
		return err
	}
	snaps, res, err := src.snapshots(ctx, e, &c)
	if err != nil {
		return err
	}
	interrupted := res != nil && res.interrupted
	now := time.Now().UTC()
	rep, err := rf.write(e, reportWork{snaps: snaps, inv: src.loaded, waivers: waivers,
		title: "fleetcheck preflight " + release, source: commandLine("preflight", args),
		build: func(snaps, _ []*fleet.Snapshot, _ func(string) string) (*compare.Report, error) {
			return preflight.Check(rel, snaps, now), nil
		}})
	if err != nil {
		return err
	}
	if rf.format == "table" && rf.output == "" {
		ready, attention, unassessed := preflight.Hosts(rep)
		fmt.Fprintf(e.stdout, "\nready: %s\nneed attention: %s\nnot assessed: %s\n",
			listOrNone(ready), listOrNone(attention), listOrNone(unassessed))
	}
	if interrupted {
		return silentExit(exitInterrupted)
	}
	return silentExit(rep.ExitCode())
}

func listOrNone(hosts []string) string {
	if len(hosts) == 0 {
		return "none"
	}
	return strings.Join(hosts, ", ")
}
