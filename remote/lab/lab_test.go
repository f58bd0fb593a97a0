package lab_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/lab"
)

// requireLab skips when this machine cannot run the lab, except in CI
// (CI=true), where the lab is mandatory and its absence fails the test.
func requireLab(t *testing.T) {
	t.Helper()
	err := lab.Available()
	if err == nil {
		if _, lerr := exec.LookPath("ssh"); lerr != nil {
			err = errors.New("the lab tests need the ssh client (openssh-client)")
		}
	}
	if err == nil && testing.Short() && os.Getenv("CI") != "true" {
		err = errors.New("lab test skipped in -short mode")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("lab unavailable in CI: %v", err)
		}
		t.Skipf("lab unavailable: %v", err)
	}
}

// sshResult is one ssh run against a lab host.
type sshResult struct {
	stdout, stderr string
	code           int
}

func sshRun(t *testing.T, l *lab.Lab, host, command string, opts ...string) sshResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"-F", l.SSHConfig}, opts...)
	args = append(args, host, command)
	cmd := exec.CommandContext(ctx, "ssh", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("ssh %s %q: %v", host, command, err)
	}
	return sshResult{stdout.String(), stderr.String(), code}
}

// mustSSH runs a command that has to succeed.
func mustSSH(t *testing.T, l *lab.Lab, host, command string) string {
	t.Helper()
	r := sshRun(t, l, host, command)
	if r.code != 0 {
		t.Fatalf("ssh %s %q: exit %d, stderr: %s", host, command, r.code, r.stderr)
	}
	return r.stdout
}

func hostByProfile(t *testing.T, l *lab.Lab, profile string) lab.Host {
	t.Helper()
	for _, h := range l.Hosts {
		if h.Profile == profile {
			return h
		}
	}
	t.Fatalf("no host of profile %s", profile)
	return lab.Host{}
}

func labDir(t *testing.T) string {
	if d := os.Getenv("FLEETLAB_TEST_DIR"); d != "" {
		return d
	}
	// Not t.TempDir(): that is under /tmp, which every lab host replaces.
	d, err := os.MkdirTemp("/var/lib", "fleetlab-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// vLine is "<VERSION>\t<Module>" of MailScanner -v. VERSION is printed raw:
// NetAddr::IP's is " 4.079", with a leading space.
var vLine = regexp.MustCompile(`^\s*(\S+)\t([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*)$`)

// parseV checks the layout of MailScanner -v (reference/mailscanner.md §1)
// and returns module -> version.
func parseV(t *testing.T, host, out string) map[string]string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []*regexp.Regexp{
		regexp.MustCompile(`^Running on$`),
		regexp.MustCompile(`^Linux ` + regexp.QuoteMeta(host) + ` `),
		regexp.MustCompile(`^This is Perl version \d\.\d{6} \(\d+\.\d+\.\d+\)$`),
		regexp.MustCompile(`^$`),
		regexp.MustCompile(`^This is MailScanner version 4\.84\.3$`),
		regexp.MustCompile(`^Module versions are:$`),
	}
	if len(lines) < len(want)+2 {
		t.Fatalf("%s: MailScanner -v: %d lines:\n%s", host, len(lines), out)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Fatalf("%s: MailScanner -v line %d = %q, want %s", host, i+1, lines[i], re)
		}
	}
	// The module sections: VERSION<TAB>Module lines, the required list
	// (48 names in reference/mailscanner.md) and the optional list (39).
	mods := map[string]string{}
	i := len(want)
	section := func(name string, want int) {
		n := 0
		for ; i < len(lines) && lines[i] != ""; i++ {
			m := vLine.FindStringSubmatch(lines[i])
			if m == nil {
				t.Fatalf("%s: %s module line %d = %q, want VERSION<TAB>Module", host, name, i+1, lines[i])
			}
			mods[m[2]] = m[1]
			n++
		}
		if n != want {
			t.Fatalf("%s: %d %s modules, want %d", host, n, name, want)
		}
	}
	section("required", 48)
	if i+1 >= len(lines) || lines[i+1] != "Optional module versions are:" {
		t.Fatalf("%s: no optional modules section after line %d", host, i+1)
	}
	i += 2
	section("optional", 39)
	if i != len(lines) {
		t.Fatalf("%s: %d extra lines after the optional modules", host, len(lines)-i)
	}
	return mods
}

// lockedBuffer is a bytes.Buffer safe to read while a command writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// nativeRun runs "echo ok" on h with golang.org/x/crypto/ssh, checking the
// host key against the lab's (hashed) known_hosts.
func nativeRun(l *lab.Lab, h lab.Host, algorithms *ssh.Config) (string, error) {
	b, err := os.ReadFile(l.ClientKey)
	if err != nil {
		return "", err
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		return "", err
	}
	hostKeys, err := knownhosts.New(l.KnownHosts)
	if err != nil {
		return "", err
	}
	cfg := &ssh.ClientConfig{User: h.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys, Timeout: 5 * time.Second}
	if algorithms != nil {
		cfg.Config = *algorithms
		cfg.HostKeyAlgorithms = []string{ssh.KeyAlgoRSA}
	}
	c, err := ssh.Dial("tcp", net.JoinHostPort(h.Address, strconv.Itoa(h.Port)), cfg)
	if err != nil {
		return "", err
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer sess.Close()
	out, err := sess.Output("echo ok")
	return string(out), err
}

func TestLab(t *testing.T) {
	requireLab(t)
	dir := labDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	start := time.Now()
	l, err := lab.Start(ctx, lab.Config{Dir: dir, EndWithCaller: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("lab of %d hosts up in %s", len(l.Hosts), time.Since(start).Round(time.Millisecond))
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			l.Stop()
		}
	})
	if got, want := len(l.Hosts), len(lab.Profiles()); got != want {
		t.Fatalf("%d hosts, want one per profile (%d)", got, want)
	}

	// The profile checks run in parallel; the group ends before Stop.
	t.Run("profiles", func(t *testing.T) {
		t.Run("inventory", func(t *testing.T) {
			t.Parallel()
			inv, err := fleet.LoadInventory(l.Inventory)
			if err != nil {
				t.Fatalf("inventory does not load: %v", err)
			}
			if inv.Baseline != "good" || len(inv.Hosts) != len(l.Hosts) {
				t.Errorf("baseline %q, %d hosts", inv.Baseline, len(inv.Hosts))
			}
			for _, h := range inv.Hosts {
				switch h.Name {
				case "legacy":
					if !h.LegacyAlgorithms() {
						t.Errorf("legacy: legacy_algorithms not set")
					}
				case "sudo", "sudo-password":
					if !h.Sudo() || h.Explicit.User == "" {
						t.Errorf("%s: want user and sudo, got %+v", h.Name, h.Explicit)
					}
				}
			}
		})
		t.Run("good", func(t *testing.T) {
			t.Parallel()
			if got := mustSSH(t, l, "good", "hostname"); strings.TrimSpace(got) != "good" {
				t.Errorf("hostname = %q", got)
			}
			if m := mustSSH(t, l, "good", "grep ' /tmp ' /proc/mounts"); strings.Contains(m, "noexec") {
				t.Errorf("good: /tmp is noexec: %s", m)
			}
			mustSSH(t, l, "good", "perl -MMail::SpamAssassin -e1")
			mods := parseV(t, "good", mustSSH(t, l, "good", "MailScanner -v"))
			if mods["Mail::ClamAV"] != "0.29" || mods["Mail::SpamAssassin"] == "missing" {
				t.Errorf("good: Mail::ClamAV %q, Mail::SpamAssassin %q", mods["Mail::ClamAV"], mods["Mail::SpamAssassin"])
			}
			r := sshRun(t, l, "good", "MailScanner --lint")
			if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "\nSpamAssassin reported no errors.\n") ||
				!strings.Contains(r.stderr, "\nTrying to setlogsock(unix)\n") || strings.Contains(r.stderr, "Your /tmp needs") {
				t.Errorf("good: MailScanner --lint: exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
			}
			// Each host has its own /tmp.
			mustSSH(t, l, "good", "echo x > /tmp/fleetlab-private")
			if r := sshRun(t, l, "config", "test -e /tmp/fleetlab-private"); r.code == 0 {
				t.Errorf("/tmp of good is visible on config")
			}
		})
		t.Run("seed", func(t *testing.T) {
			t.Parallel()
			if m := mustSSH(t, l, "seed", "grep ' /tmp ' /proc/mounts"); !strings.Contains(m, "noexec") {
				t.Errorf("seed: /tmp is not noexec: %s", m)
			}
			if r := sshRun(t, l, "seed", "perl -MMail::SpamAssassin -e1"); r.code == 0 {
				t.Errorf("seed: Mail::SpamAssassin loads")
			}
			mods := parseV(t, "seed", mustSSH(t, l, "seed", "MailScanner -v"))
			if mods["Mail::SpamAssassin"] != "missing" || mods["Mail::ClamAV"] != "missing" {
				t.Errorf("seed: Mail::SpamAssassin %q, Mail::ClamAV %q, want missing", mods["Mail::SpamAssassin"], mods["Mail::ClamAV"])
			}
			r := sshRun(t, l, "seed", "MailScanner --lint")
			// Real lint never tests /tmp for exec and says nothing more than
			// SA.pm's three lines when SpamAssassin does not load.
			if r.code != 0 || strings.Contains(r.stderr, "/tmp needs") || strings.Contains(r.stderr, "SpamAssassin reported") ||
				!strings.Contains(r.stderr, "\nYou want to use SpamAssassin but have not installed it. at /usr/lib/MailScanner/MailScanner/SA.pm line 177.\n") {
				t.Errorf("seed: MailScanner --lint stderr:\n%s", r.stderr)
			}
		})
		t.Run("shadow", func(t *testing.T) {
			t.Parallel()
			sitelib := strings.TrimSpace(mustSSH(t, l, "shadow", `perl -MConfig -e 'print $Config{sitelib}'`))
			path := strings.TrimSpace(mustSSH(t, l, "shadow", `perl -MArchive::Zip -e 'print $INC{"Archive/Zip.pm"}'`))
			if path != sitelib+"/Archive/Zip.pm" {
				t.Errorf("shadow: Archive::Zip from %q, want the site directory %s", path, sitelib)
			}
			if r := sshRun(t, l, "shadow", "dpkg -S "+path); r.code == 0 {
				t.Errorf("shadow: dpkg owns %s: %s", path, r.stdout)
			}
			if r := sshRun(t, l, "good", "dpkg -S "+path); r.code == 0 {
				t.Errorf("good: %s exists and is owned", path)
			}
			mods := parseV(t, "shadow", mustSSH(t, l, "shadow", "MailScanner -v"))
			if mods["Archive::Zip"] != "1.30" || mods["Net::DNS"] != "0.65" {
				t.Errorf("shadow: Archive::Zip %q, Net::DNS %q", mods["Archive::Zip"], mods["Net::DNS"])
			}
			pod := mustSSH(t, l, "shadow", `cat "$(perl -MConfig -e 'print $Config{sitearch}')/perllocal.pod"`)
			if !strings.Contains(pod, "L<Archive::Zip|Archive::Zip>") || !strings.Contains(pod, "C<VERSION: 0.65>") {
				t.Errorf("shadow: perllocal.pod:\n%s", pod)
			}
		})
		t.Run("rpm", func(t *testing.T) {
			t.Parallel()
			path := strings.TrimSpace(mustSSH(t, l, "rpm", `perl -MArchive::Zip -e 'print $INC{"Archive/Zip.pm"}'`))
			owner := strings.TrimSpace(mustSSH(t, l, "rpm", "rpm -qf "+path))
			if owner != "perl-Archive-Zip-1.30-1.noarch" {
				t.Errorf("rpm: rpm -qf %s = %q", path, owner)
			}
			packager := mustSSH(t, l, "rpm", `rpm -q --qf '%{PACKAGER}' perl-Archive-Zip perl-Net-DNS`)
			if strings.Count(packager, "Julian Field <mailscanner@ecs.soton.ac.uk>") != 2 {
				t.Errorf("rpm: packagers %q", packager)
			}
			if r := sshRun(t, l, "rpm", "rpm -V perl-Archive-Zip perl-Net-DNS mailscanner"); r.code != 0 || r.stdout != "" {
				t.Errorf("rpm: rpm -V: exit %d: %s%s", r.code, r.stdout, r.stderr)
			}
			if got := mustSSH(t, l, "rpm", "rpm -qf /usr/sbin/MailScanner"); got != "mailscanner-4.84.3-1.noarch\n" {
				t.Errorf("rpm: /usr/sbin/MailScanner owned by %q", got)
			}
			if r := sshRun(t, l, "rpm", "dpkg -S "+path); r.code == 0 {
				t.Errorf("rpm: dpkg owns %s", path)
			}
			if r := sshRun(t, l, "good", "rpm -q perl-Archive-Zip"); r.code == 0 {
				t.Errorf("good: the RPM database of rpm leaks: %s", r.stdout)
			}
		})
		t.Run("hang", func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("ssh", "-F", l.SSHConfig, "hang", "echo $$; exec MailScanner --lint")
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			rd := bufio.NewReader(stdout)
			pidLine, err := rd.ReadString('\n')
			if err != nil {
				t.Fatalf("hang: %v (%s)", err, stderr.String())
			}
			done := make(chan error, 1)
			go func() { _, err := rd.ReadString('\n'); done <- err }()
			select {
			case <-done:
				t.Errorf("hang: MailScanner --lint ended within 3s (stderr %q)", stderr.String())
			case <-time.After(3 * time.Second):
			}
			// Silent but for perl's five deprecation notices about 4.84.3's
			// modules, as the real 4.84.3 is on this perl.
			if left := regexp.MustCompile(`(?m)^Parameterless "use IO" deprecated at \S+ line \d+\.\n`).ReplaceAllString(stderr.String(), ""); left != "" {
				t.Errorf("hang: lint wrote %q", left)
			}
			// Kill the hung lint on the host (by its PID in the host's namespace).
			mustSSH(t, l, "hang", "kill -9 "+strings.TrimSpace(pidLine))
			cmd.Wait()
			if mods := parseV(t, "hang", mustSSH(t, l, "hang", "MailScanner -v")); mods["Sys::Hostname::Long"] != "1.4" {
				t.Errorf("hang: Sys::Hostname::Long %q, want the site copy 1.4", mods["Sys::Hostname::Long"])
			}
			conf := mustSSH(t, l, "hang", "grep '^Max Children' /etc/MailScanner/MailScanner.conf")
			if strings.TrimSpace(conf) == "Max Children = 5" {
				t.Errorf("hang: Max Children not raised: %s", conf)
			}
		})
		t.Run("config", func(t *testing.T) {
			t.Parallel()
			conf := mustSSH(t, l, "config", "cat /etc/MailScanner/MailScanner.conf /etc/MailScanner/conf.d/*")
			for _, want := range []string{"Max Children = 12", "Use SpamAssassin = no", "%org-name% = FleetLab",
				"include /etc/MailScanner/conf.d/*", "Password = ", "Restart Every = 7200", "Incoming Work Dir = ",
				"SpamAssassin Temporary Dir = ", "MailScanner Version Number = 4.84.3", "Virus Scanners = clamav"} {
				if !strings.Contains(conf, want) {
					t.Errorf("config: MailScanner.conf lacks %q", want)
				}
			}
			r := sshRun(t, l, "config", "MailScanner --lint")
			if !strings.Contains(r.stderr, "Reading configuration file /etc/MailScanner/conf.d/zz-local.conf\n") ||
				strings.Contains(r.stderr, "SpamAssassin reported") {
				t.Errorf("config: MailScanner --lint:\n%s", r.stderr)
			}
		})
		t.Run("legacy", func(t *testing.T) {
			t.Parallel()
			if got := mustSSH(t, l, "legacy", "echo ok"); got != "ok\n" {
				t.Errorf("legacy: %q", got)
			}
			modern := []string{"-o", "KexAlgorithms=curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256",
				"-o", "Ciphers=aes128-ctr,chacha20-poly1305@openssh.com", "-o", "HostKeyAlgorithms=ssh-ed25519,rsa-sha2-512"}
			r := sshRun(t, l, "legacy", "true", modern...)
			if r.code == 0 || !strings.Contains(r.stderr, "Unable to negotiate") {
				t.Errorf("legacy: a modern-only client: exit %d, %s", r.code, r.stderr)
			}
			// The same with golang.org/x/crypto/ssh, fleetcheck's native transport.
			h := hostByProfile(t, l, lab.ProfileLegacy)
			if _, err := nativeRun(l, h, nil); err == nil {
				t.Errorf("legacy: x/crypto/ssh with default algorithms connected")
			}
			legacy := &ssh.Config{KeyExchanges: []string{"diffie-hellman-group14-sha1"},
				Ciphers: []string{"aes128-cbc", "3des-cbc"}, MACs: []string{"hmac-sha1"}}
			if out, err := nativeRun(l, h, legacy); err != nil || out != "ok\n" {
				t.Errorf("legacy: x/crypto/ssh with legacy algorithms: %q, %v", out, err)
			}
		})
		t.Run("sudo", func(t *testing.T) {
			t.Parallel()
			if got := mustSSH(t, l, "sudo", "id -un; sudo -n id -un"); got != lab.SudoUser+"\nroot\n" {
				t.Errorf("sudo: %q", got)
			}
			r := sshRun(t, l, "sudo-password", "id -un; sudo -n true")
			if r.code == 0 || r.stdout != lab.SudoPasswordUser+"\n" || !strings.Contains(r.stderr, "a password is required") {
				t.Errorf("sudo-password: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			if b, _ := os.ReadFile("/etc/passwd"); strings.Contains(string(b), "\n"+lab.SudoUser+":x:") {
				t.Logf("note: %s also exists on this machine", lab.SudoUser)
			}
		})
		t.Run("badkey", func(t *testing.T) {
			t.Parallel()
			r := sshRun(t, l, "badkey", "true")
			if r.code != 255 || !strings.Contains(r.stderr, "Host key verification failed") {
				t.Errorf("badkey: exit %d, %s", r.code, r.stderr)
			}
		})
		t.Run("down", func(t *testing.T) {
			t.Parallel()
			h := hostByProfile(t, l, lab.ProfileDown)
			_, err := net.DialTimeout("tcp", net.JoinHostPort(h.Address, strconv.Itoa(h.Port)), 2*time.Second)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("down: dial: %v, want connection refused", err)
			}
		})
		t.Run("dead-dns", func(t *testing.T) {
			t.Parallel()
			h := hostByProfile(t, l, lab.ProfileDNS)
			if ns := mustSSH(t, l, h.Name, "sed -n 's/^nameserver //p' /etc/resolv.conf | head -1"); ns != h.Address+"\n" {
				t.Errorf("dead-dns: first nameserver %q, want %s", ns, h.Address)
			}
			// SpamAssassin's lint asks that nameserver and waits out its
			// rbl_timeout, 15 s, as the real lint does on this host.
			start := time.Now()
			r := sshRun(t, l, h.Name, "MailScanner --lint")
			if took := time.Since(start); took < 15*time.Second || r.code != 0 || !strings.Contains(r.stderr, "\nSpamAssassin reported no errors.\n") {
				t.Errorf("dead-dns: MailScanner --lint took %s (want at least 15s), exit %d:\n%s", took, r.code, r.stderr)
			}
		})
		t.Run("no-mailscanner", func(t *testing.T) {
			t.Parallel()
			name := lab.ProfileNoMailScanner
			if h := hostByProfile(t, l, name); h.MailScanner != "" {
				t.Errorf("%s: plays MailScanner %q", name, h.MailScanner)
			}
			// Neither the program nor its configuration, nor the Clam-SA
			// installer's Mail::ClamAV; good has all three.
			for _, check := range []string{"test -e /usr/sbin/MailScanner", "test -e /etc/MailScanner",
				"command -v MailScanner", "perl -MMail::ClamAV -e1"} {
				if r := sshRun(t, l, name, check); r.code == 0 {
					t.Errorf("%s: %q succeeds", name, check)
				}
				if r := sshRun(t, l, "good", check); r.code != 0 {
					t.Errorf("good: %q fails: %s", check, r.stderr)
				}
			}
			if got := mustSSH(t, l, name, "hostname; perl -MArchive::Zip -e 'print qq(ok\\n)'"); got != name+"\nok\n" {
				t.Errorf("%s: %q", name, got)
			}
		})
		t.Run("tarpit", func(t *testing.T) {
			t.Parallel()
			h := hostByProfile(t, l, lab.ProfileTarpit)
			c, err := net.DialTimeout("tcp", net.JoinHostPort(h.Address, strconv.Itoa(h.Port)), 2*time.Second)
			if err != nil {
				t.Fatalf("tarpit: dial: %v", err)
			}
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := c.Read(make([]byte, 64))
			var ne net.Error
			if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("tarpit: read %d bytes, %v; want no banner within 2s", n, err)
			}
		})
	})

	// Stop: every recorded process must be gone, and nothing may remain in
	// the hosts' namespaces.
	pids, _ := filepath.Glob(filepath.Join(dir, "run", "*.pid"))
	var recorded []int
	for _, f := range pids {
		b, _ := os.ReadFile(f)
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
			recorded = append(recorded, n)
		}
	}
	if len(recorded) < 2*(len(l.Hosts)-2) {
		t.Errorf("only %d PIDs recorded for %d hosts", len(recorded), len(l.Hosts))
	}
	stopped = true
	stopStart := time.Now()
	if err := l.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("checks done after %s, Stop took %s", stopStart.Sub(start).Round(time.Millisecond), time.Since(stopStart).Round(time.Millisecond))
	for _, pid := range recorded {
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline"); err == nil && bytes.Contains(b, []byte(dir)) {
			t.Errorf("process %d still alive after Stop: %s", pid, bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
		}
	}
	good := hostByProfile(t, l, lab.ProfileGood)
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(good.Address, strconv.Itoa(good.Port)), time.Second); err == nil {
		c.Close()
		t.Errorf("good still accepts connections after Stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "lab.json")); err == nil {
		t.Errorf("lab.json left after Stop")
	}
}

func TestConfigErrors(t *testing.T) {
	requireLab(t)
	ctx := context.Background()
	for _, cfg := range []lab.Config{
		{Dir: "/tmp/fleetlab-not-here"},
		{Dir: "/var/lib/fleetlab-never-started", Profiles: []string{"nonesuch"}},
		{Dir: "/var/lib/fleetlab-never-started", Hosts: 1, Profiles: []string{"good", "seed"}},
	} {
		if l, err := lab.Start(ctx, cfg); err == nil {
			l.Stop()
			t.Errorf("Start(%+v) succeeded", cfg)
		}
	}
	if _, err := os.Stat("/var/lib/fleetlab-never-started"); err == nil {
		t.Errorf("a refused Start created its directory")
	}
}
