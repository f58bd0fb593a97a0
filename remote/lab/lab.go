package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultDir is where the lab keeps its state when Config.Dir is empty. It
// must be outside /tmp, which every lab host replaces with its own.
const DefaultDir = "/var/lib/fleetlab"

// readyTimeout bounds the wait for all hosts to answer.
const readyTimeout = 30 * time.Second

// Config says which lab to start.
type Config struct {
	// Dir holds the lab's state: keys, per-host layers, logs, PID files,
	// cached RPMs, ssh_config, known_hosts and the inventory. Default DefaultDir.
	Dir string
	// Hosts is the number of hosts. Zero means one per profile. Hosts beyond
	// the profile list are copies of good (good-2, good-3, ...).
	Hosts int
	// Profiles lists the profile of each host in order, one entry per host
	// (see Profiles), optionally with the MailScanner flavour the host's
	// stand-in plays: "seed:v5" (FlavourV5; default FlavourV4). Default: one
	// of each profile, then good.
	Profiles []string
	// EndWithCaller makes the kernel kill the lab's processes when the
	// process that started them ends, however it ends (a test's timeout,
	// a crash): for tests, whose labs must not outlive them. Unset, a lab
	// outlives its caller, as "fleetlab up" needs.
	EndWithCaller bool
}

// Lab is a running lab.
type Lab struct {
	// Dir is the lab directory.
	Dir string
	// Inventory is the fleetcheck inventory (YAML) for the lab.
	Inventory string
	// SSHConfig is an ssh_config with one Host block per lab host.
	SSHConfig string
	// KnownHosts holds the hosts' keys (a wrong one for badkey).
	KnownHosts string
	// ClientKey is the private key every lab host accepts.
	ClientKey string
	// Hosts in start order.
	Hosts []Host

	port           int
	procs          map[int]*exec.Cmd // processes this Go process started, to reap
	tied           bool              // Config.EndWithCaller
	authorizedKeys []byte            // the client key as an authorized_keys line
}

// Host is one lab host.
type Host struct {
	// Name is the host's ssh_config alias and inventory name: the profile,
	// or profile-N for the N-th host of a profile.
	Name string
	// Profile is the profile the host plays.
	Profile string
	// Address is the host's loopback address (127.0.X.Y).
	Address string
	// Port is the SSH port, 22 unless the machine's own sshd holds *:22.
	Port int
	// User is the login user in ssh_config: root, or fcaudit / fcpass.
	User string
	// MailScanner is the version the host's MailScanner stand-in plays
	// (4.84.3 or 5.5.3, see FlavourV4 and FlavourV5); "" on a host
	// without MailScanner.
	MailScanner string `json:",omitempty"`
}

// Available reports why the lab cannot run on this machine, as one line,
// or nil when it can.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("the lab needs root (it starts sshd in mount namespaces)")
	}
	for _, bin := range []string{"/usr/sbin/sshd", "unshare", "perl", "rpm", "rpmbuild", "sudo", "hostname", "dpkg"} {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("the lab needs %s (apt-get install -y $(cat .ci/lab-packages.txt))", bin)
		}
	}
	b, err := os.ReadFile("/proc/filesystems")
	if err == nil && !strings.Contains(string(b), "overlay") {
		// The module loads on first use on most kernels; try it.
		if err := exec.Command("unshare", "--mount", "--propagation", "private", "--",
			"mount", "-t", "overlay", "probe", "-o", "lowerdir=/usr/local:/usr/local", "/usr/local").Run(); err != nil {
			return errors.New("the lab needs overlayfs in a mount namespace (unshare --mount; mount -t overlay failed)")
		}
	}
	if err := exec.Command("unshare", "--mount", "--uts", "--pid", "--fork", "--propagation", "private", "--", "true").Run(); err != nil {
		return fmt.Errorf("the lab needs mount, UTS and PID namespaces (unshare failed: %v)", err)
	}
	return nil
}

// Start sets up and starts a lab. On error, whatever was started is stopped.
// A second Start in the same directory while a lab runs there fails.
func Start(ctx context.Context, cfg Config) (_ *Lab, err error) {
	if err := Available(); err != nil {
		return nil, err
	}
	dir := cfg.Dir
	if dir == "" {
		dir = DefaultDir
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if dir == "/tmp" || strings.HasPrefix(dir, "/tmp/") {
		return nil, fmt.Errorf("lab directory %s is under /tmp, which every lab host replaces with its own: use e.g. %s", dir, DefaultDir)
	}
	profiles, err := hostProfiles(cfg)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{dir, filepath.Join(dir, "run"), filepath.Join(dir, "bin"), filepath.Join(dir, "client")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if old, err := Load(dir); err == nil {
		if old.running() {
			return nil, fmt.Errorf("a lab is already running in %s: stop it first (fleetlab down -dir %s)", dir, dir)
		}
		old.stop()
	}
	stopStale(dir)

	l := &Lab{
		Dir:        dir,
		Inventory:  filepath.Join(dir, "inventory.yaml"),
		SSHConfig:  filepath.Join(dir, "ssh_config"),
		KnownHosts: filepath.Join(dir, "known_hosts"),
		ClientKey:  filepath.Join(dir, "client", "id_rsa"),
		procs:      map[int]*exec.Cmd{},
		tied:       cfg.EndWithCaller,
	}
	defer func() {
		if err != nil {
			l.stop()
		}
	}()

	perl, err := probePerl(ctx)
	if err != nil {
		return nil, err
	}
	clientPub, err := keyPair(l.ClientKey, "rsa", "fleetlab-client")
	if err != nil {
		return nil, fmt.Errorf("client key: %w", err)
	}
	l.authorizedKeys = []byte(authorizedLine(clientPub) + " fleetlab-client\n")
	// Old module copies and their RPMs (cached in the lab directory), before
	// taking the machine-wide lock below: this is the slow part of a first start.
	stages := map[string]*staged{}
	copies := map[string]oldCopy{}
	needRPM := map[string]bool{}
	for _, entry := range profiles {
		name, _, _ := splitProfile(entry)
		p, _ := profileFor(name)
		for _, c := range p.copies {
			copies[c.dist] = c
		}
		for _, c := range p.rpms {
			copies[c.dist] = c
			needRPM[c.dist] = true
			needRPM[mailScannerRPM] = true
		}
	}
	var mu sync.Mutex
	var jobs []func() error
	if needRPM[mailScannerRPM] {
		jobs = append(jobs, func() error {
			s, err := stageMailScanner(filepath.Join(dir, "cache"))
			if err == nil {
				err = buildRPM(ctx, s)
			}
			mu.Lock()
			stages[mailScannerRPM] = s
			mu.Unlock()
			return err
		})
	}
	for dist, c := range copies {
		dist, c := dist, c
		jobs = append(jobs, func() error {
			s, err := stageCopy(ctx, filepath.Join(dir, "cache"), perl, c)
			if err != nil {
				return err
			}
			if needRPM[dist] {
				if err := buildRPM(ctx, s); err != nil {
					return err
				}
			}
			mu.Lock()
			stages[dist] = s
			mu.Unlock()
			return nil
		})
	}
	if err := parallel(jobs); err != nil {
		return nil, err
	}

	// Hold the machine-wide allocation lock from choosing addresses until
	// every host listens, so that labs starting at once pick different blocks.
	release, err := lockAllocation(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	port, addrs, err := allocate(dir, len(profiles))
	if err != nil {
		return nil, err
	}
	l.port = port

	plans := planHosts(dir, profiles, addrs, port)
	for _, h := range plans {
		l.Hosts = append(l.Hosts, h.Host)
	}
	uids, err := freeUIDs(2)
	if err != nil {
		return nil, err
	}
	uidOf := map[string]int{SudoUser: uids[0], SudoPasswordUser: uids[1]}

	// Host keys, in parallel.
	wrong := map[string]string{}
	jobs = nil
	for _, h := range plans {
		h := h
		jobs = append(jobs, func() error {
			kind, file := "ed25519", "ssh_host_ed25519_key"
			if h.prof.legacy {
				kind, file = "rsa", "ssh_host_rsa_key"
			}
			h.hostKey = filepath.Join(h.keyDir, file)
			pk, err := keyPair(h.hostKey, kind, "root@"+h.Name)
			if err != nil {
				return fmt.Errorf("host key of %s: %w", h.Name, err)
			}
			h.pubKey = authorizedLine(pk)
			if h.prof.wrongKey {
				wpk, err := keyPair(filepath.Join(h.keyDir, "not_this_host_ed25519_key"), "ed25519", "someone-else")
				if err != nil {
					return err
				}
				mu.Lock()
				wrong[h.Name] = authorizedLine(wpk)
				mu.Unlock()
			}
			return nil
		})
	}
	if err := parallel(jobs); err != nil {
		return nil, err
	}

	// Per-host layers.
	if err := os.RemoveAll(filepath.Join(dir, "hosts")); err != nil {
		return nil, err
	}
	jobs = nil
	for _, h := range plans {
		h := h
		if h.prof.service != serviceSSHD {
			continue
		}
		jobs = append(jobs, func() error {
			if err := l.prepareHost(ctx, h, perl, stages, uidOf[h.prof.user]); err != nil {
				return fmt.Errorf("prepare host %s: %w", h.Name, err)
			}
			return nil
		})
	}
	if err := parallel(jobs); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "bin", "host-start.sh"), asset("host-start.sh"), 0o755); err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(dir, "bin", "tarpit.pl"), asset("tarpit.pl"), 0o755); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		return nil, err
	}

	// Launch, then wait for every host to answer.
	for _, h := range plans {
		if err := l.launch(h); err != nil {
			return nil, err
		}
	}
	if err := l.saveState(); err != nil {
		return nil, err
	}
	jobs = nil
	for _, h := range plans {
		h := h
		if h.prof.service == serviceNone {
			continue
		}
		jobs = append(jobs, func() error { return l.waitReady(ctx, h) })
	}
	if err := parallel(jobs); err != nil {
		return nil, err
	}
	release()

	sshConfig, err := l.sshConfigText(plans)
	if err != nil {
		return nil, fmt.Errorf("lab ssh_config: %w", err)
	}
	if err := writeFile(l.SSHConfig, []byte(sshConfig), 0o644); err != nil {
		return nil, err
	}
	if err := writeFile(l.KnownHosts, []byte(l.knownHostsText(plans, wrong)), 0o644); err != nil {
		return nil, err
	}
	if err := writeFile(l.Inventory, []byte(l.inventoryText(plans)), 0o644); err != nil {
		return nil, err
	}
	return l, l.saveState()
}

// planHosts names the hosts (profile, then profile-2, ...) and gives each
// its address, user and directories.
func planHosts(dir string, profiles, addrs []string, port int) []*hostPlan {
	plans := make([]*hostPlan, len(profiles))
	seen := map[string]int{}
	for i, entry := range profiles {
		name, flavour, _ := splitProfile(entry)
		p, _ := profileFor(name)
		seen[name]++
		hostName := name
		if seen[name] > 1 {
			hostName = fmt.Sprintf("%s-%d", name, seen[name])
		}
		user := "root"
		if p.user != "" {
			user = p.user
		}
		version := flavourVersion[flavour]
		if p.noMailScanner {
			version = ""
		}
		plans[i] = &hostPlan{
			Host:   Host{Name: hostName, Profile: name, Address: addrs[i], Port: port, User: user, MailScanner: version},
			prof:   p,
			dir:    filepath.Join(dir, "hosts", hostName),
			keyDir: filepath.Join(dir, "keys", hostName),
		}
	}
	return plans
}

// hostProfiles expands a Config into one profile name per host.
func hostProfiles(cfg Config) ([]string, error) {
	if cfg.Hosts < 0 {
		return nil, fmt.Errorf("hosts: %d is negative", cfg.Hosts)
	}
	list := cfg.Profiles
	explicit := len(list) > 0
	if !explicit {
		list = Profiles()
	}
	for _, p := range list {
		if _, _, ok := splitProfile(p); !ok {
			return nil, fmt.Errorf("unknown profile %q (want one of %s, optionally with :%s or :%s)", p, strings.Join(profileOrder, ", "), FlavourV4, FlavourV5)
		}
	}
	n := cfg.Hosts
	if n == 0 {
		n = len(list)
	}
	if n < len(list) {
		if explicit {
			return nil, fmt.Errorf("%d profiles given for %d hosts", len(list), n)
		}
		list = list[:n]
	}
	out := append([]string(nil), list...)
	for len(out) < n {
		out = append(out, ProfileGood)
	}
	if len(out) > 200 {
		return nil, fmt.Errorf("%d hosts: at most 200", len(out))
	}
	return out, nil
}

// allocate picks a port (22, or 2222 when something holds *:22) and a block
// 127.0.X.10.. of free addresses; X derives from dir so that labs in
// different directories usually differ, and busy blocks are skipped.
// All of 127.0.0.0/8 is local on Linux's lo: nothing is added.
func allocate(dir string, n int) (int, []string, error) {
	h := fnv.New32a()
	h.Write([]byte(dir))
	start := int(h.Sum32() % 150)
	for _, port := range []int{22, 2222} {
		for try := 0; try < 40; try++ {
			x := 100 + (start+try)%150
			var addrs []string
			ok := true
			for i := 0; i < n && ok; i++ {
				a := fmt.Sprintf("127.0.%d.%d", x, 10+i)
				ok = portFree(net.JoinHostPort(a, strconv.Itoa(port)))
				addrs = append(addrs, a)
			}
			if ok {
				return port, addrs, nil
			}
		}
	}
	return 0, nil, errors.New("no free block of loopback addresses on port 22 or 2222")
}

// launch starts one host's process: sshd in its namespaces, or the tarpit.
func (l *Lab) launch(h *hostPlan) error {
	logPath := filepath.Join(l.Dir, "logs", h.Name+".log")
	switch h.prof.service {
	case serviceSSHD:
		cmd, err := startDetached(logPath, l.tied, "unshare", "--mount", "--uts", "--pid", "--fork", "--kill-child",
			"--mount-proc", "--propagation", "private", "--",
			"/bin/sh", filepath.Join(l.Dir, "bin", "host-start.sh"), h.dir)
		if err != nil {
			return fmt.Errorf("start host %s: %w", h.Name, err)
		}
		l.procs[cmd.Process.Pid] = cmd
		return writePID(pidFile(l.Dir, h.Name, "unshare"), cmd.Process.Pid)
	case serviceTarpit:
		cmd, err := startDetached(logPath, l.tied, "perl", filepath.Join(l.Dir, "bin", "tarpit.pl"), h.Address, strconv.Itoa(l.port))
		if err != nil {
			return fmt.Errorf("start tarpit %s: %w", h.Name, err)
		}
		l.procs[cmd.Process.Pid] = cmd
		return writePID(pidFile(l.Dir, h.Name, "tarpit"), cmd.Process.Pid)
	}
	return nil
}

func (l *Lab) waitReady(ctx context.Context, h *hostPlan) error {
	logPath := filepath.Join(l.Dir, "logs", h.Name+".log")
	what := "unshare"
	if h.prof.service == serviceTarpit {
		what = "tarpit"
	}
	pid := readPID(pidFile(l.Dir, h.Name, what))
	check := func() error {
		if !alive(pid) {
			return fmt.Errorf("host %s exited during start-up%s", h.Name, logTail(logPath))
		}
		return nil
	}
	addr := net.JoinHostPort(h.Address, strconv.Itoa(l.port))
	if err := waitBanner(ctx, addr, h.prof.service == serviceSSHD, readyTimeout, check); err != nil {
		return fmt.Errorf("host %s: %w%s", h.Name, err, logTail(logPath))
	}
	if h.prof.service == serviceSSHD {
		if child := childOf(pid); child > 0 {
			if err := writePID(pidFile(l.Dir, h.Name, "sshd"), child); err != nil {
				return err
			}
		}
	}
	return nil
}

// parallel runs jobs concurrently and returns their errors joined.
func parallel(jobs []func() error) error {
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = j()
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// state is DIR/lab.json: what Load needs to find and stop a lab.
type state struct {
	Dir        string `json:"dir"`
	Inventory  string `json:"inventory"`
	SSHConfig  string `json:"ssh_config"`
	KnownHosts string `json:"known_hosts"`
	ClientKey  string `json:"client_key"`
	Port       int    `json:"port"`
	Hosts      []Host `json:"hosts"`
}

func (l *Lab) saveState() error {
	b, err := json.MarshalIndent(state{l.Dir, l.Inventory, l.SSHConfig, l.KnownHosts, l.ClientKey, l.port, l.Hosts}, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(l.Dir, "lab.json.tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(l.Dir, "lab.json"))
}

// Load returns the lab recorded in dir (by a Start in this or another
// process), for Stop or for its file paths.
func Load(dir string) (*Lab, error) {
	if dir == "" {
		dir = DefaultDir
	}
	b, err := os.ReadFile(filepath.Join(dir, "lab.json"))
	if err != nil {
		return nil, fmt.Errorf("no lab in %s: %w", dir, err)
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "lab.json"), err)
	}
	return &Lab{Dir: s.Dir, Inventory: s.Inventory, SSHConfig: s.SSHConfig, KnownHosts: s.KnownHosts,
		ClientKey: s.ClientKey, Hosts: s.Hosts, port: s.Port, procs: map[int]*exec.Cmd{}}, nil
}

// running reports whether any recorded process of the lab is alive.
func (l *Lab) running() bool {
	for _, h := range l.Hosts {
		for _, what := range []string{"unshare", "sshd", "tarpit"} {
			if pid := readPID(pidFile(l.Dir, h.Name, what)); pid > 0 && alive(pid) && cmdlineHas(pid, l.Dir) {
				return true
			}
		}
	}
	return false
}

// Stop kills every process of the lab, by PID: each host's unshare and
// sshd, every process left in a host's namespaces (sessions, hung
// commands), and the tarpit. It removes the PID files and lab.json and
// keeps the rest of the directory (keys, cached RPMs, logs). Nothing else
// on the machine was changed, so nothing else is undone.
func (l *Lab) Stop() error {
	unlock, err := lockDir(context.Background(), l.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	return l.stop()
}

func (l *Lab) stop() error {
	var killed []int
	kill := func(pid int) {
		if pid > 0 && alive(pid) {
			syscall.Kill(pid, syscall.SIGKILL)
			killed = append(killed, pid)
		}
	}
	for _, h := range l.Hosts {
		hostDir := filepath.Join(l.Dir, "hosts", h.Name)
		if pid := readPID(pidFile(l.Dir, h.Name, "sshd")); pid > 0 && cmdlineHas(pid, hostDir+"/") {
			kill(pid) // PID 1 of the host: the kernel kills the rest of its PID namespace
		}
		if pid := readPID(pidFile(l.Dir, h.Name, "unshare")); pid > 0 && cmdlineHas(pid, hostDir+" ") {
			if child := childOf(pid); child > 0 {
				kill(child)
			}
			kill(pid)
		}
		for _, pid := range nsProcesses("upperdir=" + hostDir + "/upper/local") {
			kill(pid)
		}
		if pid := readPID(pidFile(l.Dir, h.Name, "tarpit")); pid > 0 && cmdlineHas(pid, filepath.Join(l.Dir, "bin", "tarpit.pl")) {
			kill(pid)
		}
	}
	for pid, cmd := range l.procs {
		cmd.Wait()
		delete(l.procs, pid)
	}
	var errs []error
	if left := waitGone(killed, 5*time.Second); len(left) > 0 {
		errs = append(errs, fmt.Errorf("lab processes still alive after SIGKILL: %v", left))
	}
	for _, h := range l.Hosts {
		for _, what := range []string{"unshare", "sshd", "tarpit"} {
			os.Remove(pidFile(l.Dir, h.Name, what))
		}
	}
	if len(errs) == 0 {
		os.Remove(filepath.Join(l.Dir, "lab.json"))
	}
	return errors.Join(errs...)
}

// stopStale kills processes recorded in PID files of an earlier lab in dir
// whose lab.json is gone (a Start that crashed half-way).
func stopStale(dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "run", "*.pid"))
	var hosts []Host
	seen := map[string]bool{}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".pid")
		name := base
		if i := strings.LastIndexByte(base, '.'); i > 0 {
			name = base[:i]
		}
		if !seen[name] {
			seen[name] = true
			hosts = append(hosts, Host{Name: name})
		}
	}
	if len(hosts) > 0 {
		(&Lab{Dir: dir, Hosts: hosts, procs: map[int]*exec.Cmd{}}).stop()
	}
}

// lockAllocation takes a machine-wide lock: an abstract unix socket, which
// needs no file and vanishes with the process. The returned func may be
// called more than once.
func lockAllocation(ctx context.Context) (func(), error) {
	for {
		ln, err := net.Listen("unix", "@fleetcheck-lab-allocate")
		if err == nil {
			var once sync.Once
			return func() { once.Do(func() { ln.Close() }) }, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for another lab to finish starting: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// lockDir takes an exclusive lock on DIR/lock, so that starts and stops in
// one directory do not interleave.
func lockDir(ctx context.Context, dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("lab directory %s is locked by another start or stop: %w", dir, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}
