package sshconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// chooseTransport is the inventory's transport when it names one, else
// openssh for what only ssh can do (ProxyCommand, hostname
// canonicalisation through the DNS, ...), else native.
func chooseTransport(h fleet.Host, o *Options, t *Target) string {
	if h.Explicit.Transport != "" || h.Defaults.Transport != "" {
		return h.Transport()
	}
	if t.ProxyCommand != "" || o.NeedsDNS != nil {
		return fleet.TransportOpenSSH
	}
	for _, hop := range t.Jump {
		if hop.ProxyCommand != "" {
			return fleet.TransportOpenSSH
		}
	}
	for _, s := range o.applied {
		if keywords[s.keyword].support == viaOpenSSH && !isNoop(s) {
			return fleet.TransportOpenSSH
		}
	}
	return fleet.TransportNative
}

// opensshOverrides are what the openssh transport sets on ssh's command
// line whatever ssh_config says: it never forwards anything, never
// prompts, runs only the probes, and keeps its own control master. same
// is the ssh_config value that asks for the same ("" for none).
var opensshOverrides = map[string]struct{ set, same string }{
	"forwardagent":        {"ForwardAgent=no", "no"},
	"forwardx11":          {"ForwardX11=no", "no"},
	"localforward":        {"ClearAllForwardings=yes", ""},
	"remoteforward":       {"ClearAllForwardings=yes", ""},
	"dynamicforward":      {"ClearAllForwardings=yes", ""},
	"clearallforwardings": {"ClearAllForwardings=yes", "yes"},
	"batchmode":           {"BatchMode=yes", "yes"},
	"remotecommand":       {"RemoteCommand=none", "none"},
	"requesttty":          {"RequestTTY=no", "no"},
	"controlmaster":       {"ControlMaster=auto", "auto"},
	"controlpath":         {"a ControlPath of its own", ""},
	"controlpersist":      {"ControlPersist=60", "60"},
}

// warnings lists, once each with file and line, what applies to the host
// but is not honoured by its transport, after the evaluation's own
// warnings.
func warnings(o *Options, t Target) []string {
	out := slices.Clone(o.Warnings)
	add := func(w string) {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	if o.NeedsDNS != nil {
		how := "the host goes through the system ssh (transport: openssh), which does"
		if t.Transport != fleet.TransportOpenSSH {
			how = "the host name is used as written"
		}
		add(fmt.Sprintf("%s: %s: fleetcheck does no DNS lookups to canonicalise host names; %s", o.NeedsDNS.Where(),
			o.NeedsDNS.Text, how))
	}
	if t.Transport == fleet.TransportOpenSSH {
		for _, s := range o.applied {
			if o, ok := opensshOverrides[s.keyword]; ok && !strings.EqualFold(s.Text, o.same) {
				add(fmt.Sprintf("%s: %s %s is not honoured: the openssh transport sets %s", s.Where(), keywordName(s.keyword), s.Text, o.set))
			}
		}
	} else {
		for _, s := range o.applied {
			kw := keywords[s.keyword]
			if (kw.support == unhonoured || kw.support == viaOpenSSH) && !isNoop(s) {
				add(fmt.Sprintf("%s: %s %s is not honoured: %s", s.Where(), kw.name, s.Text, kw.why))
			}
		}
	}
	if strict := o.StrictHostKeyChecking; strict.Text == "no" {
		add(fmt.Sprintf("%s: StrictHostKeyChecking no is not honoured: fleetcheck accepts unknown host keys (as accept-new) but never a changed one", strict.Where()))
	}
	for _, hop := range t.Jump {
		for _, w := range hop.Warnings {
			add(w)
		}
	}
	return out
}

// isNoop reports whether a setting asks for what fleetcheck does anyway.
func isNoop(s setting) bool {
	return slices.Contains(keywords[s.keyword].noop, strings.ToLower(s.Text))
}
