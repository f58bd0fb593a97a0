package main

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/fleetcheck/fleetcheck"

// labPackage starts real sshd hosts in namespaces: only the lab's own
// command may link it, never the fleetcheck binary.
const labPackage = module + "/remote/lab"

// allowedImport says whether package from may import package to, both of
// this module: the pipeline runs one way, cmd -> fleet, remote, compare;
// remote -> fleet; compare -> fleet; fleet imports nothing of ours but its
// own sub-packages, which are leaves (fleet/hosttext) and import nothing,
// but for fleet/fleettest, the test builders, which import fleet. The lab
// is for cmd/fleetlab alone.
func allowedImport(from, to string) bool {
	area := func(p string) string {
		p = strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
		first, _, _ := strings.Cut(p, "/")
		return first
	}
	f, t := area(from), area(to)
	switch {
	case t == "cmd":
		return false
	case to == labPackage:
		return from == module+"/cmd/fleetlab"
	case from == module+"/fleet/fleettest":
		return t == "fleet"
	case f == "fleet" && strings.HasPrefix(from, module+"/fleet/"):
		return false
	case f == t:
		return true
	case f == "cmd":
		return true
	case f == "remote" || f == "compare":
		return t == "fleet"
	}
	return false
}

func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, module+"/...").Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("go list: %v\n%s", err, stderr)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		for _, imp := range f[1:] {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			checked++
			if !allowedImport(f[0], imp) {
				t.Errorf("%s imports %s: not allowed by the package graph (DESIGN.md)", f[0], imp)
			}
		}
	}
	if checked == 0 {
		t.Error("no internal imports found: the check is not looking at this module")
	}
}

func TestAllowedImport(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"cmd/fleetcheck", "remote", true},
		{"remote", "fleet", true},
		{"remote/probe", "fleet", true},
		{"remote", "compare", false},
		{"compare", "remote", false},
		{"fleet", "remote", false},
		{"compare/render", "compare", true},
		{"remote", "cmd/fleetcheck", false},
		{"cmd/fleetcheck", "remote/lab", false},
		{"cmd/fleetlab", "remote/lab", true},
		{"remote", "remote/lab", false},
		{"remote/probe", "fleet/hosttext", true},
		{"compare/redact", "fleet/hosttext", true},
		{"fleet", "fleet/hosttext", true},
		{"fleet/hosttext", "fleet", false},
		{"fleet/fleettest", "fleet", true},
		{"fleet/fleettest", "compare", false},
	} {
		if got := allowedImport(module+"/"+tc.from, module+"/"+tc.to); got != tc.want {
			t.Errorf("allowedImport(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
