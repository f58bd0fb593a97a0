package compare_test

import (
	"bytes"
	"encoding/json"
	"fmt"
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
// scenario directory, outside its top level) or "majority" (the default).
func loadScenario(t *testing.T, dir string) ([]*fleet.Snapshot, compare.Baseline) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var snaps []*fleet.Snapshot
	for _, f := range files {
		snaps = append(snaps, readSnapshot(t, f))
	}
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
	case "file":
		base = compare.Baseline{Kind: compare.BaselineFile, Snapshot: readSnapshot(t, filepath.Join(dir, arg)), Source: arg}
	default:
		t.Fatalf("%s/baseline: unknown kind %q", dir, kind)
	}
	return snaps, base
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
// them with testdata/<scenario>.<exit code>.txt and .json; -update
// rewrites them.
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
			snaps, base := loadScenario(t, dir)
			r, err := compare.Compare(snaps, base, compare.Options{Now: goldenTime})
			if err != nil {
				t.Fatal(err)
			}
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
