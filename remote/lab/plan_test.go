package lab

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// These tests need neither root nor sshd: they check the planning and the
// client-side files a lab writes.

func TestHostProfiles(t *testing.T) {
	for _, tc := range []struct {
		cfg     Config
		want    []string
		wantErr bool
	}{
		{cfg: Config{}, want: Profiles()},
		{cfg: Config{Hosts: 2}, want: []string{"good", "seed"}},
		{cfg: Config{Hosts: len(Profiles()) + 2}, want: append(Profiles(), "good", "good")},
		{cfg: Config{Profiles: []string{"seed:v5", "good:v4"}}, want: []string{"seed:v5", "good:v4"}},
		{cfg: Config{Profiles: []string{"seed:v6"}}, wantErr: true},
		{cfg: Config{Profiles: []string{"seed", "good"}, Hosts: 3}, want: []string{"seed", "good", "good"}},
		{cfg: Config{Profiles: []string{"seed", "seed"}}, want: []string{"seed", "seed"}},
		{cfg: Config{Profiles: []string{"nonesuch"}}, wantErr: true},
		{cfg: Config{Profiles: []string{"good", "seed"}, Hosts: 1}, wantErr: true},
		{cfg: Config{Hosts: -1}, wantErr: true},
	} {
		got, err := hostProfiles(tc.cfg)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("hostProfiles(%+v) = %v, %v; want %v (error %v)", tc.cfg, got, err, tc.want, tc.wantErr)
		}
	}
}

func testPlans(n int, port int) (*Lab, []*hostPlan) {
	profiles, _ := hostProfiles(Config{Hosts: n})
	addrs := make([]string, len(profiles))
	for i := range addrs {
		addrs[i] = fmt.Sprintf("127.0.123.%d", 10+i)
	}
	dir := "/var/lib/fleetlab-plan"
	plans := planHosts(dir, profiles, addrs, port)
	l := &Lab{Dir: dir, SSHConfig: dir + "/ssh_config", KnownHosts: dir + "/known_hosts", ClientKey: dir + "/client/id_rsa", port: port}
	for _, h := range plans {
		l.Hosts = append(l.Hosts, h.Host)
	}
	return l, plans
}

func TestPlanNames(t *testing.T) {
	l, _ := testPlans(len(Profiles())+2, 22)
	var names []string
	for _, h := range l.Hosts {
		names = append(names, h.Name)
	}
	want := append(Profiles(), "good-2", "good-3")
	if !reflect.DeepEqual(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
	// Every host plays a MailScanner release but the one without it.
	for _, h := range l.Hosts {
		if none := h.Profile == ProfileNoMailScanner; (h.MailScanner == "") != none {
			t.Errorf("%s: MailScanner %q", h.Name, h.MailScanner)
		}
	}
}

func TestInventoryFollowsSchema(t *testing.T) {
	for _, port := range []int{22, 2222} {
		l, plans := testPlans(len(Profiles())+1, port)
		text := l.inventoryText(plans)
		inv, err := fleet.ParseInventory("lab-inventory.yaml", strings.NewReader(text))
		if err != nil {
			t.Fatalf("port %d: inventory does not parse: %v\n%s", port, err, text)
		}
		if inv.Baseline != "good" || inv.SSHConfig != l.SSHConfig || len(inv.KnownHosts) != 1 || inv.KnownHosts[0] != l.KnownHosts {
			t.Errorf("port %d: baseline %q, ssh_config %q, known_hosts %v", port, inv.Baseline, inv.SSHConfig, inv.KnownHosts)
		}
		if len(inv.Hosts) != len(Profiles())+1 || inv.Defaults.User != "root" || inv.Defaults.ProbeTimeout.String() != "1m0s" {
			t.Errorf("port %d: %d hosts, defaults %+v", port, len(inv.Hosts), inv.Defaults)
		}
		if want := map[int]int{22: 0, 2222: 2222}[port]; inv.Defaults.Port != want {
			t.Errorf("port %d: defaults port %d, want %d", port, inv.Defaults.Port, want)
		}
		for _, h := range inv.Hosts {
			if h.Address == "" {
				t.Errorf("%s: no address", h.Name)
			}
			if got := h.LegacyAlgorithms(); got != (h.Name == "legacy") {
				t.Errorf("%s: legacy_algorithms %v", h.Name, got)
			}
			wantUser := map[string]string{"sudo": SudoUser, "sudo-password": SudoPasswordUser}[h.Name]
			if h.Explicit.User != wantUser || h.Sudo() != (wantUser != "") {
				t.Errorf("%s: user %q sudo %v", h.Name, h.Explicit.User, h.Sudo())
			}
			want, _ := time.ParseDuration(map[bool]string{true: hangProbeTimeout, false: probeTimeout}[h.Name == ProfileHang])
			if h.ProbeTimeout() != want {
				t.Errorf("%s: probe timeout %s, want %s", h.Name, h.ProbeTimeout(), want)
			}
		}
		for _, g := range []string{"gateways", "transport-faults"} {
			if _, ok := inv.Groups[g]; !ok {
				t.Errorf("no group %s", g)
			}
		}
	}
}

func TestSSHConfigBlocks(t *testing.T) {
	l, plans := testPlans(len(Profiles()), 22)
	text, err := l.sshConfigText(plans)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range plans {
		block := "Host " + h.Name + "\nHostName " + h.Address + "\nUser " + h.User + "\nPort 22\nIdentityFile " + l.ClientKey +
			"\nIdentitiesOnly yes\nUserKnownHostsFile " + l.KnownHosts + "\n"
		if !strings.Contains(text, block) {
			t.Errorf("ssh_config lacks the block of %s:\n%s", h.Name, block)
		}
	}
	if strings.Count(text, "KexAlgorithms +diffie-hellman-group14-sha1") != 1 {
		t.Errorf("want the legacy options in the legacy block only")
	}
}
