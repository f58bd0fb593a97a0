package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompletionScripts(t *testing.T) {
	for shell, check := range map[string][]string{
		"bash": {"bash", "-n"},
		"zsh":  {"zsh", "-n"},
		"fish": {"fish", "--no-execute"},
	} {
		code, out, stderr := runCLI(t, nil, "completion", shell)
		if code != exitOK {
			t.Fatalf("completion %s: exit %d: %s", shell, code, stderr)
		}
		for _, want := range []string{"compare", "--baseline", "--redact", "--accept-new", "history", "--list-hosts", "--waivers"} {
			if !strings.Contains(out, strings.TrimPrefix(want, "--")) {
				t.Errorf("completion %s lacks %s", shell, want)
			}
		}
		if _, err := exec.LookPath(check[0]); err != nil {
			continue // the syntax check needs that shell
		}
		f := filepath.Join(t.TempDir(), "c")
		os.WriteFile(f, []byte(out), 0o644)
		if b, err := exec.Command(check[0], append(check[1:], f)...).CombinedOutput(); err != nil {
			t.Errorf("%s rejects the script: %v\n%s", shell, err, b)
		}
	}
	if code, _, _ := runCLI(t, nil, "completion", "tcsh"); code != exitUsage {
		t.Errorf("completion tcsh: exit %d, want %d", code, exitUsage)
	}
}
