package main

import (
	"os"
	"sync"

	"github.com/fleetcheck/fleetcheck/compare/redact"
	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// --record keeps each host's raw probe results in a recording directory
// (remote.WriteRecordings). Raw output is more than a snapshot keeps, so
// the directories are private (0700, files 0600) and the secrets
// fleetcheck recognises are masked before writing.

// recordWarning is printed once when --record is used.
const recordWarning = "fleetcheck: warning: --record keeps the raw output of every probe under %s (readable by you only); " +
	"the secrets fleetcheck recognises are masked, anything else the hosts printed is kept\n"

// recorder collects a host's raw results during a collect.
type recorder struct {
	dir  string
	mu   sync.Mutex
	recs map[string]remote.Recording
}

func newRecorder(dir string) *recorder {
	return &recorder{dir: dir, recs: map[string]remote.Recording{}}
}

func (r *recorder) add(name string, res probe.Result) {
	stdout, stderr := maskRecording(name, res.Stdout), maskRecording("", res.Stderr)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs[name] = remote.Recording{Stdout: stdout, Stderr: stderr, ExitCode: res.ExitCode, Hang: res.TimedOut}
}

// maskRecording masks the secrets in one probe's raw output: the
// configuration's as its parser does, secret assignments in any other.
func maskRecording(probeName string, b []byte) []byte {
	if probeName == probe.MailScannerConfig.Name {
		return probe.MaskConfigOutput(b)
	}
	return []byte(redact.MaskSecrets(string(b)))
}

func (r *recorder) write() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(r.dir, 0o700); err != nil { // the host's own directory, made by an earlier run
		return err
	}
	return remote.WriteRecordings(r.dir, r.recs)
}
