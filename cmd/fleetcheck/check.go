package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
	"github.com/fleetcheck/fleetcheck/remote"
)

const checkHelp = `Check tests, for every selected host, what a collect needs: the TCP
connection and SSH handshake, the host key against known_hosts, key
authentication, and, where the inventory says sudo: true, "sudo -n true".
Each failure is printed with the exact fix. Nothing is stored.`

// checkLine is one host's verdict.
type checkLine struct {
	host, address, result, detail, fix string
	ok                                 bool
}

func runCheck(ctx context.Context, e *env, args []string) error {
	var c collectFlags
	fs := newFlagSet(e, "check", "-i FILE [--parallel N] [TARGET...]", checkHelp+targetHelp)
	c.addFlags(fs, false)
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	inv, hosts, err := c.targetHosts(targets)
	if err != nil {
		return err
	}
	if c.listHosts {
		return printHosts(e, namesOf(hosts))
	}
	g, err := newGatherer(e, &c, inv)
	if err != nil {
		return err
	}
	defer g.close()
	lines := make([]checkLine, len(hosts))
	snaps := fleet.Run(ctx, hosts, func(ctx context.Context, h fleet.Host) (*fleet.Snapshot, error) {
		i := indexOf(hosts, h.Name)
		lines[i] = g.check(ctx, h)
		return &fleet.Snapshot{}, nil
	}, fleet.RunOptions{Parallel: c.parallel, HostTimeout: c.timeout})
	t := newTable(e.stdout, "host", "address", "result", "detail")
	failed := 0
	for i, l := range lines {
		if l.host == "" { // interrupted before it ran
			l = checkLine{host: hosts[i].Name, result: string(snaps[i].Status)}
		}
		if !l.ok {
			failed++
		}
		if err := t.Append([]string{l.host, l.address, l.result, oneLine(l.detail, 90)}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	for _, l := range lines {
		if l.fix != "" {
			fmt.Fprintf(e.stdout, "\n%s: %s\n  fix: %s\n", l.host, hosttext.Clean(l.detail), strings.ReplaceAll(l.fix, "\n", "\n       "))
		}
	}
	fmt.Fprintf(e.stdout, "\n%d of %d hosts ready\n", len(hosts)-failed, len(hosts))
	switch {
	case ctx.Err() != nil:
		return silentExit(exitInterrupted)
	case failed > 0:
		return silentExit(exitUnassessed)
	}
	return nil
}

func indexOf(hosts []fleet.Host, name string) int {
	for i, h := range hosts {
		if h.Name == name {
			return i
		}
	}
	return -1
}

// check connects to one host and, with sudo, runs sudo -n true.
func (g *gatherer) check(ctx context.Context, h fleet.Host) checkLine {
	l := checkLine{host: h.Name}
	r, done, snap, err := g.connect(ctx, h)
	l.address = snap.Address
	if err != nil {
		l.result = string(snap.Status)
		l.detail = err.Error()
		l.fix = fixFor(err, h)
		return l
	}
	defer done()
	var notes []string
	if snap.Security.InsecureHostKey {
		notes = append(notes, "host key NOT verified (--insecure-ignore-host-key)")
	}
	if snap.Security.HostKeyAdded {
		notes = append(notes, "host key added to known_hosts (first use)")
	}
	if len(snap.Security.LegacyAlgorithms) > 0 {
		notes = append(notes, "legacy algorithms: "+strings.Join(snap.Security.LegacyAlgorithms, ","))
	}
	l.result, l.ok = "ok", true
	if h.Sudo() {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := remote.RunCapped(sctx, r, "sudo -n true", nil, 4096)
		switch {
		case err != nil:
			l.result, l.ok, l.detail = "error", false, "sudo check: "+err.Error()
		case out.TimedOut:
			l.result, l.ok, l.detail = "sudo-denied", false, "sudo -n true did not finish"
		case out.Code != 0:
			said := strings.TrimSpace(string(out.Stderr))
			l.result, l.ok, l.detail = "sudo-denied", false, "sudo -n true failed: "+oneLine(said, 80)
			l.fix = "allow the audit user password-less sudo, e.g. in /etc/sudoers.d/fleetcheck:\n" +
				"USER ALL=(root) NOPASSWD: ALL\nDefaults:USER !requiretty\n(or set sudo: false for this host and accept partial facts)"
			if strings.Contains(said, "illegal option") || strings.Contains(said, "usage:") {
				l.fix = "this sudo has no -n (sudo < 1.7): log in as root for this host (user: root) or set sudo: false"
			}
		default:
			notes = append(notes, "sudo -n ok")
		}
	}
	if l.detail == "" {
		l.detail = strings.Join(notes, "; ")
	}
	return l
}

// fixFor is the exact remedy for a connection failure.
func fixFor(err error, h fleet.Host) string {
	var hk *remote.HostKeyError
	var ae *remote.AuthError
	var al *remote.AlgorithmError
	var de *remote.DialError
	switch {
	case errors.As(err, &hk):
		return hk.Fix
	case errors.As(err, &al):
		return fmt.Sprintf("this server only offers legacy algorithms: set legacy_algorithms: true for host %q (or its group) in the inventory", h.Name)
	case errors.As(err, &ae):
		return "check the user and key: ssh-copy-id the public key, list it with IdentityFile in ssh_config, or load it into ssh-agent (encrypted keys need the agent)"
	case errors.As(err, &de):
		return "check the address and port (ssh_config HostName/Port or the inventory's address), firewalls, and that sshd is running"
	}
	return ""
}
