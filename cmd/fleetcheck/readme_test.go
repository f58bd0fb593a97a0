package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

var update = flag.Bool("update", false, "rewrite README.md's generated blocks (the demo example, the ssh_config keywords) and compare's demo snapshots")

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
	norm := func(s string) string { return generatedAt.ReplaceAllString(s, "generated TIME") }
	syncReadme(t, readmeBegin, readmeEnd, block, norm)
}

// syncReadme checks that README.md holds block between the markers begin
// and end (both compared through norm), or, with -update, puts it there.
func syncReadme(t *testing.T, begin, end, block string, norm func(string) string) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i, j := strings.Index(text, begin), strings.Index(text, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q", strings.TrimSpace(begin))
	}
	current := text[i+len(begin) : j]
	if norm(current) == norm(block) {
		return
	}
	if *update {
		text = text[:i+len(begin)] + block + text[j:]
		if err := os.WriteFile("../../README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md is stale between %s; run go test ./cmd/fleetcheck -run Readme -update\n--- README\n%s\n--- want\n%s",
		strings.TrimSpace(begin), current, block)
}

const (
	keywordsBegin = "<!-- ssh-config-keywords:begin -->\n"
	keywordsEnd   = "<!-- ssh-config-keywords:end -->\n"
)

// keywordsBlock renders how fleetcheck treats each ssh_config keyword,
// from the table that decides it.
func keywordsBlock() string {
	var honoured, openssh, inert, ignored []string
	why := map[string][]string{}
	var reasons []string
	for _, k := range sshconfig.Keywords() {
		name := "`" + k.Name + "`"
		switch k.Support {
		case "honoured":
			honoured = append(honoured, name)
		case "openssh":
			openssh = append(openssh, name)
		case "inert":
			inert = append(inert, name)
		case "ignored":
			ignored = append(ignored, name)
		case "warned":
			if why[k.Why] == nil {
				reasons = append(reasons, k.Why)
			}
			why[k.Why] = append(why[k.Why], name)
		}
	}
	slices.Sort(reasons)
	var b strings.Builder
	fmt.Fprintf(&b, "- **Honoured**: %s.\n", strings.Join(honoured, ", "))
	fmt.Fprintf(&b, "- **Through the system ssh** (the host uses `transport: openssh` unless the inventory names one): %s.\n",
		strings.Join(openssh, ", "))
	b.WriteString("- **Warned**:\n")
	for _, r := range reasons {
		fmt.Fprintf(&b, "  - %s: %s.\n", strings.Join(why[r], ", "), r)
	}
	fmt.Fprintf(&b, "- **No effect on a batch audit**, which never prompts or opens a terminal (no warning): %s.\n",
		strings.Join(inert, ", "))
	fmt.Fprintf(&b, "- **Ignored by OpenSSH itself**: %s.\n", strings.Join(ignored, ", "))
	return b.String()
}

// TestReadmeSSHConfig keeps README.md's ssh_config section equal to what
// the program does: the keyword list comes from the keyword table, and
// the size of the differential corpus is the number of its cases.
func TestReadmeSSHConfig(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	cases, err := filepath.Glob("../../remote/sshconfig/testdata/openssh/*")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no differential cases: %v", err)
	}
	if want := fmt.Sprintf("for each of the %d ssh_config cases", len(cases)); !strings.Contains(text, want) {
		t.Errorf("README.md does not say %q", want)
	}
	syncReadme(t, keywordsBegin, keywordsEnd, keywordsBlock(), func(s string) string { return s })
}

// TestHelpAndReadmeNameTheJSONFields: check --help and README.md name
// every field of the JSON check --explain and check print.
func TestHelpAndReadmeNameTheJSONFields(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, help, _ := runCLI(t, nil, "check", "--help")
	for _, v := range []any{explanation{}, checkLine{}} {
		rt := reflect.TypeOf(v)
		var fields []string
		for i := 0; i < rt.NumField(); i++ {
			if tag := rt.Field(i).Tag.Get("json"); tag != "" {
				fields = append(fields, tag)
			}
		}
		list := strings.Join(fields, ", ")
		if !strings.Contains(strings.Join(strings.Fields(help), " "), list) {
			t.Errorf("check --help does not list %s", list)
		}
		md := make([]string, len(fields))
		for k, f := range fields {
			md[k] = "`" + f + "`"
		}
		if !strings.Contains(string(readme), strings.Join(md, ", ")) {
			t.Errorf("README.md does not list %s", strings.Join(md, ", "))
		}
	}
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
