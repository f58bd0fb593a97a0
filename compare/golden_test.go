package compare_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
)

var goldenTime = time.Date(2026, 11, 28, 2, 10, 0, 0, time.UTC)

// loadScenario reads testdata/scenarios/<name>: every *.json file is one
// host's snapshot (hosts in file name order), and the optional file
// "baseline" says "host NAME", "file PATH" (a snapshot, relative to the
// scenario directory, outside its top level), "drift DIR" (each host
// against its own snapshot in DIR) or "majority" (the default).
func loadScenario(t *testing.T, dir string) ([]*fleet.Snapshot, compare.Baseline, []*fleet.Snapshot) {
	t.Helper()
	snaps := readSnapshots(t, dir)
	var before []*fleet.Snapshot
	base := compare.Baseline{Kind: compare.BaselineMajority}
	spec, err := os.ReadFile(filepath.Join(dir, "baseline"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	kind, arg, _ := strings.Cut(strings.TrimSpace(string(spec)), " ")
	switch kind {
	case "", "majority":
	case "host":
		base = compare.Baseline{Kind: compare.BaselineHost, Host: arg}
	case "drift":
		before = readSnapshots(t, filepath.Join(dir, arg))
		base = compare.Baseline{Kind: compare.BaselineDrift}
	case "file":
		base = compare.Baseline{Kind: compare.BaselineFile, Snapshot: readSnapshot(t, filepath.Join(dir, arg)), Source: arg}
	default:
		t.Fatalf("%s/baseline: unknown kind %q", dir, kind)
	}
	return snaps, base, before
}

// scenarioReport compares the scenario in dir as its baseline file says.
func scenarioReport(t *testing.T, dir string) *compare.Report {
	t.Helper()
	snaps, base, before := loadScenario(t, dir)
	var r *compare.Report
	var err error
	if base.Kind == compare.BaselineDrift {
		r, err = compare.Drift(before, snaps, compare.Options{Now: goldenTime})
	} else {
		r, err = compare.Compare(snaps, base, compare.Options{Now: goldenTime})
	}
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return r
}

func readSnapshots(t *testing.T, dir string) []*fleet.Snapshot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*fleet.Snapshot
	for _, f := range files {
		snaps = append(snaps, readSnapshot(t, f))
	}
	return snaps
}

func readSnapshot(t *testing.T, path string) *fleet.Snapshot {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s fleet.Snapshot
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &s
}

// TestGolden renders every scenario as a table and as JSON and compares
// them with testdata/<scenario>.<exit code>.txt and .json;
// -update rewrites them.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "scenarios", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no scenarios in testdata/scenarios")
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			r := scenarioReport(t, dir)
			var txt, js bytes.Buffer
			if err := render.Table(&txt, r, render.TableOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := render.JSON(&js, r); err != nil {
				t.Fatal(err)
			}
			code := r.ExitCode()
			checkGolden(t, name, code, "txt", txt.Bytes())
			checkGolden(t, name, code, "json", js.Bytes())
		})
	}
}

func checkGolden(t *testing.T, scenario string, code int, format string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", fmt.Sprintf("%s.%d.%s", scenario, code, format))
	if compare.Updating() {
		old, _ := filepath.Glob(filepath.Join("testdata", scenario+".*."+format))
		for _, o := range old {
			os.Remove(o)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		others, _ := filepath.Glob(filepath.Join("testdata", scenario+".*."+format))
		t.Fatalf("exit code %d: %v; existing golden files: %v (run go test -update)", code, err, others)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test -update and review the diff):\n%s", path, lineDiff(string(want), string(got)))
	}
}

// lineDiff shows the first differing lines.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}

// TestTableAt200Hosts checks the table stays readable: hosts with the same
// values share one pivot column, hosts equal to the baseline get no column,
// quiet hosts share one summary line, and the pivot fits 160 columns,
// naming the host groups it leaves out and how to see them.
func TestTableAt200Hosts(t *testing.T) {
	r, err := compare.Compare(compare.FleetOf(200), compare.Baseline{Host: "mail0001"}, compare.Options{Now: goldenTime})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := render.Table(&out, r, render.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if os.Getenv("SHOW") != "" {
		t.Log("\n" + text)
	}
	lines := strings.Split(text, "\n")
	var pivotHeader string
	for _, line := range lines {
		if strings.HasPrefix(line, "| fact ") {
			pivotHeader = line
		}
		// Every table line, summary and pivot, fits; prose may wrap.
		if strings.HasPrefix(line, "|") || strings.HasPrefix(line, "+") {
			if n := len([]rune(line)); n > render.DefaultWidth {
				t.Errorf("table line is %d wide, want at most %d: %s", n, render.DefaultWidth, line)
			}
		}
	}
	if cols := strings.Count(pivotHeader, "|") - 1; cols < 4 || cols > 12 {
		t.Errorf("pivot has %d columns for 200 hosts: %s", cols, pivotHeader)
	}
	if !strings.Contains(pivotHeader, "[A] (") || !strings.Contains(text, "\n[A]: mail[") {
		t.Errorf("pivot does not fold host groups into labelled columns: %s", pivotHeader)
	}
	if !strings.Contains(text, "\nsame as the baseline in every row: mail[0001,") {
		t.Errorf("pivot does not name the hosts equal to the baseline")
	}
	more := ""
	for _, line := range strings.Split(strings.ReplaceAll(text, "\n  ", " "), "\n") { // notes wrap with an indent
		if strings.Contains(line, "more host group(s) not shown") {
			more = line
		}
	}
	if !strings.Contains(more, "--format markdown") || !strings.Contains(more, "--host") {
		t.Errorf("pivot leaves out host groups without saying how to see them: %q", more)
	}
	// The seed boxes (critical) are shown; their /tmp is noexec.
	for _, line := range lines {
		if strings.HasPrefix(line, "| mounts./tmp.noexec ") && !strings.Contains(line, "| true ") {
			t.Errorf("the critical hosts' column is not shown: %s", line)
		}
	}
	summaryRows := 0
	for _, line := range lines {
		if strings.HasPrefix(line, "| mail") {
			summaryRows++
		}
		if strings.HasPrefix(line, "| fact ") {
			break
		}
	}
	if summaryRows > 20 {
		t.Errorf("summary has %d rows for 200 hosts of a dozen kinds", summaryRows)
	}
}

// TestTableFocusHost checks TableOptions.Host shows one host only.
func TestTableFocusHost(t *testing.T) {
	snaps, base, _ := loadScenario(t, filepath.Join("testdata", "scenarios", "seed"))
	r, err := compare.Compare(snaps, base, compare.Options{Now: goldenTime})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := render.Table(&out, r, render.TableOptions{Host: "mail05"}); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "mailscanner-hang") || strings.Contains(s, "tmp-noexec") || strings.Contains(s, "mail03") || !strings.Contains(s, "showing host mail05 only") {
		t.Errorf("focused table shows other hosts:\n%s", s)
	}
	if err := render.Table(&out, r, render.TableOptions{Host: "nosuch"}); err == nil {
		t.Error("unknown host: no error")
	}
	out.Reset()
	if err := render.Table(&out, r, render.TableOptions{Color: true}); err != nil || !strings.Contains(out.String(), "\x1b[1;31m[CRITICAL]") {
		t.Errorf("colour: err %v, no ANSI critical label", err)
	}
}

// BenchmarkTable1000 renders the table of a 1,000-host report.
func BenchmarkTable1000(b *testing.B) {
	r, err := compare.Compare(compare.FleetOf(1000), compare.Baseline{Host: "mail0001"}, compare.Options{Now: goldenTime})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := render.Table(io.Discard, r, render.TableOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
