package fleettest

import (
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Waiver is a waiver written at line of inv.yaml for the named hosts,
// with a rule or a fact glob (or both), expiring on expires (YYYY-MM-DD).
func Waiver(line int, hosts []string, rule, fact, expires string) fleet.Waiver {
	exp, err := time.Parse(fleet.DateLayout, expires)
	if err != nil {
		panic("fleettest.Waiver: " + err.Error())
	}
	return fleet.Waiver{File: "inv.yaml", Line: line, Hosts: hosts, HostNames: hosts, Rule: rule, Fact: fact,
		Reason: "accepted: " + rule + fact, Owner: "ops@example.com", Expires: exp}
}

// BigBox is a good host that runs 30 MailScanner children, where the
// others run 5: its one difference is config-drift on maxchildren.
func BigBox(name string, n int) *fleet.Snapshot {
	s := GoodHost(name, n)
	s.Facts.Config.Values["maxchildren"] = Cfg("Max Children", 75, "30")
	return s
}

// WaivedFleet is a baseline, a BigBox whose difference a waiver accepts,
// a seed box whose waiver expired on 2020-01-31, and Waivers, which holds
// those two and a third that matches nothing.
func WaivedFleet() (snaps []*fleet.Snapshot, waivers []fleet.Waiver) {
	snaps = []*fleet.Snapshot{GoodHost("mail1", 1), BigBox("mail6", 6), SeedBox("mail3", 3)}
	waivers = []fleet.Waiver{
		Waiver(31, []string{"mail6"}, "config-drift", "mailscanner_config.maxchildren", "2099-03-31"),
		Waiver(38, []string{"mail3"}, "tmp-noexec", "", "2020-01-31"),
		Waiver(45, []string{"mail1"}, "perl-version", "", "2099-03-31"),
	}
	return snaps, waivers
}
