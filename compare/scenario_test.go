package compare

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

var update = flag.Bool("update", false, "rewrite golden files and builder-made scenario snapshots")

// scenario is a named set of snapshots and the baseline spec written
// beside them.
type scenario struct {
	name     string
	baseline string // "host NAME", "majority" or "drift before"
	snaps    []*fleet.Snapshot
	before   []*fleet.Snapshot // written to before/ for drift
}

func scenarios() []scenario {
	legacy := goodHost("mail12", 12)
	legacy.Security.LegacyAlgorithms = []string{"diffie-hellman-group1-sha1", "aes128-cbc"}
	return []scenario{
		{name: "seed", baseline: "host mail01", snaps: []*fleet.Snapshot{
			goodHost("mail01", 1), goodHost("mail02", 2), seedBox("mail03", 3), shadowBox("mail04", 4),
			hangBox("mail05", 5), unreachableBox("mail06"), goodHost("mail07", 7),
		}},
		{name: "identical", baseline: "majority", snaps: []*fleet.Snapshot{
			goodHost("mx1", 1), goodHost("mx2", 2), goodHost("mx3", 3),
		}},
		{name: "majority", baseline: "majority", snaps: []*fleet.Snapshot{
			seedBox("gw1", 1), goodHost("gw2", 2), goodHost("gw3", 3), shadowBox("gw4", 4),
		}},
		{name: "drift", baseline: "drift before",
			before: []*fleet.Snapshot{goodHost("mail01", 1), goodHost("mail02", 2), goodHost("mail03", 3)},
			snaps:  []*fleet.Snapshot{goodHost("mail01", 1), hangBox("mail02", 2), seedBox("mail03", 3)},
		},
		{name: "access", baseline: "host mail01", snaps: []*fleet.Snapshot{
			goodHost("mail01", 1), failedProbesBox("mail08", 8),
			statusBox("mail09", fleet.HostKeyMismatch, "ssh: handshake failed: knownhosts: key mismatch"),
			statusBox("mail10", fleet.HostKeyUnknown, "ssh: handshake failed: knownhosts: key is unknown"),
			statusBox("mail11", fleet.HostAuthFailed, "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods remain"),
			legacy,
		}},
		{name: "nothing", baseline: "host mx1", snaps: []*fleet.Snapshot{
			fleettest.NoMailScannerBox("mx1", 1), fleettest.NoMailScannerBox("mx2", 2),
		}},
		{name: "resources", baseline: "host mail01", snaps: resourceHosts()},
	}
}

// resourceHosts are a good host and one of each resource fault, all with
// the disk_space, memory and dns facts.
func resourceHosts() []*fleet.Snapshot {
	full := withResources(goodHost("mail02", 2), 2)
	full.Facts.DiskSpace = fullSpoolBox("mail02", 2).Facts.DiskSpace
	swap := withResources(swapBox("mail03", 3), 3)
	swap.Facts.Memory = swapBox("mail03", 3).Facts.Memory
	dns := withResources(goodHost("mail04", 4), 4)
	dns.Facts.DNS = deadDNSBox("mail04", 4).Facts.DNS
	return []*fleet.Snapshot{withResources(goodHost("mail01", 1), 1), full, swap, dns}
}

// TestScenarioFiles keeps testdata/scenarios/<name>/ in step with the
// builders above; -update rewrites them. Scenario directories not built
// here (captured from a lab) are left alone.
func TestScenarioFiles(t *testing.T) {
	for _, sc := range scenarios() {
		files := map[string][]byte{"baseline": []byte(sc.baseline + "\n")}
		for sub, snaps := range map[string][]*fleet.Snapshot{"": sc.snaps, "before": sc.before} {
			for _, s := range snaps {
				b, err := json.MarshalIndent(s, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				files[filepath.Join(sub, s.Host+".json")] = append(b, '\n')
			}
		}
		fleettest.CheckDir(t, filepath.Join("testdata", "scenarios", sc.name), files, *update)
	}
}
