package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote"
)

const checkHelp = `Check tests, for every selected host, what a collect needs: the TCP
connection and SSH handshake, the host key against known_hosts, key
authentication, and, where the inventory says sudo: true, "sudo -n true".
Each failure is printed in full below the table, with the exact fix.
Nothing is stored.

With --explain, check connects to nothing: it prints how each host
resolves through the inventory and ssh_config, as "ssh -G HOST" would
(host name, port, user, identity files, certificates, agent, ProxyJump,
HostKeyAlias, known_hosts files, host key checking), the transport
fleetcheck will use, and a warning, with file and line, for each
ssh_config setting that applies to the host but is not honoured.

--format json prints a JSON array with one object per host. For check:
host, address, transport, result, ok, detail, fix, warnings. For
check --explain: host, hostname, port, user, identity_files,
certificate_files, identity_agent, proxy_jump, host_key_alias,
known_hosts_files, strict_host_key_checking, transport, warnings.`

// checkColumns are the check table's: the detail gives way first.
var checkColumns = []render.Column{
	{Head: "host", Min: 12, Fit: render.WrapCell},
	{Head: "address", Min: 12, Fit: render.WrapCell},
	{Head: "result", Min: 12, Fit: render.WrapCell},
	{Head: "detail", Min: 20, Fit: render.WrapCell},
}

// checkLine is one host's verdict.
type checkLine struct {
	Host      string   `json:"host"`
	Address   string   `json:"address"`
	Transport string   `json:"transport"`
	Result    string   `json:"result"`
	OK        bool     `json:"ok"`
	Detail    string   `json:"detail"`
	Fix       string   `json:"fix"`
	Warnings  []string `json:"warnings"`
}

// checkDetailWidth is the width of the table's detail column; the whole
// detail and fix of a failure follow the table.
const checkDetailWidth = 60

func runCheck(ctx context.Context, e *env, args []string) error {
	var c collectFlags
	var explain bool
	var format string
	fs := newFlagSet(e, "check", "-i FILE [--explain] [--format table|json] [--parallel N] [TARGET...]", checkHelp+targetHelp)
	c.addFlags(fs, false)
	fs.BoolVar(&explain, "explain", false, "print how each host resolves (as ssh -G would) without connecting")
	fs.StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	targets, err := parseArgs(e, fs, args)
	if err != nil {
		return err
	}
	if format != "table" && format != "json" {
		return usageError(fmt.Errorf("check: --format %s: want table or json", format))
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
	if explain {
		return runExplain(ctx, e, g, hosts, format)
	}
	lines := make([]checkLine, len(hosts))
	snaps := fleet.Run(ctx, hosts, func(ctx context.Context, h fleet.Host) (*fleet.Snapshot, error) {
		i := indexOf(hosts, h.Name)
		lines[i] = g.check(ctx, h)
		return &fleet.Snapshot{}, nil
	}, fleet.RunOptions{Parallel: c.parallel, HostTimeout: c.timeout})
	failed := 0
	for i := range lines {
		if lines[i].Host == "" { // interrupted before it ran
			lines[i] = checkLine{Host: hosts[i].Name, Result: string(snaps[i].Status), Detail: snaps[i].Error,
				Fix: "run fleetcheck check again for this host"}
		}
		if lines[i].Warnings == nil {
			lines[i].Warnings = []string{}
		}
		if !lines[i].OK {
			failed++
		}
	}
	if format == "json" {
		if err := writeJSONList(e.stdout, lines); err != nil {
			return err
		}
	} else if err := writeCheckTable(e.stdout, e.columns(true), lines, len(hosts)-failed); err != nil {
		return err
	}
	switch {
	case ctx.Err() != nil:
		return silentExit(exitInterrupted)
	case failed > 0:
		return silentExit(exitUnassessed)
	}
	return nil
}

// writeCheckTable prints the verdicts in a table that fits width columns,
// then every failure whole: its detail and its fix, wrapped, never cut.
func writeCheckTable(w io.Writer, width int, lines []checkLine, ready int) error {
	rows := make([][]string, 0, len(lines))
	for _, l := range lines {
		detail := oneLine(l.Detail, checkDetailWidth)
		if !l.OK {
			detail = oneLine(l.Detail, checkDetailWidth-12)
			if detail != strings.TrimSpace(l.Detail) {
				detail += " (see below)"
			}
		}
		rows = append(rows, []string{l.Host, l.Address, l.Result, detail})
	}
	if err := render.WriteTable(w, width, checkColumns, rows); err != nil {
		return err
	}
	for _, l := range lines {
		if l.OK {
			continue
		}
		text := render.Wrap(l.Host+": "+l.Result, width, "", "  ")
		for _, d := range strings.Split(strings.TrimSpace(l.Detail), "\n") {
			text = append(text, render.Wrap(d, width, "  ", "    ")...)
		}
		for i, fix := range strings.Split(strings.TrimSpace(l.Fix), "\n") {
			first := "       "
			if i == 0 {
				first = "  fix: "
			}
			text = append(text, render.Wrap(fix, width, first, "         ")...)
		}
		if _, err := fmt.Fprintf(w, "\n%s\n", strings.Join(text, "\n")); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "\n%d of %d hosts ready\n", ready, len(lines))
	return err
}

// writeJSONList writes v (a slice) as an indented JSON array.
func writeJSONList(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func indexOf(hosts []fleet.Host, name string) int {
	for i, h := range hosts {
		if h.Name == name {
			return i
		}
	}
	return -1
}

// sudoCheckTimeout bounds "sudo -n true".
const sudoCheckTimeout = 20 * time.Second

// check connects to one host and, with sudo, runs sudo -n true.
func (g *gatherer) check(ctx context.Context, h fleet.Host) checkLine {
	l := checkLine{Host: h.Name}
	c, err := g.connect(ctx, h)
	l.Address, l.Transport, l.Warnings = c.snap.Address, c.snap.Transport, c.target.Warnings
	if err != nil {
		l.Result = string(c.snap.Status)
		l.Detail = err.Error()
		l.Fix = fixFor(err, h)
		return l
	}
	defer c.close()
	var notes []string
	sec := c.snap.Security
	if sec.InsecureHostKey {
		notes = append(notes, "host key NOT verified (--insecure-ignore-host-key)")
	}
	if sec.HostKeyAdded {
		notes = append(notes, "host key added to known_hosts (first use)")
	}
	if len(sec.LegacyAlgorithms) > 0 {
		notes = append(notes, "legacy algorithms: "+strings.Join(sec.LegacyAlgorithms, ","))
	}
	l.Result, l.OK = "ok", true
	if h.Sudo() {
		g.checkSudo(ctx, c, &l, &notes)
	}
	if l.Detail == "" {
		l.Detail = strings.Join(notes, "; ")
	}
	return l
}

// checkSudo runs "sudo -n true" and, when sudo refuses, says why with
// the line of sudo's that matters and the sudoers lines for the host's
// own user.
func (g *gatherer) checkSudo(ctx context.Context, c hostConn, l *checkLine, notes *[]string) {
	sctx, cancel := context.WithTimeout(ctx, sudoCheckTimeout)
	defer cancel()
	out, err := remote.RunCapped(sctx, c.runner, "sudo -n true", nil, 4096)
	switch {
	case err != nil:
		l.Result, l.OK, l.Detail = "error", false, "sudo check: "+err.Error()
		l.Fix = "the connection broke during the sudo check: run fleetcheck check again for this host"
	case out.TimedOut:
		l.Result, l.OK = "sudo-denied", false
		l.Detail = fmt.Sprintf("sudo -n true did not finish within %s", sudoCheckTimeout)
		l.Fix = "sudo hangs on this host (a slow name service or PAM module?): run sudo -n true there by hand"
	case out.Code != 0:
		problem, said := remote.SudoRefusal(string(out.Stderr))
		l.Result, l.OK = "sudo-denied", false
		l.Detail = "sudo -n true failed: " + said
		l.Fix = sudoFix(problem, c.target.User)
	default:
		*notes = append(*notes, "sudo -n ok")
	}
}

// sudoFix is the remedy for a sudo refusal, for the audit user user.
func sudoFix(p remote.SudoProblem, user string) string {
	if user == "" {
		user = "USER"
	}
	switch p {
	case remote.SudoTTY:
		return fmt.Sprintf("let %s use sudo without a tty, in /etc/sudoers.d/fleetcheck (edit with visudo -f):\n"+
			"Defaults:%s !requiretty", user, user)
	case remote.SudoTooOld:
		return "this sudo has no -n (sudo < 1.7): log in as root for this host (user: root) or set sudo: false"
	}
	return fmt.Sprintf("allow %s password-less sudo, in /etc/sudoers.d/fleetcheck (edit with visudo -f):\n"+
		"%s ALL=(root) NOPASSWD: ALL\nDefaults:%s !requiretty\n"+
		"(or set sudo: false for this host and accept partial facts)", user, user, user)
}

// fixFor is the exact remedy for a connection failure.
func fixFor(err error, h fleet.Host) string {
	var hk *remote.HostKeyError
	var ae *remote.AuthError
	var al *remote.AlgorithmError
	var de *remote.DialError
	switch {
	case errors.As(err, &hk) && hk.Fix != "":
		return hk.Fix
	case errors.As(err, &hk):
		return "the host's key is refused (" + hk.Problem + "): do not connect until its key is replaced and verified out of band"
	case errors.Is(err, context.DeadlineExceeded):
		return "the host accepted the connection but stopped answering (a hung sshd or PAM session step?): " +
			"log in with ssh " + h.Name + " to see where it hangs, or raise --timeout if it is only slow"
	case errors.Is(err, context.Canceled):
		return "run fleetcheck check again for this host"
	case errors.As(err, &al):
		return fmt.Sprintf("this server only offers legacy algorithms: set legacy_algorithms: true for host %q (or its group) in the inventory", h.Name)
	case errors.As(err, &ae):
		return "check the user and key: ssh-copy-id the public key, list it with IdentityFile in ssh_config, or load it into ssh-agent (encrypted keys need the agent)"
	case errors.As(err, &de):
		return "check the address and port (ssh_config HostName/Port or the inventory's address), firewalls, and that sshd is running"
	case strings.HasPrefix(err.Error(), "ssh_config:"):
		return "correct the ssh_config line named in the error (ssh itself would refuse it too)"
	}
	return "run ssh -v " + h.Name + " to see what ssh makes of this host"
}
