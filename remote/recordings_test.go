package remote

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"
)

// TestRecordingsRoundTrip: what WriteRecordings writes, ReadRecordings
// reads back byte for byte, exit status and hang included, in private files.
func TestRecordingsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	random := func() []byte {
		b := make([]byte, r.IntN(300))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		return b
	}
	for i := range 20 {
		dir := t.TempDir()
		want := Replay{}
		for j := range 1 + r.IntN(6) {
			want[string(rune('a'+j))+"_probe"] = Recording{Stdout: random(), Stderr: random(), ExitCode: r.IntN(256) - 1, Hang: r.IntN(3) == 0}
		}
		if err := WriteRecordings(dir, want); err != nil {
			t.Fatal(err)
		}
		got, err := ReadRecordings(os.DirFS(dir), ".")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("case %d: read %d recordings, wrote %d", i, len(got), len(want))
		}
		for name, w := range want {
			g := got[name]
			if !bytes.Equal(g.Stdout, w.Stdout) || !bytes.Equal(g.Stderr, w.Stderr) || g.ExitCode != w.ExitCode || g.Hang != w.Hang {
				t.Errorf("case %d: %s read back as %+v, wrote %+v", i, name, g, w)
			}
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if info, err := e.Info(); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("case %d: %s mode %v %v, want 0600", i, e.Name(), info.Mode(), err)
			}
		}
	}
	if _, err := ReadRecordings(os.DirFS(t.TempDir()), "."); err == nil {
		t.Error("an empty directory read without error")
	}
}
