package ticket

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// Scenario reports are built with compare.Compare from the snapshots of
// package fleettest, so they follow the real rules.

var scenarioTime = time.Date(2026, 11, 28, 18, 5, 1, 0, time.UTC)

// scenarios is the directory of compare's scenarios.
var scenarios = filepath.Join("..", "testdata", "scenarios")

// sharedScenario compares one of compare's scenarios as its baseline file says.
func sharedScenario(t testing.TB, name string) (*compare.Report, []*fleet.Snapshot) {
	t.Helper()
	sc := scenario.Load(t, filepath.Join(scenarios, name))
	return sc.Report(t, scenarioTime), sc.Snapshots
}

// probeCommands are stand-ins for the probes' constant commands, which the
// reports list for a reader to reproduce the facts.
var probeCommands = map[string]string{
	"os":                  "LC_ALL=C; export LC_ALL; uname -a; uname -r; uname -m; hostname; cat /etc/redhat-release /etc/os-release 2>/dev/null",
	"mounts":              "LC_ALL=C; export LC_ALL; cat /proc/mounts; for d in /tmp /var/tmp /var/spool/MailScanner; do df -P \"$d\"; done",
	"perl":                "LC_ALL=C perl -V:version -V:archname -e 'print join(\"\\n\", @INC), \"\\n\"'",
	"perl_modules":        "LC_ALL=C; export LC_ALL; perl - <<'EOF'\nfor my $m (@ARGV) { eval \"require $m\"; print \"$m\\t\", ($@ ? \"fail\\t$@\" : \"ok\"), \"\\n\" }\nEOF",
	"mailscanner_version": "LC_ALL=C MailScanner -v",
	"mailscanner_lint":    "LC_ALL=C MailScanner --lint 2>&1",
	"processes":           "LC_ALL=C ps -eo pid,ppid,stat,etime,time,args",
}

// withCommands gives s's probes their stand-in commands, the lint's under sudo.
func withCommands(s *fleet.Snapshot) *fleet.Snapshot {
	for name, cmd := range probeCommands {
		if r, ok := s.Probes[name]; ok {
			r.Command, r.Sudo = cmd, name == "mailscanner_lint"
			s.Probes[name] = r
		}
	}
	return s
}

// builtScenario returns the report and snapshots of this package's own
// scenarios: fleet500, 490 identical hosts and 10 that each differ in their
// own way, and injection, a host whose output carries markup.
func builtScenario(t testing.TB, name string) (*compare.Report, []*fleet.Snapshot) {
	t.Helper()
	var snaps []*fleet.Snapshot
	switch name {
	case "fleet500":
		// A probe command as long as the real perl_modules script.
		long := strings.Repeat("# a line of the perl_modules probe script, as long as the real one\n", 120)
		for i := 1; i <= 500; i++ {
			name := fmt.Sprintf("mail%03d", i)
			var s *fleet.Snapshot
			switch {
			case i <= 490:
				s = fleettest.GoodHost(name, i)
			case i%4 == 0:
				s = fleettest.SeedBox(name, i)
			case i%4 == 1:
				s = fleettest.ShadowBox(name, i)
			case i%4 == 2:
				s = fleettest.HangBox(name, i)
			default:
				s = fleettest.UnreachableBox(name)
			}
			if s.Facts.Config != nil && i > 490 {
				s.Facts.Config.Values["maxchildren"] = fleettest.Cfg("Max Children", 75, fmt.Sprint(i-480))
			}
			withCommands(s)
			if r, ok := s.Probes[fleet.ProbePerlModules]; ok {
				r.Command = long
				s.Probes[fleet.ProbePerlModules] = r
			}
			snaps = append(snaps, s)
		}
	case "injection":
		base := withCommands(fleettest.GoodHost("mail1", 1))
		base.Facts.Custom = map[string]*fleet.Custom{"banner": {Command: "cat /etc/issue", Lines: []string{"Welcome"}}}
		base.Probes["banner"] = fleet.ProbeResult{Status: fleet.ProbeOK, Command: "cat /etc/issue # <script>alert(2)</script>"}
		snaps = []*fleet.Snapshot{base, withCommands(injectionHost("mail2", 2))}
	default:
		t.Fatalf("unknown scenario %q", name)
	}
	rep, err := compare.Compare(snaps, compare.Baseline{Host: snaps[0].Host}, compare.Options{Now: scenarioTime})
	if err != nil {
		t.Fatalf("compare.Compare(%s): %v", name, err)
	}
	return rep, snaps
}
