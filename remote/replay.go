package remote

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"time"
)

// Recording is one probe's raw result as recorded on a real host.
type Recording struct {
	Stdout, Stderr []byte
	ExitCode       int
	// Hang makes the replay hold the probe until its deadline, as a hung
	// command under the watchdog would, and then report a timeout.
	Hang bool
}

// Replay answers batches from recordings keyed by probe name, in process:
// it is the Runner of a simulated host.
type Replay map[string]Recording

// Run answers c's batch script as a host that printed the recordings would.
func (r Replay) Run(ctx context.Context, c Command) (Exit, error) {
	stdout, stderr := c.Stdout, c.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	code := ReplayBatch(ctx, c.Stdin, stdout, stderr, func(probe string) (Recording, bool) {
		rec, ok := r[probe]
		return rec, ok
	})
	return Exit{Code: code}, nil
}

var (
	replayBegin = regexp.MustCompile(`@@fleetcheck-([0-9a-f]+) begin ([a-z0-9_]+)\\n'; printf`)
	replayRun   = regexp.MustCompile(`(?m)^fc_run (\d+) `)
)

// ReplayBatch answers a batch script sent by Collect the way a host would,
// from recorded outputs instead of running anything: it is what the demo's
// simulated hosts run. answer returns the recording for a probe name; a
// probe without one fails as a missing command would. It returns the exit
// status of the batch shell.
func ReplayBatch(ctx context.Context, script []byte, stdout, stderr io.Writer, answer func(probe string) (Recording, bool)) int {
	begins := replayBegin.FindAllSubmatch(script, -1)
	runs := replayRun.FindAllSubmatch(script, -1)
	for i, b := range begins {
		nonce, name := string(b[1]), string(b[2])
		m := markerPrefix(nonce)
		secs := 60
		if i < len(runs) {
			secs, _ = strconv.Atoi(string(runs[i][1]))
		}
		fmt.Fprintf(stdout, "\n%sbegin %s\n", m, name)
		fmt.Fprintf(stderr, "\n%sbegin %s\n", m, name)
		rec, ok := answer(name)
		code, timedOut := rec.ExitCode, 0
		switch {
		case !ok:
			fmt.Fprintf(stderr, "sh: 1: %s: not found\n", name)
			code = 127
		case rec.Hang:
			_, _ = stdout.Write(rec.Stdout)
			_, _ = stderr.Write(rec.Stderr)
			t := time.NewTimer(time.Duration(secs) * time.Second)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return 143
			}
			code, timedOut = 143, 1
		default:
			_, _ = stdout.Write(rec.Stdout)
			_, _ = stderr.Write(rec.Stderr)
		}
		fmt.Fprintf(stdout, "\n%send %s %d %d\n", m, name, code, timedOut)
		fmt.Fprintf(stderr, "\n%send %s %d %d\n", m, name, code, timedOut)
	}
	return 0
}
