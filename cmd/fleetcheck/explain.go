package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// explanation is how one host resolves: check --explain's JSON object.
type explanation struct {
	Host                  string   `json:"host"`
	HostName              string   `json:"hostname"`
	Port                  int      `json:"port"`
	User                  string   `json:"user"`
	IdentityFiles         []string `json:"identity_files"`
	CertificateFiles      []string `json:"certificate_files"`
	IdentityAgent         string   `json:"identity_agent"`
	ProxyJump             string   `json:"proxy_jump"`
	HostKeyAlias          string   `json:"host_key_alias"`
	KnownHostsFiles       []string `json:"known_hosts_files"`
	StrictHostKeyChecking string   `json:"strict_host_key_checking"`
	Transport             string   `json:"transport"`
	Warnings              []string `json:"warnings"`

	// For the text form only.
	jump         []sshconfig.Target
	proxyCommand string
}

// runExplain prints how each host resolves, without connecting; a host
// that cannot be resolved makes the exit status 3.
func runExplain(ctx context.Context, e *env, g *gatherer, hosts []fleet.Host, format string) error {
	out := make([]explanation, 0, len(hosts))
	failed := false
	for _, h := range hosts {
		x, ok := g.explain(ctx, h)
		failed = failed || !ok
		out = append(out, x)
	}
	if format == "json" {
		if err := writeJSONList(e.stdout, out); err != nil {
			return err
		}
	} else {
		for i, x := range out {
			if i > 0 {
				fmt.Fprintln(e.stdout)
			}
			writeExplanation(e.stdout, x)
		}
	}
	switch {
	case ctx.Err() != nil:
		return silentExit(exitInterrupted)
	case failed:
		return silentExit(exitUnassessed)
	}
	return nil
}

// explain resolves one host; ok is false when it cannot be resolved (the
// error is then its only warning).
func (g *gatherer) explain(ctx context.Context, h fleet.Host) (explanation, bool) {
	x := explanation{Host: h.Name, IdentityFiles: []string{}, CertificateFiles: []string{},
		KnownHostsFiles: []string{}, Warnings: []string{}}
	t, err := sshconfig.Resolve(ctx, h, g.inv, g.sshcfg)
	if err != nil {
		x.Warnings = append(x.Warnings, "error: "+err.Error())
		return x, false
	}
	x.HostName, x.Port, x.User = t.HostName, t.Port, t.User
	x.IdentityFiles = append(x.IdentityFiles, t.IdentityFiles...)
	x.CertificateFiles = append(x.CertificateFiles, t.CertificateFiles...)
	x.IdentityAgent = t.IdentityAgent
	if x.IdentityAgent == "" {
		x.IdentityAgent = g.e.getenv("SSH_AUTH_SOCK")
	}
	if x.IdentityAgent == "" {
		x.IdentityAgent = "none"
	}
	x.ProxyJump, x.HostKeyAlias = t.ProxyJump, t.HostKeyAlias
	x.KnownHostsFiles = append(x.KnownHostsFiles, t.KnownHostsFiles...)
	x.StrictHostKeyChecking = g.flags.policy().For(t.StrictHostKeyChecking).StrictHostKeyChecking()
	x.Transport = t.Transport
	x.Warnings = append(append(x.Warnings, g.loadWarnings...), t.Warnings...)
	x.jump, x.proxyCommand = t.Jump, t.ProxyCommand
	return x, true
}

// writeExplanation prints one host's resolution as aligned lines.
func writeExplanation(w io.Writer, x explanation) {
	fmt.Fprintln(w, x.Host)
	list := func(l []string) string {
		if len(l) == 0 {
			return "-"
		}
		return strings.Join(l, " ")
	}
	orDash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	var hops []string
	for _, j := range x.jump {
		hops = append(hops, fmt.Sprintf("%s (%s@%s)", j.Name, j.User, j.Addr()))
	}
	rows := [][2]string{
		{"hostname", orDash(x.HostName)},
		{"port", strconv.Itoa(x.Port)},
		{"user", orDash(x.User)},
		{"identity files", list(x.IdentityFiles)},
		{"certificate files", list(x.CertificateFiles)},
		{"identity agent", x.IdentityAgent},
		{"proxy jump", orDash(x.ProxyJump)},
	}
	if len(hops) > 0 {
		rows = append(rows, [2]string{"  through", strings.Join(hops, " -> ")})
	}
	if x.proxyCommand != "" {
		rows = append(rows, [2]string{"proxy command", x.proxyCommand})
	}
	rows = append(rows,
		[2]string{"host key alias", orDash(x.HostKeyAlias)},
		[2]string{"known_hosts files", list(x.KnownHostsFiles)},
		[2]string{"host key checking", orDash(x.StrictHostKeyChecking)},
		[2]string{"transport", orDash(x.Transport)},
	)
	for _, r := range rows {
		fmt.Fprintf(w, "  %-18s %s\n", r[0], r[1])
	}
	for _, wn := range x.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", wn)
	}
}
