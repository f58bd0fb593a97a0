package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/remote"
)

// TestRecordIsPrivateAndMasked: collect --record keeps raw output in 0700
// directories and 0600 files, says so on stderr, and masks the secrets the
// snapshot hides.
func TestRecordIsPrivateAndMasked(t *testing.T) {
	conf := "@@fc conf /etc/MailScanner/MailScanner.conf\n@@fc file /etc/MailScanner/MailScanner.conf\n" +
		"%sqlauth% = hunter2 # the DB password\n" +
		"DB Password = %sqlauth%\n" +
		"Max Children = 5\n" +
		"Tr0ub4dor&3\n"
	ps := "  PID  PPID STAT     ELAPSED     TIME COMMAND\n" +
		"  100     1 Ss         10:00 00:00:01 MailScanner: master waiting for children --password=s3cr3tPW\n"
	inv, vars := sshFleetWith(t, replayHandler(remote.Replay{
		"mailscanner_config": {Stdout: []byte(conf)},
		"processes":          {Stdout: []byte(ps), Stderr: []byte("token: abc123def\n")},
	}))
	rec := filepath.Join(t.TempDir(), "rec")
	code, out, stderr := runCLI(t, vars, "collect", "-i", inv, "--store", t.TempDir(), "--record", rec,
		"--probes", "mailscanner_config,processes", "good")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "--record keeps the raw output") {
		t.Errorf("no warning about raw output on stderr:\n%s", stderr)
	}
	files := 0
	err := filepath.WalkDir(rec, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		} else {
			files++
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
		b, err := os.ReadFile(path)
		if err == nil {
			for _, secret := range []string{"hunter2", "s3cr3tPW", "abc123def", "Tr0ub4dor"} {
				if strings.Contains(string(b), secret) {
					t.Errorf("%s keeps the secret %q:\n%s", path, secret, b)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 6 {
		t.Errorf("%d files recorded, want the two probes' .out, .err and .exit", files)
	}
	b, _ := os.ReadFile(filepath.Join(rec, "good", "mailscanner_config.out"))
	if !strings.Contains(string(b), "Max Children = 5") {
		t.Errorf("the recording lost a plain setting:\n%s", b)
	}
}
