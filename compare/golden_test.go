package compare_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/internal/scenario"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet/fleettest"
)

// TestGolden renders every scenario as a table and as JSON and compares
// them with testdata/<scenario>.<exit code>.txt and .json;
// -update rewrites them.
func TestGolden(t *testing.T) {
	for _, dir := range scenario.Dirs(t, filepath.Join("testdata", "scenarios")) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			sc := scenario.Load(t, dir)
			checkReport(t, sc.Name, sc.Report(t, fleettest.Time))
		})
	}
}

// checkReport renders r as a table and as JSON, compares them with the
// golden files of name and returns the table.
func checkReport(t *testing.T, name string, r *compare.Report) string {
	t.Helper()
	var txt, js bytes.Buffer
	if err := render.Table(&txt, r, render.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := render.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, name, r.ExitCode(), "txt", txt.Bytes())
	checkGolden(t, name, r.ExitCode(), "json", js.Bytes())
	return txt.String()
}

// checkGolden compares got with testdata/<scenario>.<code>.<format>; with
// -update it writes it there, in place of the scenario's golden file for
// another exit code.
func checkGolden(t *testing.T, scenario string, code int, format string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", fmt.Sprintf("%s.%d.%s", scenario, code, format))
	others, _ := filepath.Glob(filepath.Join("testdata", scenario+".*."+format))
	if compare.Updating() {
		for _, o := range others {
			os.Remove(o)
		}
	} else if _, err := os.Stat(path); err != nil {
		t.Fatalf("exit code %d: %v; existing golden files: %v (run go test -update)", code, err, others)
	}
	fleettest.CheckFile(t, path, got, compare.Updating())
}

// TestTableAt200Hosts checks the table stays readable: hosts with the same
// values share one pivot column, hosts equal to the baseline get no column,
// quiet hosts share one summary line, and the pivot fits 160 columns,
// naming the host groups it leaves out and how to see them.
func TestTableAt200Hosts(t *testing.T) {
	r, err := compare.Compare(fleettest.Fleet(200), compare.Baseline{Host: "mail0001"}, compare.Options{Now: fleettest.Time})
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
	r := scenario.Load(t, filepath.Join("testdata", "scenarios", "seed")).Report(t, fleettest.Time)
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
	r, err := compare.Compare(fleettest.Fleet(1000), compare.Baseline{Host: "mail0001"}, compare.Options{Now: fleettest.Time})
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
