package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/fleetcheck/fleetcheck/remote"
	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// A recording directory holds one host's raw probe results as files:
// <probe>.out, <probe>.err and <probe>.exit, plus <probe>.hang for a probe
// that timed out. The demo's simulated hosts replay them.

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
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recs[name] = remote.Recording{Stdout: res.Stdout, Stderr: res.Stderr, ExitCode: res.ExitCode, Hang: res.TimedOut}
}

func (r *recorder) write() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return err
	}
	var errs []error
	for name, rec := range r.recs {
		base := filepath.Join(r.dir, name)
		errs = append(errs, os.WriteFile(base+".out", rec.Stdout, 0o644),
			os.WriteFile(base+".err", rec.Stderr, 0o644),
			os.WriteFile(base+".exit", []byte(strconv.Itoa(rec.ExitCode)+"\n"), 0o644))
		if rec.Hang {
			errs = append(errs, os.WriteFile(base+".hang", nil, 0o644))
		}
	}
	return errors.Join(errs...)
}
