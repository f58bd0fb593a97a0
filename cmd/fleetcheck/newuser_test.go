package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// newUser is the unprivileged account the new-user test runs as.
const newUser = "fcnewuser"

// TestE2ENewUser walks a new user's path from README.md: as an unprivileged
// user, on a clean checkout, it runs exactly the README's two commands, then
// the quick start against the lab, and checks each does what the README says.
func TestE2ENewUser(t *testing.T) {
	l, _ := needLab(t)
	for _, tool := range []string{"runuser", "useradd", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("new-user path needs %s", tool)
		}
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	demoCmd, testCmd := readmeCommands(t, string(readme))

	home, err := os.MkdirTemp("/var/tmp", "fleetcheck-newuser-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	if _, err := user.Lookup(newUser); err != nil {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/bin/sh", newUser).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
	}
	// The user's home is this directory, in the passwd database as in
	// $HOME: ssh (and so fleetcheck) finds ~/.ssh/config through the
	// passwd entry.
	if out, err := exec.Command("usermod", "--home", home, newUser).CombinedOutput(); err != nil {
		t.Fatalf("usermod: %v\n%s", err, out)
	}
	// A clean checkout of the committed tree, handed to the new user.
	top, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	checkout := filepath.Join(home, "fleetcheck")
	if out, err := exec.Command("git", "clone", "--quiet", top, checkout).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	chown(t, home)

	// 1. The demo command: it must explain the seed's box.
	out := as(t, home, checkout, "sh", "-c", demoCmd)
	for _, want := range []string{"tmp-noexec", "perl-module-missing", "Mail::SpamAssassin", "baseline"} {
		if !strings.Contains(out, want) {
			t.Errorf("README demo command output lacks %q:\n%s", want, out)
		}
	}
	// 2. The test command: it must pass (the lab parts skip without root).
	out = as(t, home, checkout, "sh", "-c", testCmd)
	if strings.Contains(out, "FAIL") {
		t.Errorf("README test command failed as a user:\n%s", out)
	}

	// 3. The quick start against the lab: the user's own ssh_config, key and
	// known_hosts, and the README's three-line inventory.
	ssh := filepath.Join(home, ".ssh")
	os.MkdirAll(ssh, 0o700)
	key, _ := os.ReadFile(l.ClientKey)
	os.WriteFile(filepath.Join(ssh, "id_lab"), key, 0o600)
	kh, _ := os.ReadFile(l.KnownHosts)
	os.WriteFile(filepath.Join(ssh, "known_hosts"), kh, 0o600)
	var cfg strings.Builder
	for _, h := range l.Hosts {
		fmt.Fprintf(&cfg, "Host %s\n  HostName %s\n  Port %d\n", h.Name, strings.Split(h.Address, ":")[0], h.Port)
	}
	fmt.Fprintf(&cfg, "Host *\n  User root\n  IdentityFile %s\n  IdentitiesOnly yes\n", filepath.Join(ssh, "id_lab"))
	os.WriteFile(filepath.Join(ssh, "config"), []byte(cfg.String()), 0o600)
	inv := filepath.Join(home, "inventory.yaml")
	os.WriteFile(inv, []byte(fmt.Sprintf("baseline: %s\ndefaults: {user: root}\nhosts: [%s, %s, %s]\n",
		lab.ProfileGood, lab.ProfileGood, lab.ProfileSeed, lab.ProfileShadow)), 0o644)
	chown(t, home)
	bin := filepath.Join(home, "fleetcheck-bin")
	as(t, home, checkout, "go", "build", "-o", bin, "./cmd/fleetcheck")

	out = as(t, home, home, bin, "check", "-i", inv)
	if !strings.Contains(out, "3 of 3 hosts ready") {
		t.Errorf("quick start: fleetcheck check:\n%s", out)
	}
	code, out := asCode(t, home, home, bin, "compare", "-i", inv)
	if code != exitDiffers {
		t.Errorf("quick start: fleetcheck compare exit %d, want %d\n%s", code, exitDiffers, out)
	}
	for _, want := range []string{"tmp-noexec", "perl-module-shadowed"} {
		if !strings.Contains(out, want) {
			t.Errorf("quick start: compare output lacks %q:\n%s", want, out)
		}
	}
}

// readmeCommands returns the two commands in README.md's first code block.
func readmeCommands(t *testing.T, readme string) (demo, test string) {
	t.Helper()
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindStringSubmatch(readme)
	if block == nil {
		t.Fatal("README.md has no sh block")
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(block[1]), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	if len(cmds) != 2 || !strings.Contains(cmds[0], "demo") || !strings.Contains(cmds[1], "test") {
		t.Fatalf("README.md's first block should hold exactly the demo and test commands, got %q", cmds)
	}
	return cmds[0], cmds[1]
}

// chown gives the new user everything under dir.
func chown(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("chown", "-R", newUser, dir).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v\n%s", err, out)
	}
}

// as runs a command as the new user and fails the test if it fails.
func as(t *testing.T, home, dir string, args ...string) string {
	t.Helper()
	code, out := asCode(t, home, dir, args...)
	if code != 0 {
		t.Fatalf("as %s: %v: exit %d\n%s", newUser, args, code, out)
	}
	return out
}

func asCode(t *testing.T, home, dir string, args ...string) (int, string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	env := []string{"HOME=" + home, "USER=" + newUser, "PATH=" + filepath.Dir(goBin) + ":/usr/bin:/bin:/usr/sbin:/sbin",
		"GOPROXY=" + os.Getenv("GOPROXY"), "GOFLAGS=" + os.Getenv("GOFLAGS"), "LANG=C"}
	cmd := exec.Command("runuser", append([]string{"-u", newUser, "--", "env", "-i"}, append(env, args...)...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatalf("as %s: %v: %v", newUser, args, err)
	}
	return 0, string(out)
}
