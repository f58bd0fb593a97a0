package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// TestCompareFromSurvivesBadSnapshots: with one corrupt snapshot and one
// stored under another host's name, compare --from still compares the
// good hosts, reports the two as errors with the reason, and exits 3.
func TestCompareFromSurvivesBadSnapshots(t *testing.T) {
	src := filepath.Join("..", "..", "compare", "testdata", "scenarios", "drift")
	var hosts []fleet.Host
	for _, h := range []string{"mail01", "mail02", "mail03", "mail04"} {
		hosts = append(hosts, fleet.Host{Name: h})
	}
	run, err := fleet.CreateRun(t.TempDir(), fleet.RunRecord{StartedAt: time.Now()}, hosts)
	if err != nil {
		t.Fatal(err)
	}
	copyFile := func(from, to string) {
		b, err := os.ReadFile(filepath.Join(src, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run.Path, to), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("mail01.json", "mail01.json")
	copyFile("mail02.json", "mail02.json")
	copyFile("mail02.json", "mail04.json") // another host's snapshot
	if err := os.WriteFile(filepath.Join(run.Path, "mail03.json"), []byte("{\"host\": "), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, nil, "compare", "--from", run.Path, "--baseline", "mail01", "--format", "json")
	if code != exitUnassessed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitUnassessed, out, stderr)
	}
	var rep struct {
		Hosts []struct {
			Host   string `json:"host"`
			Status string `json:"status"`
			Error  string `json:"error"`
		} `json:"hosts"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"mail01": "ok", "mail02": "partial", "mail03": "error", "mail04": "error"}
	if len(rep.Hosts) != len(want) {
		t.Fatalf("report has %d hosts, want %d: %+v", len(rep.Hosts), len(want), rep.Hosts)
	}
	for _, h := range rep.Hosts {
		if h.Status != want[h.Host] {
			t.Errorf("%s: status %s (%s), want %s", h.Host, h.Status, h.Error, want[h.Host])
		}
		if h.Status == "error" && !strings.Contains(h.Error, "snapshot") {
			t.Errorf("%s: error %q does not say what is wrong with its snapshot", h.Host, h.Error)
		}
	}
}
