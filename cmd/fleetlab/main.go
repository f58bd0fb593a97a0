// Command fleetlab starts and stops fleetcheck's lab of real OpenSSH hosts
// (package remote/lab) on this machine. It needs root.
//
//	fleetlab up   [-dir D] [-hosts N] [-profiles a,b,c]
//	fleetlab down [-dir D]
//	fleetlab env  [-dir D]
//
// up prints the inventory path and a table of hosts; down kills the lab's
// processes by PID; env prints shell export lines for a running lab.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/fleetcheck/fleetcheck/remote/lab"
)

const usage = `usage:
  fleetlab up   [-dir D] [-hosts N] [-profiles a,b,c]   start a lab, print its inventory and hosts
  fleetlab down [-dir D]                              stop the lab in D
  fleetlab env  [-dir D]                              print export lines for the lab in D

Profiles: %s.
A profile plays MailScanner 4.84.3; "PROFILE:v5" makes it 5.5.3 (e.g. -profiles good,seed:v5);
no-mailscanner has none.
Default directory: %s. Needs root.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "fleetlab: %v\n", err)
		fmt.Fprintf(os.Stderr, usage, strings.Join(lab.Profiles(), ", "), lab.DefaultDir)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "fleetlab: %v\n", err)
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"missing command"}
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("fleetlab "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("dir", lab.DefaultDir, "lab directory (outside /tmp)")
	var hosts *int
	var profiles *string
	if cmd == "up" {
		hosts = fs.Int("hosts", 0, "number of hosts (default: one per profile; extra hosts are good)")
		profiles = fs.String("profiles", "", "comma-separated profile of each host (default: one of each)")
	}
	switch cmd {
	case "up", "down", "env":
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(stdout, usage, strings.Join(lab.Profiles(), ", "), lab.DefaultDir)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected arguments %q", fs.Args())}
	}
	if os.Geteuid() != 0 {
		return errors.New("must run as root: the lab starts sshd in mount namespaces")
	}

	switch cmd {
	case "up":
		cfg := lab.Config{Dir: *dir, Hosts: *hosts}
		if *profiles != "" {
			for _, p := range strings.Split(*profiles, ",") {
				cfg.Profiles = append(cfg.Profiles, strings.TrimSpace(p))
			}
		}
		start := time.Now()
		l, err := lab.Start(ctx, cfg)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "lab up in %s (%.1fs)\n", l.Dir, time.Since(start).Seconds())
		fmt.Fprintf(stdout, "inventory:  %s\nssh_config: %s\n\n", l.Inventory, l.SSHConfig)
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "HOST\tPROFILE\tADDRESS\tUSER\tMAILSCANNER")
		for _, h := range l.Hosts {
			fmt.Fprintf(tw, "%s\t%s\t%s:%d\t%s\t%s\n", h.Name, h.Profile, h.Address, h.Port, h.User, cmp.Or(h.MailScanner, "none"))
		}
		tw.Flush()
		fmt.Fprintf(stdout, "\ntry: ssh -F %s good MailScanner -v\nstop: fleetlab down -dir %s\n", l.SSHConfig, l.Dir)
		return nil
	case "down":
		l, err := lab.Load(*dir)
		if err != nil {
			return err
		}
		if err := l.Stop(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "lab in %s stopped\n", l.Dir)
		return nil
	default: // env
		l, err := lab.Load(*dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "export FLEETLAB_DIR=%s\n", shellQuote(l.Dir))
		fmt.Fprintf(stdout, "export FLEETLAB_INVENTORY=%s\n", shellQuote(l.Inventory))
		fmt.Fprintf(stdout, "export FLEETLAB_SSH_CONFIG=%s\n", shellQuote(l.SSHConfig))
		fmt.Fprintf(stdout, "export FLEETLAB_KNOWN_HOSTS=%s\n", shellQuote(l.KnownHosts))
		fmt.Fprintf(stdout, "export FLEETLAB_CLIENT_KEY=%s\n", shellQuote(l.ClientKey))
		return nil
	}
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
