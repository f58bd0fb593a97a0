package ticket

import (
	"os"
	"testing"
)

func TestScratchMD(t *testing.T) {
	rep, snaps := scenario(t, os.Getenv("SCEN"))
	Markdown(os.Stdout, rep, snaps, Options{ToolVersion: "v0.1.0", Command: "fleetcheck compare -i inv.yaml"})
}
