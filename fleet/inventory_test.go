package fleet

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestInventoryExampleParses(t *testing.T) {
	inv, err := LoadInventory("../inventory.example.yaml")
	if err != nil {
		t.Fatalf("inventory.example.yaml: %v", err)
	}
	if got := len(inv.Hosts); got != 4 {
		t.Errorf("hosts = %d, want 4", got)
	}
	// Copied as it is, the example must resolve hosts as ssh does: no
	// known_hosts list replacing ssh_config's UserKnownHostsFile, no
	// ssh_config file replacing ssh's own two.
	if len(inv.KnownHosts) != 0 || inv.SSHConfig != "" {
		t.Errorf("the example sets known_hosts %q and ssh_config %q; ssh's own must apply", inv.KnownHosts, inv.SSHConfig)
	}
	old, _ := inv.Host("mail-old")
	if !old.LegacyAlgorithms() || old.ProbeTimeout() != 90*time.Second || old.Explicit.User != "" || old.Defaults.User != "root" {
		t.Errorf("mail-old settings wrong: %+v", old)
	}
	m2, _ := inv.Host("mail2")
	if !m2.Sudo() || m2.Explicit.User != "auditor" || m2.Timeout() != 120*time.Second {
		t.Errorf("mail2 settings wrong: %+v", m2)
	}
	if inv.Baseline != "mail1" || len(inv.Probes) != 2 || inv.Probes[1].Timeout != 10*time.Second {
		t.Errorf("baseline/probes wrong: %q %+v", inv.Baseline, inv.Probes)
	}
	if diff := cmp.Diff([]string{"Mail::DKIM", "Encode::Detect"}, inv.PerlModules); diff != "" {
		t.Errorf("perl_modules (-want +got):\n%s", diff)
	}
	if len(inv.Waivers) != 2 || inv.Waivers[0].Rule != "perl-version" || strings.Join(inv.Waivers[1].HostNames, ",") != "mail2,mail3" {
		t.Errorf("waivers wrong: %+v", inv.Waivers)
	}
	hosts, err := inv.Select([]string{"legacy", "mail1"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range hosts {
		names = append(names, h.Name)
	}
	if diff := cmp.Diff([]string{"mail1", "mail-old"}, names); diff != "" {
		t.Errorf("Select (-want +got):\n%s", diff)
	}
}

func TestInventoryErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string // every error, in order
	}{
		{"empty", "", []string{"inv.yaml: empty inventory: want at least a hosts list"}},
		{"comment only", "# nothing\n", []string{"inv.yaml: empty inventory: want at least a hosts list"}},
		{"syntax", "hosts: [a\nb: c\n", []string{"inv.yaml:1: syntax error: did not find expected ',' or ']'"}},
		{"unknown key", "hosts: [a]\nhots: []\n", []string{`inv.yaml:2: unknown key "hots" (want ssh_config, known_hosts, baseline, defaults, groups, hosts, probes, perl_modules, waivers)`}},
		{"duplicate key", "hosts:\n  - name: a\n    sudo: true\n    sudo: false\n", []string{`inv.yaml:4: host "a": key "sudo" already defined at line 3`}},
		{"bad port and unknown host key", "hosts:\n  - name: mail3\n    port: 70000\n    adress: x\n", []string{
			`inv.yaml:3: host "mail3": port 70000 out of range (1-65535)`,
			`inv.yaml:4: host "mail3": unknown key "adress" (want name, address, user, port, sudo, timeout, probe_timeout, transport, legacy_algorithms, identity_file)`}},
		{"unknown group member", "groups:\n  mx: [a, zz]\nhosts: [a]\n", []string{`inv.yaml:2: group "mx": unknown host "zz"`}},
		{"duplicate host", "hosts:\n  - a\n  - name: a\n", []string{`inv.yaml:3: host "a": already defined at line 2`}},
		{"no hosts", "baseline: a\n", []string{"inv.yaml:1: no hosts: the inventory needs a hosts list"}},
		{"unknown baseline", "hosts: [a]\nbaseline: b\n", []string{`inv.yaml:2: baseline "b" is not an inventory host`}},
		{"bad values", "defaults: {sudo: maybe, timeout: soon, transport: telnet}\nhosts: [a]\n", []string{
			`inv.yaml:1: defaults: sudo: want true or false, got "maybe"`,
			`inv.yaml:1: defaults: timeout: want a positive duration such as 90s, got "soon"`,
			`inv.yaml:1: defaults: transport "telnet" unknown (want native or openssh)`}},
		{"bad probe", "hosts: [a]\nprobes:\n  - {name: Bad-Name, command: x}\n  - {name: ok}\n", []string{
			`inv.yaml:3: probes[0]: name "Bad-Name" must be lower_snake_case`,
			`inv.yaml:4: probe "ok": no command`}},
		{"built-in probe name", "hosts: [a]\nprobes:\n  - {name: sendmail, command: x}\n  - {name: mounts, command: 'mount'}\n", []string{
			`inv.yaml:4: probe "mounts": a built-in probe has that name (see fleetcheck probes); pick another`}},
		{"bad module", "hosts: [a]\nperl_modules: ['Mail::X; rm -rf /']\n", []string{
			`inv.yaml:2: perl_modules: "Mail::X; rm -rf /" is not a Perl module name`}},
		{"reserved name", "hosts: [run]\n", []string{`inv.yaml:1: hosts[0]: the name "run" is reserved for the run record (run.json)`}},
		{"bad host name", "hosts: ['a;b']\n", []string{`inv.yaml:1: hosts[0]: name may hold only letters, digits, '.', '_' and '-'`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseInventory("inv.yaml", strings.NewReader(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInventoryPrecedence(t *testing.T) {
	src := `
defaults: {user: root, sudo: false, probe_timeout: 30s}
groups:
  old: {hosts: [a], user: grp, legacy_algorithms: true, sudo: true}
hosts:
  - name: a
    user: me
  - name: b
`
	inv, err := ParseInventory("inv.yaml", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := inv.Host("a")
	if a.Explicit.User != "me" || !a.Sudo() || !a.LegacyAlgorithms() || a.ProbeTimeout() != 30*time.Second {
		t.Errorf("host a = %+v: host value must beat group, group beat defaults", a)
	}
	b, _ := inv.Host("b")
	if b.Explicit.User != "" || b.Defaults.User != "root" || b.Sudo() || b.LegacyAlgorithms() {
		t.Errorf("host b = %+v: only defaults apply", b)
	}
	if _, err := inv.Select([]string{"nope"}); err == nil || !strings.Contains(err.Error(), `no host or group named "nope"`) {
		t.Errorf("Select(nope) = %v", err)
	}
}
