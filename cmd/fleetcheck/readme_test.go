package main

import (
	"context"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite README.md's demo example and compare's demo snapshots")

const (
	readmeBegin = "<!-- demo-example:begin -->\n"
	readmeEnd   = "<!-- demo-example:end -->\n"
)

// generatedAt matches what legitimately changes between two demo runs.
var generatedAt = regexp.MustCompile(`generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// TestReadmeDemoExample keeps README.md's example output equal to what the
// demo prints, so that the README cannot drift from the program.
func TestReadmeDemoExample(t *testing.T) {
	code, out, stderr := runCLI(t, map[string]string{}, "demo", "--host", "mail02")
	if code != exitOK {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	block := "```text\n$ fleetcheck demo --host mail02\n" + out + "```\n"
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, readmeBegin), strings.Index(text, readmeEnd)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the demo-example markers")
	}
	current := text[i+len(readmeBegin) : j]
	norm := func(s string) string { return generatedAt.ReplaceAllString(s, "generated TIME") }
	if norm(current) == norm(block) {
		return
	}
	if *update {
		text = text[:i+len(readmeBegin)] + block + text[j:]
		if err := os.WriteFile("../../README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's demo example is stale; run go test ./cmd/fleetcheck -run Readme -update\n--- README\n%s\n--- demo\n%s", current, block)
}

// TestReadmeDocumentsEveryCommandAndFlag: every command is in README.md's
// command table and every flag of every command (read from its --help, as
// completion reads them) is named in the README.
func TestReadmeDocumentsEveryCommandAndFlag(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	flags := commandFlags(context.Background())
	for _, c := range commands() {
		if !strings.Contains(readme, "| `"+c.name) {
			t.Errorf("README.md's command table lacks %s", c.name)
		}
		for _, f := range flags[c.name] {
			if f == "--help" || f == "-h" {
				continue
			}
			if !regexp.MustCompile("`[^`]*" + regexp.QuoteMeta(f) + "([ =`\\]|]|$)").MatchString(readme) {
				t.Errorf("README.md does not document %s %s", c.name, f)
			}
		}
	}
}
