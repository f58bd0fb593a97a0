package ticket

import (
	"os"
	"testing"
)

func TestScratchHTML(t *testing.T) {
	rep, snaps := scenario(t, "seed")
	f, _ := os.Create("/tmp/seed.html")
	defer f.Close()
	if err := HTML(f, rep, snaps, Options{ToolVersion: "v0.1.0", Command: "fleetcheck compare -i inv.yaml"}); err != nil {
		t.Fatal(err)
	}
}
