package lab_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// capturesDir holds what the real MailScanner releases printed on each lab
// profile (remote/lab/capture/README.md): VERSION/PROFILE/{v,lint}.{stdout,
// stderr,exit}.
const capturesDir = "testdata/captures"

// flavours maps each captured release to the lab flavour whose stand-in
// plays it.
var flavours = map[string]string{"4.84.3": lab.FlavourV4, "5.5.3": lab.FlavourV5}

// normalisers make the parts of the output that differ from run to run or
// machine to machine the same; each is documented in
// remote/lab/capture/README.md. Nothing else is normalised.
var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	// uname -a: host name, kernel release and build of the machine.
	{regexp.MustCompile(`(?m)^Linux \S+ .*$`), "Linux HOST KERNEL"},
	// The phishing lists the release ships; the stand-in has none.
	{regexp.MustCompile(`Read \d+ hostnames from the phishing`), "Read N hostnames from the phishing"},
	// clamav-wrapper's mktemp name, libclamav's time stamp and random suffix.
	{regexp.MustCompile(`/tmp\.[A-Za-z0-9]{10}/\d{8}_\d{6}-scantemp\.[0-9a-f]{10}\.`), "/tmp.XXXXXXXXXX/DATE_TIME-scantemp.XXXXXXXXXX."},
	// How long the capture waited before calling a lint hung.
	{regexp.MustCompile(`^hung after \d+s;`), "hung;"},
	// Process ids.
	{regexp.MustCompile(`\[\d+\]`), "[PID]"},
}

func normalise(s string) string {
	for _, n := range normalisers {
		s = n.re.ReplaceAllString(s, n.with)
	}
	return s
}

// captured lists the releases and profiles in capturesDir.
func captured(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	versions, err := os.ReadDir(capturesDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range versions {
		if _, ok := flavours[v.Name()]; !ok {
			t.Fatalf("%s/%s: no lab flavour plays MailScanner %s", capturesDir, v.Name(), v.Name())
		}
		profiles, err := os.ReadDir(filepath.Join(capturesDir, v.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range profiles {
			out[v.Name()] = append(out[v.Name()], p.Name())
		}
	}
	return out
}

// TestCapturesComplete checks that every release has a capture of every
// profile that differs for MailScanner, each with all six files.
func TestCapturesComplete(t *testing.T) {
	got := captured(t)
	if len(got) != len(flavours) {
		t.Errorf("captured releases %v, want %d", got, len(flavours))
	}
	for version, profiles := range got {
		for _, want := range []string{lab.ProfileGood, lab.ProfileSeed, lab.ProfileShadow, lab.ProfileRPM,
			lab.ProfileHang, lab.ProfileConfig, lab.ProfileLintDies, lab.ProfileDiskFull, lab.ProfileDNS, lab.ProfileMemory} {
			if !contains(profiles, want) {
				t.Errorf("%s: no capture of profile %s", version, want)
			}
		}
		for _, p := range profiles {
			for _, f := range []string{"v.stdout", "v.stderr", "v.exit", "lint.stdout", "lint.stderr", "lint.exit"} {
				if _, err := os.Stat(filepath.Join(capturesDir, version, p, f)); err != nil {
					t.Errorf("%s/%s: %v", version, p, err)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// standInRun runs the stand-in on a lab host as the capture script ran the
// real program: root, a clean environment, the C locale, no stdin, cwd /.
// A lint still running after 40 seconds (a dead resolver makes a healthy
// one wait 15) gets SIGHUP, then SIGTERM, then SIGKILL, and its exit reads
// like the capture's. The output is kept in /run: /tmp may be full.
const standInRun = `d=$(mktemp -d /run/fleetlab-fidelity.XXXXXX)
r() { (cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root /usr/sbin/MailScanner "$@" </dev/null); }
r -v >$d/v.stdout 2>$d/v.stderr; echo $? >$d/v.exit
(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C HOME=/root /usr/sbin/MailScanner --lint </dev/null) >$d/lint.stdout 2>$d/lint.stderr &
pid=$!; i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 80 ]; do sleep 0.5; i=$((i+1)); done
if kill -0 $pid 2>/dev/null; then
  kill -HUP $pid; sleep 1; hup=survived; kill -0 $pid 2>/dev/null || hup=ended
  kill -TERM $pid 2>/dev/null; sleep 1; term=survived; kill -0 $pid 2>/dev/null || term=ended
  kill -KILL $pid 2>/dev/null; wait $pid
  echo "hung; SIGHUP: $hup; SIGTERM: $term" >$d/lint.exit
else
  wait $pid; echo $? >$d/lint.exit
fi
for f in v.stdout v.stderr v.exit lint.stdout lint.stderr lint.exit; do
  printf '@@file %s %s\n' $f $(wc -c <$d/$f); cat $d/$f
done
rm -rf $d`

// parseFiles splits standInRun's output into its files.
func parseFiles(out string) (map[string]string, error) {
	files := map[string]string{}
	for out != "" {
		nl := strings.IndexByte(out, '\n')
		if nl < 0 {
			return nil, fmt.Errorf("truncated header %q", out)
		}
		f := strings.Fields(out[:nl])
		if len(f) != 3 || f[0] != "@@file" {
			return nil, fmt.Errorf("bad header %q", out[:nl])
		}
		n, err := strconv.Atoi(f[2])
		if err != nil || nl+1+n > len(out) {
			return nil, fmt.Errorf("bad length in %q", out[:nl])
		}
		files[f[1]] = out[nl+1 : nl+1+n]
		out = out[nl+1+n:]
	}
	return files, nil
}

// TestStandInFidelity starts one lab host per captured release and profile,
// runs the stand-in there and compares its -v and --lint (stdout, stderr,
// exit) with the real release's capture, after normalise.
func TestStandInFidelity(t *testing.T) {
	requireLab(t)
	caps := captured(t)
	var versions []string
	for v := range caps {
		versions = append(versions, v)
	}
	sort.Strings(versions)
	type target struct{ version, profile string }
	var profiles []string
	var targets []target
	for _, v := range versions {
		for _, p := range caps[v] {
			profiles = append(profiles, p+":"+flavours[v])
			targets = append(targets, target{v, p})
		}
	}
	dir, err := os.MkdirTemp("/var/tmp", "fleetlab-fidelity-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	l, err := lab.Start(ctx, lab.Config{Dir: dir, Profiles: profiles, EndWithCaller: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Stop() })
	for i, tg := range targets {
		h := l.Hosts[i]
		t.Run(tg.version+"/"+tg.profile, func(t *testing.T) {
			t.Parallel()
			if h.MailScanner != tg.version {
				t.Fatalf("host %s plays MailScanner %q, want %s", h.Name, h.MailScanner, tg.version)
			}
			cmd := standInRun
			if h.User != "root" {
				cmd = "sudo -n sh -c '" + strings.ReplaceAll(standInRun, "'", `'\''`) + "'"
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			out, err := exec.CommandContext(ctx, "ssh", "-F", l.SSHConfig, h.Name, cmd).Output()
			if err != nil {
				t.Fatalf("ssh %s: %v", h.Name, err)
			}
			files, err := parseFiles(string(out))
			if err != nil {
				t.Fatalf("%s: %v", h.Name, err)
			}
			for _, f := range []string{"v.stdout", "v.stderr", "v.exit", "lint.stdout", "lint.stderr", "lint.exit"} {
				want, err := os.ReadFile(filepath.Join(capturesDir, tg.version, tg.profile, f))
				if err != nil {
					t.Fatal(err)
				}
				if g, w := normalise(files[f]), normalise(string(want)); g != w {
					t.Errorf("%s differs from the real MailScanner %s on %s (-real +stand-in):\n%s", f, tg.version, tg.profile, cmp.Diff(w, g))
				}
			}
		})
	}
}
