package lab

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// The client-side files: ssh_config, known_hosts and the fleetcheck
// inventory (DESIGN.md's schema).

// legacyClientOptions are what an OpenSSH 9 client needs to talk to the
// legacy host; they only add to the client's defaults.
var legacyClientOptions = [][2]string{
	{"KexAlgorithms", "+diffie-hellman-group14-sha1"},
	{"Ciphers", "+aes128-cbc,3des-cbc"},
	{"HostKeyAlgorithms", "+ssh-rsa"},
}

// sshConfigText is the lab's ssh_config: one block per host.
func (l *Lab) sshConfigText(plans []*hostPlan) (string, error) {
	var blocks []sshconfig.Block
	for _, h := range plans {
		opts := []sshconfig.Option{
			sshconfig.Opt("HostName", h.Address), sshconfig.Opt("User", h.User), sshconfig.Opt("Port", strconv.Itoa(h.Port)),
			sshconfig.Opt("IdentityFile", l.ClientKey), sshconfig.Opt("IdentitiesOnly", "yes"),
			sshconfig.Opt("UserKnownHostsFile", l.KnownHosts), sshconfig.Opt("GlobalKnownHostsFile", "/dev/null"),
			sshconfig.Opt("StrictHostKeyChecking", "yes"), sshconfig.Opt("BatchMode", "yes"),
			sshconfig.Opt("ConnectTimeout", "10")}
		if h.prof.legacy {
			for _, o := range legacyClientOptions {
				opts = append(opts, sshconfig.Opt(o[0], o[1]))
			}
		}
		blocks = append(blocks, sshconfig.Block{Patterns: []string{h.Name}, Options: opts})
	}
	return sshconfig.Format(fmt.Sprintf("fleetlab ssh_config, written by remote/lab for the lab in %s.\nUse: ssh -F %s HOST", l.Dir, l.SSHConfig), blocks)
}

func (l *Lab) knownHostsText(plans []*hostPlan, wrong map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fleetlab known_hosts for the lab in %s (hashed, one comment per host)\n", l.Dir)
	for _, h := range plans {
		key := h.pubKey
		if w, ok := wrong[h.Name]; ok {
			key = w
		}
		pk, err := parseAuthorizedKey(key)
		if err != nil {
			continue
		}
		b.WriteString(knownHostsLines(h.Name, h.Address, h.Port, pk))
	}
	return b.String()
}

// probeTimeout is the lab's probe timeout: generous, as a loaded machine
// running the whole suite can take many seconds to load every Perl module;
// the hang profile, whose lint must time out, has a shorter one.
const (
	probeTimeout     = "60s"
	hangProbeTimeout = "20s"
)

func (l *Lab) inventoryText(plans []*hostPlan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# fleetcheck inventory of the fleetlab lab in %s (written by remote/lab;\n", l.Dir)
	b.WriteString("# rewritten by every start). Profiles: see the comment on each host.\n")
	fmt.Fprintf(&b, "ssh_config: %s\n", l.SSHConfig)
	fmt.Fprintf(&b, "known_hosts: [%s]\n", l.KnownHosts)
	if base := l.baseline(); base != "" {
		fmt.Fprintf(&b, "baseline: %s\n", base)
	}
	b.WriteString("defaults: {user: root, probe_timeout: " + probeTimeout)
	if l.port != 22 {
		fmt.Fprintf(&b, ", port: %d", l.port)
	}
	b.WriteString("}\n")

	var gateways, faults []string
	for _, h := range plans {
		switch h.Profile {
		case ProfileBadKey, ProfileDown, ProfileTarpit:
			faults = append(faults, h.Name)
		default:
			gateways = append(gateways, h.Name)
		}
	}
	if len(gateways) > 0 || len(faults) > 0 {
		b.WriteString("groups:\n")
		if len(gateways) > 0 {
			fmt.Fprintf(&b, "  gateways: [%s]\n", strings.Join(gateways, ", "))
		}
		if len(faults) > 0 {
			fmt.Fprintf(&b, "  transport-faults: [%s]\n", strings.Join(faults, ", "))
		}
	}
	b.WriteString("hosts:\n")
	for _, h := range plans {
		if h.MailScanner != "" && h.prof.service == serviceSSHD {
			fmt.Fprintf(&b, "  - name: %s # profile %s, MailScanner %s\n", h.Name, h.Profile, h.MailScanner)
		} else {
			fmt.Fprintf(&b, "  - name: %s # profile %s\n", h.Name, h.Profile)
		}
		fmt.Fprintf(&b, "    address: %s\n", h.Address)
		if h.prof.user != "" {
			fmt.Fprintf(&b, "    user: %s\n    sudo: true\n", h.prof.user)
		}
		if h.prof.legacy {
			b.WriteString("    legacy_algorithms: true\n")
		}
		if h.Profile == ProfileHang {
			b.WriteString("    probe_timeout: " + hangProbeTimeout + "\n")
		}
	}
	return b.String()
}

// baseline is the first host of profile good.
func (l *Lab) baseline() string {
	for _, h := range l.Hosts {
		if h.Profile == ProfileGood {
			return h.Name
		}
	}
	return ""
}
