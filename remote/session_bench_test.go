package remote

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// chunked passes a command's output on in pieces of at most 32 kB, as
// an SSH channel delivers it.
type chunked struct{ r Runner }

func (c chunked) Run(ctx context.Context, cmd Command) (Exit, error) {
	cmd.Stdout, cmd.Stderr = chunkWriter{cmd.Stdout}, chunkWriter{cmd.Stderr}
	return c.r.Run(ctx, cmd)
}

type chunkWriter struct{ w io.Writer }

func (c chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), 32<<10)
		if _, err := c.w.Write(p[:k]); err != nil {
			return 0, err
		}
		p = p[k:]
	}
	return n, nil
}

// BenchmarkSessionDemoHost runs one session of every built-in probe
// against a demo host's recorded output (a MailScanner gateway's),
// delivered in SSH-sized pieces: the coordinator's work of splitting a
// host's output into the probes' results, parsing left out.
func BenchmarkSessionDemoHost(b *testing.B) {
	dir := filepath.Join("..", "cmd", "fleetcheck", "demodata", "good")
	all, err := ReadRecordings(os.DirFS(dir), ".")
	if err != nil {
		b.Fatal(err)
	}
	rec := Replay{}
	for _, p := range probe.All() {
		rec[p.Name] = Recording{Stdout: all[p.Name].Stdout}
	}
	s := session{probes: probe.All()}
	b.ReportAllocs()
	for b.Loop() {
		outs, err := runSession(context.Background(), chunked{rec}, s, CollectOptions{}, DefaultOutputLimit)
		if err != nil {
			b.Fatal(err)
		}
		if len(outs) != len(s.probes) || outs[0].res.ExitCode != 0 {
			b.Fatalf("outcomes: %+v", outs[0])
		}
	}
}
