package remote

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/semaphore"

	"github.com/fleetcheck/fleetcheck/fleet"
	"github.com/fleetcheck/fleetcheck/remote/sshconfig"
)

// OpenSSH is a connection through the system ssh binary, for what the
// native client cannot do (ProxyCommand, Match exec, GSSAPI, ...). One
// control master per host carries every Run; each Run is one
// "ssh [options] -- NAME CMD" process.
type OpenSSH struct {
	t     sshconfig.Target
	args  []string // everything before "--"
	env   []string
	sem   *semaphore.Weighted
	grace time.Duration
	sec   fleet.Security

	once sync.Once
}

var _ Conn = (*OpenSSH)(nil)

// controlDir is the private directory holding the control sockets of a
// Dialer's OpenSSH connections.
type controlDir struct {
	mu    sync.Mutex
	dir   string
	conns map[*OpenSSH]struct{}
}

func (c *controlDir) path() (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" {
		// A short path: unix socket paths are limited to about 100 bytes.
		d, err := os.MkdirTemp("", "fc")
		if err != nil {
			return "", fmt.Errorf("control directory: %w", err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return "", fmt.Errorf("control directory: %w", err)
		}
		c.dir = d
	}
	return c.dir, nil
}

func (c *controlDir) register(o *OpenSSH, add bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conns == nil {
		c.conns = map[*OpenSSH]struct{}{}
	}
	if add {
		c.conns[o] = struct{}{}
	} else {
		delete(c.conns, o)
	}
}

func (c *controlDir) close() error {
	c.mu.Lock()
	conns := c.conns
	c.conns = nil
	dir := c.dir
	c.mu.Unlock()
	for o := range conns {
		o.exit()
	}
	if dir == "" {
		return nil
	}
	return os.RemoveAll(dir)
}

// sshBinary is the ssh client run by the openssh transport.
const sshBinary = "ssh"

func (d *Dialer) connectOpenSSH(ctx context.Context, t sshconfig.Target) (Conn, error) {
	dir, err := d.openssh.path()
	if err != nil {
		return nil, err
	}
	o := &OpenSSH{t: t, sem: semaphore.NewWeighted(int64(d.opt.Sessions)), grace: d.opt.KillGrace}
	o.args = d.opensshArgs(t, dir)
	o.env = os.Environ()
	o.env = slicesDeleteEnv(o.env, "SSH_AUTH_SOCK")
	if d.opt.AgentSocket != "" {
		o.env = append(o.env, "SSH_AUTH_SOCK="+d.opt.AgentSocket)
	}
	policy := effectivePolicy(d.opt.Policy, t.StrictHostKeyChecking)
	o.sec.InsecureHostKey = policy == Insecure

	timeout := t.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	// Start the control master with a no-op command. Its stderr goes to a
	// file, not a pipe: the backgrounded master must not hold a pipe that
	// exec.Cmd would wait for.
	errf, err := os.CreateTemp(dir, "err")
	if err != nil {
		return nil, fmt.Errorf("openssh: %w", err)
	}
	defer os.Remove(errf.Name())
	defer errf.Close()
	cctx, cancel := context.WithTimeout(ctx, timeout+5*time.Second)
	defer cancel()
	// LogLevel DEBUG1 on this first command only: its kex lines tell which
	// algorithms and host key were used.
	args := append([]string{"-o", "LogLevel=DEBUG1"}, o.args...)
	cmd := exec.CommandContext(cctx, sshBinary, append(args, "--", o.alias(), "exit 0")...)
	cmd.Env = o.env
	cmd.Stderr = errf
	cmd.WaitDelay = 2 * time.Second
	runErr := cmd.Run()
	stderr, _ := os.ReadFile(errf.Name())
	if runErr != nil {
		if cctx.Err() != nil && ctx.Err() == nil {
			return nil, &DialError{Addr: t.Addr(), Timeout: true, Err: fmt.Errorf("ssh: no answer within %s", timeout)}
		}
		if ctx.Err() != nil {
			return nil, &DialError{Addr: t.Addr(), Err: context.Cause(ctx)}
		}
		if e := classifyOpenSSH(t, stderr); e != nil {
			return nil, e
		}
		return nil, fmt.Errorf("ssh: %w: %s", runErr, lastLines(stderr, 3))
	}
	o.sec = parseOpenSSHDebug(stderr, o.sec)
	d.openssh.register(o, true)
	return o, nil
}

var (
	kexLineRE    = regexp.MustCompile(`(?m)^debug1: kex: (algorithm|host key algorithm): (\S+)`)
	cipherLineRE = regexp.MustCompile(`(?m)^debug1: kex: \S+ cipher: (\S+) MAC: (\S+)`)
	hostKeyRE    = regexp.MustCompile(`(?m)^debug1: Server host key: \S+ (SHA256:\S+)`)
)

// parseOpenSSHDebug reads ssh's debug output for what the native
// transport records directly: the host key fingerprint, a key added on
// first use, and the insecure algorithms negotiated.
func parseOpenSSHDebug(stderr []byte, sec fleet.Security) fleet.Security {
	s := string(stderr)
	if m := hostKeyRE.FindStringSubmatch(s); m != nil {
		sec.HostKeyFingerprint = m[1]
	}
	sec.HostKeyAdded = strings.Contains(s, "Permanently added")
	var names []string
	for _, m := range kexLineRE.FindAllStringSubmatch(s, -1) {
		names = append(names, m[2])
	}
	for _, m := range cipherLineRE.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1], m[2])
	}
	for _, n := range names {
		if insecureName(n) && !slices.Contains(sec.LegacyAlgorithms, n) {
			sec.LegacyAlgorithms = append(sec.LegacyAlgorithms, n)
		}
	}
	return sec
}

// insecureName reports whether an OpenSSH algorithm name is one reports
// should flag: those x/crypto calls insecure, and what OpenSSH has that
// x/crypto never implemented (other CBC modes, arcfour, MD5 MACs, DSA).
func insecureName(n string) bool {
	ins := ssh.InsecureAlgorithms()
	for _, l := range [][]string{ins.KeyExchanges, ins.Ciphers, ins.MACs, ins.HostKeys} {
		if slices.Contains(l, n) {
			return true
		}
	}
	return strings.HasSuffix(n, "-cbc") || strings.HasPrefix(n, "arcfour") ||
		strings.HasPrefix(n, "hmac-md5") || strings.HasPrefix(n, "ssh-dss") || n == "rijndael-cbc@lysator.liu.se"
}

// opensshArgs builds the ssh options for t. ssh resolves the alias
// itself, through the same ssh_config (-F, when the inventory names one);
// the options add only what the inventory sets (t.Preset: user, port,
// address, identity file, known_hosts, legacy algorithms) and the host key
// policy of the command line, plus what fleetcheck always wants: batch
// mode (never a prompt), nothing forwarded, no remote command or tty of
// ssh_config's, and a control master in dir that carries every Run.
func (d *Dialer) opensshArgs(t sshconfig.Target, dir string) []string {
	var a []string
	if t.SSHConfigFile != "" {
		a = append(a, "-F", t.SSHConfigFile)
	}
	a = append(a,
		"-o", "BatchMode=yes",
		"-o", "ForwardAgent=no",
		"-o", "ForwardX11=no",
		"-o", "ClearAllForwardings=yes",
		"-o", "RemoteCommand=none",
		"-o", "RequestTTY=no",
		"-o", "ControlMaster=auto",
		"-o", "ControlPersist=60",
		"-o", "ControlPath="+dir+"/%C",
		"-o", "LogLevel=ERROR",
	)
	p := t.Preset
	if p.HostName != "" {
		a = append(a, "-o", "HostName="+p.HostName)
	}
	if p.Port != 0 {
		a = append(a, "-p", strconv.Itoa(p.Port))
	}
	if p.User != "" {
		a = append(a, "-l", p.User)
	}
	for _, f := range p.IdentityFiles {
		a = append(a, "-i", f)
	}
	if p.Jump != "" {
		a = append(a, "-J", p.Jump)
	}
	files := p.UserKnownHostsFiles
	switch effectivePolicy(d.opt.Policy, t.StrictHostKeyChecking) {
	case Insecure:
		a = append(a, "-o", "StrictHostKeyChecking=no")
		files = []string{"/dev/null"}
	case AcceptNew:
		a = append(a, "-o", "StrictHostKeyChecking=accept-new", "-o", "HashKnownHosts=yes")
	}
	if len(files) > 0 {
		q := make([]string, len(files))
		for i, f := range files {
			q[i] = `"` + f + `"`
		}
		a = append(a, "-o", "UserKnownHostsFile="+strings.Join(q, " "))
	}
	if t.LegacyAlgorithms {
		a = append(a,
			"-o", "KexAlgorithms=+diffie-hellman-group14-sha1,diffie-hellman-group-exchange-sha1,diffie-hellman-group1-sha1",
			"-o", "Ciphers=+aes128-cbc,3des-cbc",
			"-o", "HostKeyAlgorithms=+ssh-rsa",
			"-o", "PubkeyAcceptedAlgorithms=+ssh-rsa")
	}
	return a
}

func (o *OpenSSH) alias() string {
	if o.t.Name != "" {
		return o.t.Name
	}
	return o.t.HostName
}

// Security reports the weakened settings the connection used.
func (o *OpenSSH) Security() fleet.Security { return o.sec }

// Run runs c.Cmd through the control master. When ctx ends, the local ssh
// process is killed, which closes its channel on the master.
func (o *OpenSSH) Run(ctx context.Context, c Command) (Exit, error) {
	if err := o.sem.Acquire(ctx, 1); err != nil {
		return Exit{Code: -1, TimedOut: true, Step: "waiting for a free session"}, nil
	}
	defer o.sem.Release(1)
	cmd := exec.Command(sshBinary, append(o.args, "--", o.alias(), c.Cmd)...)
	cmd.Env = o.env
	if len(c.Stdin) > 0 {
		cmd.Stdin = bytes.NewReader(c.Stdin)
	}
	tail := &tailBuffer{max: 8 << 10}
	cmd.Stdout = c.Stdout
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	cmd.Stderr = tail
	if c.Stderr != nil {
		cmd.Stderr = io.MultiWriter(c.Stderr, tail)
	}
	exit, err := runProcess(ctx, cmd, o.grace)
	if err != nil {
		return exit, fmt.Errorf("ssh: %w", err)
	}
	// ssh exits 255 on its own errors, but a remote command may too: only
	// stderr that reads like ssh's own messages makes it a transport error.
	if exit.Code == 255 && !exit.TimedOut {
		if e := classifyOpenSSH(o.t, tail.bytes()); e != nil {
			return Exit{Code: -1}, e
		}
	}
	return exit, nil
}

// Close stops the control master (ssh -O exit).
func (o *OpenSSH) Close() error {
	o.exit()
	return nil
}

func (o *OpenSSH) exit() {
	o.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		args := append(append([]string(nil), o.args...), "-O", "exit", "--", o.alias())
		cmd := exec.CommandContext(ctx, sshBinary, args...)
		cmd.Env = o.env
		cmd.WaitDelay = time.Second
		_ = cmd.Run() // no master (already gone) is fine
	})
}

var (
	offendingRE   = regexp.MustCompile(`Offending \S+ key in (\S+):(\d+)`)
	fingerprintRE = regexp.MustCompile(`SHA256:[A-Za-z0-9+/=]+`)
	theirOfferRE  = regexp.MustCompile(`no matching (key exchange method|cipher|MAC|host key type) found\. Their offer: (\S+)`)
)

// classifyOpenSSH maps ssh's own error messages to the typed errors of
// the native transport, or returns nil.
func classifyOpenSSH(t sshconfig.Target, stderr []byte) error {
	s := string(stderr)
	addr, khAddr := t.Addr(), t.KnownHostsAddr()
	file := ""
	if len(t.KnownHostsFiles) > 0 {
		file = t.KnownHostsFiles[0]
	}
	fp := fingerprintRE.FindString(s)
	switch {
	case strings.Contains(s, "REMOTE HOST IDENTIFICATION HAS CHANGED"):
		e := &HostKeyError{Problem: KeyChanged, Addr: khAddr, Fingerprint: fp, File: file}
		if m := offendingRE.FindStringSubmatch(s); m != nil {
			e.File = m[1]
			e.Line, _ = strconv.Atoi(m[2])
		}
		e.Fix = fixChanged(khAddr, addr, e.File)
		return e
	case strings.Contains(s, "REVOKED HOST KEY") || strings.Contains(s, "is marked as revoked"):
		return &HostKeyError{Problem: KeyRevoked, Addr: khAddr, Fingerprint: fp}
	case strings.Contains(s, "Host key verification failed"):
		return &HostKeyError{Problem: KeyUnknown, Addr: khAddr, Fingerprint: fp, File: file, Fix: fixUnknown(khAddr, addr, file)}
	case strings.Contains(s, "Permission denied"):
		return &AuthError{User: t.User, Addr: addr, Err: errors.New(lastLines(stderr, 1))}
	}
	if m := theirOfferRE.FindStringSubmatch(s); m != nil {
		what := map[string]string{"key exchange method": "key exchange", "cipher": "cipher", "MAC": "MAC", "host key type": "host key"}[m[1]]
		return &AlgorithmError{Addr: addr, What: what, Offered: strings.Split(m[2], ","), Legacy: t.LegacyAlgorithms,
			Err: errors.New(lastLines(stderr, 1))}
	}
	for _, p := range []string{"Connection refused", "Connection timed out", "Operation timed out", "No route to host",
		"Could not resolve hostname", "Connection closed by", "Connection reset", "kex_exchange_identification",
		"Network is unreachable", "banner exchange"} {
		if strings.Contains(s, p) {
			return &DialError{Addr: addr, Timeout: strings.Contains(p, "timed out") || p == "banner exchange",
				Err: errors.New(lastLines(stderr, 1))}
		}
	}
	return nil
}

// lastLines returns the last n non-empty lines of b, joined by "; ".
func lastLines(b []byte, n int) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.Join(out, "; ")
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (w *tailBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailBuffer) bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return bytes.Clone(w.buf)
}

func slicesDeleteEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, name+"=") {
			out = append(out, e)
		}
	}
	return out
}
