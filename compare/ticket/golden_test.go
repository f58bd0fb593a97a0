package ticket

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testOptions are the heading options of every golden report.
var testOptions = Options{ToolVersion: "v0.0.0-test", Command: "fleetcheck compare -i inventory.yaml"}

// TestGolden renders each scenario in both formats and compares the result
// with testdata/<scenario>.md and testdata/<scenario>.html.
func TestGolden(t *testing.T) {
	formats := []struct {
		ext    string
		render func(*bytes.Buffer, string) error
	}{
		{".md", func(b *bytes.Buffer, name string) error {
			rep, snaps := scenario(t, name)
			return Markdown(b, rep, snaps, testOptions)
		}},
		{".html", func(b *bytes.Buffer, name string) error {
			rep, snaps := scenario(t, name)
			return HTML(b, rep, snaps, testOptions)
		}},
	}
	for _, name := range []string{"seed", "clean", "injection"} {
		for _, f := range formats {
			t.Run(name+f.ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := f.render(&buf, name); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", name+f.ext)
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(buf.Bytes(), want) {
					t.Errorf("%s differs from the golden file; run go test ./compare/ticket -update and review the diff", path)
				}
			})
		}
	}
}
