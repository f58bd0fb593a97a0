package probe

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// capture rewrites the captured testdata/<probe>/debian12*.txt files from
// this machine: go test ./remote/probe -run Real -capture
var capture = flag.Bool("capture", false, "rewrite captured testdata from this machine")

// shells are the shells every command must work under.
var shells = []string{"dash", "bash"}

// runShell runs a probe command the way collect does: sh -c CMD with stdin.
func runShell(t testing.TB, shell, cmd string, stdin []byte) Result {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		t.Skipf("%s not installed", shell)
	}
	c := exec.Command(shell, "-c", cmd)
	c.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := c.Start(); err != nil {
		t.Fatalf("%s: %v", shell, err)
	}
	go func() { done <- c.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		_ = c.Process.Kill()
		t.Fatalf("%s: command did not finish in 60s", shell)
	}
	r := Result{Stdout: out.Bytes(), Stderr: errb.Bytes()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.ExitCode = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", shell, err)
	}
	return r
}

// saveCapture writes out to testdata/<probe>/<name>.txt when -capture is set.
func saveCapture(t *testing.T, probe, name string, out []byte) {
	t.Helper()
	if !*capture {
		return
	}
	p := filepath.Join("testdata", probe, name+".txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCase reads testdata/<probe>/<name>.txt.
func readCase(t testing.TB, probe, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", probe, name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedCorpus adds every testdata/<probe>/*.txt to a fuzz corpus.
func seedCorpus(f *testing.F, probe string) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", probe, "*.txt"))
	sort.Strings(files)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte("@@fc \n@@fc x y\n\x1b[31m\xff\n"))
}

// fuzzParse runs p.Parse on data and checks it neither panics nor grows
// facts far beyond the input.
func fuzzParse(t *testing.T, p Probe, data []byte) {
	var facts fleet.Facts
	_ = p.Parse(Result{Stdout: data}, &facts)
	_ = p.Parse(Result{Stdout: data, TimedOut: true, Truncated: true, ExitCode: 1}, &facts)
	js, err := json.Marshal(facts)
	if err != nil {
		t.Fatalf("facts do not marshal: %v", err)
	}
	if limit := 16*len(data) + 64<<10; len(js) > limit {
		t.Fatalf("facts are %d bytes of JSON for %d bytes of input", len(js), len(data))
	}
}

// mustJSON marshals v or fails the test.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
