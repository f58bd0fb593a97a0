package probe

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// perlPrograms are the Perl programs embedded in commands.
func perlPrograms() map[string]string {
	return map[string]string{fleet.ProbePerl: perlScript, fleet.ProbePerlModules: perlModulesProgram(), fleet.ProbeDNS: dnsScript,
		mailScannerLoads.From + " handoff": mailScannerLoadsScript}
}

// TestPerl58 greps the embedded Perl for constructs newer than 5.8 and for
// single quotes (the programs travel inside '...').
func TestPerl58(t *testing.T) {
	forbidden := map[string]*regexp.Regexp{
		"say":            regexp.MustCompile(`\bsay\b`),
		"//=":            regexp.MustCompile(`//=`),
		" // ":           regexp.MustCompile(`\s//\s`),
		"given/when":     regexp.MustCompile(`\b(given|when)\s*\(`),
		"state":          regexp.MustCompile(`\bstate\s`),
		"...":            regexp.MustCompile(`\.\.\.`),
		"use feature":    regexp.MustCompile(`use\s+(feature|v5\.|5\.01)`),
		"~~":             regexp.MustCompile(`~~`),
		"/r":             regexp.MustCompile(`s\{[^}]*\}\{[^}]*\}[a-z]*r\b|s/[^/]*/[^/]*/[a-z]*r\b`),
		"package NAME {": regexp.MustCompile(`package\s+[\w:]+\s*\{`),
	}
	for name, prog := range perlPrograms() {
		for what, re := range forbidden {
			if loc := re.FindStringIndex(prog); loc != nil {
				t.Errorf("%s: Perl 5.10+ construct %q: %q", name, what, prog[max(0, loc[0]-30):min(len(prog), loc[1]+30)])
			}
		}
		if strings.Contains(prog, "'") {
			t.Errorf("%s: single quote in a program that travels inside '...'", name)
		}
		if out, err := exec.Command("perl", "-c", "-e", prog).CombinedOutput(); err != nil {
			t.Errorf("%s: perl -c: %v\n%s", name, err, out)
		}
	}
}

// redirectRe finds output redirections and their targets.
var redirectRe = regexp.MustCompile(`\d?>>?\s*(&\d|[^\s;|&)]+)`)

// TestCommandsPOSIX checks every command for what CentOS 4/5, dash and
// bash 3 lack, and for a syntax error under dash and bash --posix.
func TestCommandsPOSIX(t *testing.T) {
	bad := map[string]*regexp.Regexp{
		"timeout":     regexp.MustCompile(`(^|[\s;|&(])timeout\s`),
		"base64":      regexp.MustCompile(`\bbase64\b`),
		"readlink -f": regexp.MustCompile(`readlink\s+-f`),
		"local":       regexp.MustCompile(`(^|[\s;])local\s+[a-z_]+=?`),
		"[[":          regexp.MustCompile(`\[\[`),
		"stat -c":     regexp.MustCompile(`\bstat\s+-c`),
		"mktemp":      regexp.MustCompile(`\bmktemp\b`),
		"tee":         regexp.MustCompile(`\btee\b`),
		"function":    regexp.MustCompile(`\bfunction\s+\w+`),
		"echo -e":     regexp.MustCompile(`echo\s+-e`),
		"$'...'":      regexp.MustCompile(`\$'`),
	}
	handoff := Probe{Name: mailScannerLoads.From + " handoff", Command: mailScannerLoads.Filter}
	for _, p := range append(All(), Custom(fleet.CustomProbe{Name: "c", Command: "uname -a"}), handoff) {
		if !strings.HasPrefix(p.Command, "LC_ALL=C; export LC_ALL\n") {
			t.Errorf("%s: command does not start with LC_ALL=C", p.Name)
		}
		sh := p.Command
		for _, prog := range perlPrograms() {
			sh = strings.ReplaceAll(sh, prog, "PERL")
		}
		for what, re := range bad {
			for _, m := range re.FindAllString(sh, -1) {
				t.Errorf("%s: %s in command: %q", p.Name, what, m)
			}
		}
		// nothing is written on the host: output goes to stdout, /dev/null or another descriptor
		for _, m := range redirectRe.FindAllStringSubmatch(sh, -1) {
			if m[1] != "/dev/null" && !strings.HasPrefix(m[1], "&") {
				t.Errorf("%s: writes to %q", p.Name, m[1])
			}
		}
		for _, shell := range [][]string{{"dash", "-n", "-c"}, {"bash", "--posix", "-n", "-c"}} {
			if out, err := exec.Command(shell[0], append(shell[1:], p.Command)...).CombinedOutput(); err != nil {
				t.Errorf("%s: %s: %v\n%s", p.Name, shell[0], err, out)
			}
		}
	}
}

// TestAllProbes checks that the built-in probes are exactly the JSON
// fields of fleet.Facts (Custom aside), in fleet.ProbeNames' order.
func TestAllProbes(t *testing.T) {
	fields := map[string]bool{}
	ft := reflect.TypeOf(fleet.Facts{})
	for i := range ft.NumField() {
		if name, _, _ := strings.Cut(ft.Field(i).Tag.Get("json"), ","); name != "custom" {
			fields[name] = true
		}
	}
	names := Names(All())
	for _, name := range names {
		if !fields[name] {
			t.Errorf("probe %s has no Facts field of that JSON name", name)
		}
	}
	for name := range fields {
		if !slices.Contains(names, name) {
			t.Errorf("Facts field %s has no probe", name)
		}
	}
	if want := fleet.ProbeNames(); !slices.Equal(names, want) {
		t.Errorf("All() = %q, want fleet.ProbeNames() %q", names, want)
	}
	for _, p := range All() {
		if p.Parse == nil || p.Command == "" {
			t.Errorf("probe %s incomplete", p.Name)
		}
	}
	if b, err := json.Marshal(fleet.Facts{}); err != nil || string(b) != "{}" {
		t.Errorf("empty facts = %s, %v", b, err)
	}
}

// TestProbesFillTheirOwnFacts parses every output in testdata/<probe> and
// checks that the probe's parser fills the Facts field of its name and no
// other. Every built-in probe needs such an output, and every directory of
// testdata belongs to a probe.
func TestProbesFillTheirOwnFacts(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	probes := map[string]Probe{}
	for _, p := range All() {
		probes[p.Name] = p
	}
	parsed := map[string]int{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		p, ok := probes[d.Name()]
		if !ok {
			t.Errorf("testdata/%s: no probe of that name", d.Name())
			continue
		}
		files, _ := filepath.Glob(filepath.Join("testdata", p.Name, "*.txt"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var f fleet.Facts
			if err := p.Parse(Result{Stdout: b}, &f); err != nil {
				continue // a case of the parser's own tests that has no facts
			}
			if got := f.Names(); !slices.Equal(got, []string{p.Name}) {
				t.Errorf("%s: probe %s filled the facts of %q", file, p.Name, got)
			}
			parsed[p.Name]++
		}
	}
	for name := range probes {
		if parsed[name] == 0 {
			t.Errorf("probe %s: no output in testdata/%s it parses", name, name)
		}
	}
}
