package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
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

// TestCompressedSnapshotsReadEverywhere: a run of compressed snapshots,
// a run of plain ones and a run mixing both give the same report with
// compare --from; a compressed snapshot works as --baseline and as drift's
// --before and --after, with the same report as its plain copy.
func TestCompressedSnapshotsReadEverywhere(t *testing.T) {
	src := filepath.Join("..", "..", "compare", "testdata", "demo")
	names := []string{"mail01", "mail02", "mail03", "mail04"}
	var hosts []fleet.Host
	for _, h := range names {
		hosts = append(hosts, fleet.Host{Name: h})
	}
	dir := t.TempDir()
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	makeRun := func(name string, compressed func(i int) bool) string {
		run, err := fleet.CreateRun(filepath.Join(dir, name), fleet.RunRecord{StartedAt: time.Now()}, hosts)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range names {
			b, err := os.ReadFile(filepath.Join(src, h+".json"))
			if err != nil {
				t.Fatal(err)
			}
			file := fleet.PlainSnapshotFile(h)
			if compressed(i) {
				file, b = fleet.SnapshotFile(h), gz(b)
			}
			if err := os.WriteFile(filepath.Join(run.Path, file), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return run.Path
	}
	report := func(args ...string) string {
		t.Helper()
		code, out, stderr := runCLI(t, nil, append(args, "--format", "json")...)
		if code != exitDiffers && !(args[0] == "drift" && (code == exitOK || code == exitUnassessed)) {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		return generatedAt.ReplaceAllString(regexp.MustCompile(`"generated_at": "[^"]*"`).ReplaceAllString(out, ""), "")
	}
	plain := report("compare", "--from", makeRun("plain", func(int) bool { return false }), "--baseline", "mail01")
	if !strings.Contains(plain, "tmp-noexec") {
		t.Fatalf("the demo's seed box lacks tmp-noexec:\n%s", plain)
	}
	for name, c := range map[string]func(int) bool{"gz": func(int) bool { return true }, "mixed": func(i int) bool { return i%2 == 0 }} {
		if got := report("compare", "--from", makeRun(name, c), "--baseline", "mail01"); got != plain {
			t.Errorf("compare --from a %s run differs from the plain run's", name)
		}
	}
	golden := filepath.Join(dir, "golden.json.gz")
	b, _ := os.ReadFile(filepath.Join(src, "mail01.json"))
	if err := os.WriteFile(golden, gz(b), 0o644); err != nil {
		t.Fatal(err)
	}
	gzRun := makeRun("gz2", func(int) bool { return true })
	byFile := report("compare", "--from", gzRun, "--baseline", golden)
	byPlainFile := report("compare", "--from", gzRun, "--baseline", filepath.Join(src, "mail01.json"))
	if byFile != strings.ReplaceAll(byPlainFile, filepath.Join(src, "mail01.json"), golden) {
		t.Errorf("--baseline FILE.json.gz differs from --baseline FILE.json")
	}
	plainRun := makeRun("plain2", func(int) bool { return false })
	if a, b := report("drift", "--before", gzRun, "--after", filepath.Join(gzRun, fleet.SnapshotFile("mail02"))),
		report("drift", "--before", plainRun, "--after", filepath.Join(plainRun, fleet.PlainSnapshotFile("mail02"))); a != b || !strings.Contains(a, `"host": "mail02"`) {
		t.Errorf("drift from compressed files differs from drift from their plain copies:\n%s\n%s", a, b)
	}
}
