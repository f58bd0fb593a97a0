package compare

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// hostUnreachable explains hosts that were never assessed for a reason
// other than authentication or host keys.
func hostUnreachable(in Input) []Cause {
	h := in.Host
	c := Cause{Severity: Critical}
	switch h.Status {
	case fleet.HostUnreachable:
		c.Summary = "host unreachable: no TCP connection or SSH handshake"
		c.Fix = fmt.Sprintf("check the host is up and sshd answers: `ssh -v %s`; check address and port in the inventory and ssh_config, and firewalls on the way", h.Host)
	case fleet.HostTimeout:
		c.Summary = "host did not finish within its deadline"
		c.Fix = fmt.Sprintf("check it answers: `ssh %s uptime`; raise --timeout or the host's timeout: if it is just slow", h.Host)
	case fleet.HostError:
		c.Summary = "collection failed"
		c.Fix = fmt.Sprintf("run `fleetcheck check -i INVENTORY %s` for the exact failure", h.Host)
	case fleet.HostInterrupted, fleet.HostNotCollected:
		c.Severity = Warning
		c.Summary = "host not collected: the run was interrupted or never reached it"
		c.Fix = fmt.Sprintf("collect it again: `fleetcheck collect -i INVENTORY %s`", h.Host)
	default:
		return nil
	}
	c.Evidence = statusEvidence(h)
	return []Cause{c}
}

func statusEvidence(h *fleet.Snapshot) []string {
	ev := []string{"status: " + string(h.Status)}
	if h.Address != "" {
		ev = append(ev, "address: "+h.Address)
	}
	if h.Error != "" {
		ev = append(ev, "error: "+firstLine(h.Error))
	}
	return ev
}

// hostKeyMismatch explains a changed or unknown host key.
func hostKeyMismatch(in Input) []Cause {
	h := in.Host
	ev := statusEvidence(h)
	if fp := h.Security.HostKeyFingerprint; fp != "" {
		ev = append(ev, "offered host key: "+fp)
	}
	switch h.Status {
	case fleet.HostKeyMismatch:
		return []Cause{{Severity: Critical,
			Summary:  "host key differs from known_hosts: reinstalled host or a man in the middle",
			Evidence: ev,
			Fix:      fmt.Sprintf("verify the key on the console (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`); only if it matches, `ssh-keygen -R %s` and connect again; never disable host key checking", h.Host)}}
	case fleet.HostKeyUnknown:
		return []Cause{{Severity: Warning,
			Summary:  "host key not in known_hosts (strict host key checking)",
			Evidence: ev,
			Fix:      fmt.Sprintf("compare `ssh-keyscan %s | ssh-keygen -lf -` with the console's fingerprint, then add it to known_hosts, or run once with --accept-new", h.Host)}}
	}
	return nil
}

// authFailed explains a host that refused every key.
func authFailed(in Input) []Cause {
	h := in.Host
	if h.Status != fleet.HostAuthFailed {
		return nil
	}
	return []Cause{{Severity: Critical,
		Summary:  "SSH authentication failed: the server refused every key",
		Evidence: statusEvidence(h),
		Fix:      fmt.Sprintf("install the audit key: `ssh-copy-id -i ~/.ssh/id_ed25519.pub USER@%s`; check user: in the inventory, IdentityFile in ssh_config and `ssh-add -l`", h.Host)}}
}

// probesWith returns the probes of the host with the status, sorted.
func probesWith(h *fleet.Snapshot, st fleet.ProbeStatus, skip ...string) []string {
	var out []string
	for name, r := range h.Probes {
		if r.Status == st && !slices.Contains(skip, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// unknownFacts returns the facts of unknown findings for these probes.
func unknownFacts(fs []Finding, probes []string) []string {
	return factsOf(fs, func(f Finding) bool { return f.Kind == Unknown && slices.Contains(probes, f.Probe) })
}

// probeEvidence says, in one line per probe, how each ended and the first
// line of what it said. The probes' scripts are long: they are listed in
// the report's appendix (Markdown, HTML) and by fleetcheck probes -v.
func probeEvidence(h *fleet.Snapshot, names []string) []string {
	var ev []string
	for _, n := range names {
		r := h.Probes[n]
		line := fmt.Sprintf("probe %s %s", n, r.Status)
		if r.ExitCode != 0 {
			line += fmt.Sprintf(" (exit %d)", r.ExitCode)
		}
		if r.Error != "" {
			line += ": " + firstLine(r.Error)
		}
		ev = append(ev, line+", see appendix")
	}
	return ev
}

// sudoDenied explains probes that needed sudo and did not get it.
func sudoDenied(in Input) []Cause {
	names := probesWith(in.Host, fleet.ProbeSudoDenied)
	if len(names) == 0 {
		return nil
	}
	return []Cause{{Severity: Warning,
		Summary:  fmt.Sprintf("sudo -n was refused for %s: those facts are unknown", strings.Join(names, ", ")),
		Evidence: probeEvidence(in.Host, names),
		Fix:      "allow the audit user passwordless sudo for the probe commands (e.g. a NOPASSWD line in /etc/sudoers.d/fleetcheck, and no requiretty), or set sudo: false for this host",
		Findings: unknownFacts(in.Findings, names)}}
}

// probeTimeout explains probes that ran out of time (lint is the hang rule's).
func probeTimeout(in Input) []Cause {
	names := probesWith(in.Host, fleet.ProbeTimeout, fleet.ProbeMailScannerLint)
	if len(names) == 0 {
		return nil
	}
	return []Cause{{Severity: Warning,
		Summary:  fmt.Sprintf("probe %s timed out: those facts are unknown", strings.Join(names, ", ")),
		Evidence: probeEvidence(in.Host, names),
		Fix:      "run the probe's command by hand on the host to see where it blocks; raise --probe-timeout if it is only slow",
		Findings: unknownFacts(in.Findings, names)}}
}

// probeFailed explains probes that failed on the host, or on the baseline
// (then nothing can be compared for them).
func probeFailed(in Input) []Cause {
	var out []Cause
	if names := probesWith(in.Host, fleet.ProbeFailed); len(names) > 0 {
		out = append(out, Cause{Severity: Warning,
			Summary:  fmt.Sprintf("probe %s failed: those facts are unknown, not missing", strings.Join(names, ", ")),
			Evidence: probeEvidence(in.Host, names),
			Fix:      "run the probe's command by hand on the host (in the appendix, or `fleetcheck probes -v`) and fix what it reports",
			Findings: unknownFacts(in.Findings, names)})
	}
	if names := probesWith(in.Host, fleet.ProbeTruncated); len(names) > 0 {
		out = append(out, Cause{Rule: "probe-failed", Severity: Warning,
			Summary:  fmt.Sprintf("output of probe %s went over the cap: facts missing from what arrived are unknown", strings.Join(names, ", ")),
			Evidence: probeEvidence(in.Host, names),
			Fix:      "raise --output-limit (bytes kept per probe and stream) and collect again",
			Findings: unknownFacts(in.Findings, names)})
	}
	// Unknown because of the baseline's side.
	var baseSide, ev []string
	for _, f := range in.Findings {
		b, h := fleet.ProbeStatus(f.Baseline), fleet.ProbeStatus(f.Value)
		if f.Kind == Unknown && (!known(b) || b == fleet.ProbeTruncated) && known(h) && h != fleet.ProbeTruncated {
			baseSide = append(baseSide, f.Probe)
			line := fmt.Sprintf("probe %s on the baseline: %s", f.Probe, f.Baseline)
			if in.Base != nil {
				if r, ok := in.Base.Probes[f.Probe]; ok && r.Error != "" {
					line += ": " + firstLine(r.Error)
				}
			}
			ev = append(ev, line)
		}
	}
	if len(baseSide) > 0 {
		out = append(out, Cause{Severity: Info,
			Summary:  fmt.Sprintf("probe %s did not run cleanly on the baseline: nothing to compare", strings.Join(baseSide, ", ")),
			Evidence: ev,
			Fix:      "fix the probe on the baseline host or pick another baseline with --baseline",
			Findings: unknownFacts(in.Findings, baseSide)})
	}
	return out
}

// insecureTransport flags weakened connection settings.
func insecureTransport(in Input) []Cause {
	sec := in.Host.Security
	if !sec.InsecureHostKey && len(sec.LegacyAlgorithms) == 0 {
		return nil
	}
	c := Cause{Severity: Info,
		Summary: "the connection used weakened settings",
		Fix:     "pin the host key in known_hosts; upgrade OpenSSH on the host, or keep legacy algorithms enabled for this host only"}
	if sec.InsecureHostKey {
		c.Severity = Warning
		c.Summary = "the host key was not verified"
		c.Evidence = append(c.Evidence, "host key not verified")
	}
	if len(sec.LegacyAlgorithms) > 0 {
		c.Evidence = append(c.Evidence, "legacy algorithms negotiated: "+strings.Join(sec.LegacyAlgorithms, ", "))
	}
	return []Cause{c}
}

// firstLine returns the first non-empty line of s, capped.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return capText(l, 200)
		}
	}
	return ""
}

func capText(s string, n int) string {
	s = ShortINC(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
