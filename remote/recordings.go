package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// A recording directory holds one host's raw probe results as files:
// <probe>.out, <probe>.err and <probe>.exit (the exit status), plus
// <probe>.hang for a probe that timed out. fleetcheck collect --record
// writes them; the demo's simulated hosts replay them.

// ReadRecordings reads the recording directory dir of fsys.
func ReadRecordings(fsys fs.FS, dir string) (Replay, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := Replay{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".exit")
		if !ok {
			continue
		}
		read := func(ext string) []byte {
			b, _ := fs.ReadFile(fsys, path.Join(dir, name+ext))
			return b
		}
		code, err := strconv.Atoi(strings.TrimSpace(string(read(".exit"))))
		if err != nil {
			return nil, fmt.Errorf("%s/%s.exit: %w", dir, name, err)
		}
		_, hangErr := fs.Stat(fsys, path.Join(dir, name+".hang"))
		out[name] = Recording{Stdout: read(".out"), Stderr: read(".err"), ExitCode: code, Hang: hangErr == nil}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no recordings", dir)
	}
	return out, nil
}

// WriteRecordings writes recs into the existing directory dir, each file
// readable by its owner only: raw output is more than a snapshot keeps.
func WriteRecordings(dir string, recs Replay) error {
	var errs []error
	for name, rec := range recs {
		base := filepath.Join(dir, name)
		errs = append(errs, fleet.WritePrivateFile(base+".out", rec.Stdout),
			fleet.WritePrivateFile(base+".err", rec.Stderr),
			fleet.WritePrivateFile(base+".exit", []byte(strconv.Itoa(rec.ExitCode)+"\n")))
		if rec.Hang {
			errs = append(errs, fleet.WritePrivateFile(base+".hang", nil))
		}
	}
	return errors.Join(errs...)
}
