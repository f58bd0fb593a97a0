package remote

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// Target is a host fully resolved: what "ssh NAME" would connect to.
type Target struct {
	// Name is the inventory name, also the ssh_config alias.
	Name string
	// HostName is the address to dial.
	HostName string
	Port     int
	User     string
	// IdentityFiles are the identity files, expanded; empty means the
	// OpenSSH defaults (~/.ssh/id_rsa, id_ecdsa, id_ed25519).
	IdentityFiles  []string
	IdentitiesOnly bool
	// KnownHostsFiles are the known_hosts files; the first one receives
	// keys accepted on first use.
	KnownHostsFiles []string
	// StrictHostKeyChecking is ssh_config's value when set ("yes",
	// "accept-new", "no", ...).
	StrictHostKeyChecking string
	// ConnectTimeout bounds TCP connect, handshake and authentication.
	ConnectTimeout time.Duration
	// Jump is the ProxyJump chain, outermost first; each hop is resolved
	// through its own Host block and has no Jump of its own.
	Jump []Target
	// ProxyCommand is set for information only: the native transport
	// refuses it and names transport: openssh.
	ProxyCommand string
	// LegacyAlgorithms enables insecure algorithms for old servers.
	LegacyAlgorithms bool
	// Transport is fleet.TransportNative or fleet.TransportOpenSSH.
	Transport string
	// SSHConfigFile is the user ssh_config the target was resolved from,
	// given to ssh -F by the openssh transport; "" means none.
	SSHConfigFile string
}

// Addr is "HostName:Port", the address dialled and checked against known_hosts.
func (t Target) Addr() string {
	port := t.Port
	if port == 0 {
		port = fleet.DefaultPort
	}
	return net.JoinHostPort(t.HostName, strconv.Itoa(port))
}

// maxJumpDepth bounds ProxyJump chains (hops of hops included).
const maxJumpDepth = 8

// Resolve resolves an inventory host the way "ssh NAME" would, with
// explicit inventory host or group values first, then ssh_config, then the
// inventory's defaults, then built-in defaults. %h %p %r %u %n %d %l %i %C
// %% and ~ are expanded where ssh expands them. cfg may be nil.
func Resolve(h fleet.Host, inv *fleet.Inventory, cfg *SSHConfig) (Target, error) {
	r := resolver{inv: inv, cfg: cfg}
	if err := r.init(); err != nil {
		return Target{}, err
	}
	return r.resolve(h, "", 0, []string{h.Name})
}

type resolver struct {
	inv       *fleet.Inventory
	cfg       *SSHConfig
	home      string
	localUser string
	localHost string
}

func (r *resolver) init() error {
	if r.cfg != nil && r.cfg.home != "" {
		r.home = r.cfg.home
	} else {
		r.home, _ = os.UserHomeDir()
	}
	if u, err := user.Current(); err == nil {
		r.localUser = u.Username
	} else if u := os.Getenv("USER"); u != "" {
		r.localUser = u
	} else {
		return fmt.Errorf("local user: %w", err)
	}
	r.localHost, _ = os.Hostname()
	return nil
}

// resolve resolves h; hopUser and a non-zero hopPort come from a ProxyJump
// spec and win over everything. chain lists the aliases being resolved,
// for loop detection.
func (r *resolver) resolve(h fleet.Host, hopUser string, hopPort int, chain []string) (Target, error) {
	alias := h.Name
	explicitUser := firstNonEmpty(hopUser, h.Explicit.User)
	v := r.cfg.values(alias, explicitUser, r.localUser)
	t := Target{Name: alias, LegacyAlgorithms: h.LegacyAlgorithms(), Transport: h.Transport()}
	if r.cfg != nil {
		t.SSHConfigFile = r.cfg.UserFile
	}
	tok := tokens{alias: alias, home: r.home, localUser: r.localUser, localHost: r.localHost}

	// HostName: only %h (the alias) and %% are known at this point.
	t.HostName = h.Address
	if t.HostName == "" {
		if kv, ok := v.get("hostname"); ok {
			tok.host = alias
			s, err := tok.expand(kv, "h%")
			if err != nil {
				return Target{}, err
			}
			t.HostName = s
		}
	}
	if t.HostName == "" {
		t.HostName = alias
	}
	tok.host = t.HostName

	t.Port = hopPort
	if t.Port == 0 {
		t.Port = h.Explicit.Port
	}
	if t.Port == 0 {
		if kv, ok := v.get("port"); ok {
			p, err := strconv.Atoi(kv.value)
			if err != nil || p <= 0 || p > 65535 {
				return Target{}, fmt.Errorf("%s:%d: bad Port %q", kv.file, kv.line, kv.value)
			}
			t.Port = p
		}
	}
	if t.Port == 0 {
		t.Port = h.Defaults.Port
	}
	if t.Port == 0 {
		t.Port = fleet.DefaultPort
	}
	tok.port = t.Port

	t.User = explicitUser
	if t.User == "" {
		if kv, ok := v.get("user"); ok {
			s, err := tok.expand(kv, "%u")
			if err != nil {
				return Target{}, err
			}
			t.User = s
		}
	}
	if t.User == "" {
		t.User = firstNonEmpty(h.Defaults.User, r.localUser)
	}
	tok.user = t.User

	// IdentityFile: the inventory's explicit value, else ssh_config's (all
	// of them), else the inventory default, else ssh's defaults (empty).
	switch {
	case h.Explicit.IdentityFile != "":
		t.IdentityFiles = []string{expandTilde(h.Explicit.IdentityFile, r.home)}
	case len(v.all["identityfile"]) > 0:
		for _, kv := range v.all["identityfile"] {
			if strings.EqualFold(kv.value, "none") {
				continue
			}
			s, err := tok.expandPath(kv)
			if err != nil {
				return Target{}, err
			}
			t.IdentityFiles = append(t.IdentityFiles, s)
		}
	case h.Defaults.IdentityFile != "":
		t.IdentityFiles = []string{expandTilde(h.Defaults.IdentityFile, r.home)}
	}
	if kv, ok := v.get("identitiesonly"); ok {
		t.IdentitiesOnly = strings.EqualFold(kv.value, "yes")
	}

	// known_hosts: the inventory's list, else UserKnownHostsFile, else
	// ~/.ssh/known_hosts; GlobalKnownHostsFile from ssh_config is added.
	switch {
	case r.inv != nil && len(r.inv.KnownHosts) > 0:
		for _, f := range r.inv.KnownHosts {
			t.KnownHostsFiles = append(t.KnownHostsFiles, expandTilde(f, r.home))
		}
	default:
		if kv, ok := v.get("userknownhostsfile"); ok {
			for _, f := range splitArgs(kv.value) {
				if strings.EqualFold(f, "none") {
					continue
				}
				s, err := tok.expandPath(cfgKV{key: kv.key, value: f, file: kv.file, line: kv.line})
				if err != nil {
					return Target{}, err
				}
				t.KnownHostsFiles = append(t.KnownHostsFiles, s)
			}
		} else if r.home != "" {
			t.KnownHostsFiles = []string{r.home + "/.ssh/known_hosts"}
		}
	}
	if kv, ok := v.get("globalknownhostsfile"); ok {
		for _, f := range splitArgs(kv.value) {
			if !strings.EqualFold(f, "none") {
				t.KnownHostsFiles = append(t.KnownHostsFiles, expandTilde(f, r.home))
			}
		}
	}
	if kv, ok := v.get("stricthostkeychecking"); ok {
		t.StrictHostKeyChecking = strings.ToLower(kv.value)
	}
	t.ConnectTimeout = DefaultConnectTimeout
	if kv, ok := v.get("connecttimeout"); ok && !strings.EqualFold(kv.value, "none") {
		n, err := strconv.Atoi(kv.value)
		if err != nil || n < 0 {
			return Target{}, fmt.Errorf("%s:%d: bad ConnectTimeout %q", kv.file, kv.line, kv.value)
		}
		if n > 0 {
			t.ConnectTimeout = time.Duration(n) * time.Second
		}
	}

	// ProxyJump or ProxyCommand: whichever appears first wins.
	pj, hasPJ := v.get("proxyjump")
	pc, hasPC := v.get("proxycommand")
	if hasPJ && hasPC {
		if v.order["proxyjump"] < v.order["proxycommand"] {
			hasPC = false
		} else {
			hasPJ = false
		}
	}
	if hasPC && !strings.EqualFold(pc.value, "none") {
		s, err := tok.expand(pc, "%hpruCdnli")
		if err != nil {
			return Target{}, err
		}
		t.ProxyCommand = s
	}
	if hasPJ && !strings.EqualFold(pj.value, "none") {
		jumps, err := r.jumps(pj, chain)
		if err != nil {
			return Target{}, err
		}
		t.Jump = jumps
	}
	return t, nil
}

// jumps resolves a ProxyJump value: hops separated by commas, each
// [user@]host[:port] or ssh://[user@]host[:port], each through its own
// Host block (a hop's own ProxyJump comes before it).
func (r *resolver) jumps(kv cfgKV, chain []string) ([]Target, error) {
	if len(chain) > maxJumpDepth {
		return nil, fmt.Errorf("%s:%d: ProxyJump chain too long: %s", kv.file, kv.line, strings.Join(chain, " -> "))
	}
	var out []Target
	for _, spec := range strings.Split(kv.value, ",") {
		u, host, port, err := parseJump(strings.TrimSpace(spec))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: ProxyJump: %w", kv.file, kv.line, err)
		}
		for _, seen := range chain {
			if seen == host {
				return nil, fmt.Errorf("%s:%d: ProxyJump loop: %s -> %s", kv.file, kv.line, strings.Join(chain, " -> "), host)
			}
		}
		// A hop the inventory lists keeps its settings; inventory defaults
		// (say, user: root) are for audited hosts, not for other jump hosts.
		h, ok := r.invHost(host)
		if !ok {
			h = fleet.Host{Name: host}
		}
		hop, err := r.resolve(h, u, port, append(chain[:len(chain):len(chain)], host))
		if err != nil {
			return nil, err
		}
		hop.Transport = fleet.TransportNative
		inner := hop.Jump
		hop.Jump = nil
		out = append(out, inner...)
		out = append(out, hop)
	}
	return out, nil
}

func (r *resolver) invHost(name string) (fleet.Host, bool) {
	if r.inv == nil {
		return fleet.Host{}, false
	}
	return r.inv.Host(name)
}

// parseJump parses one ProxyJump hop.
func parseJump(spec string) (userName, host string, port int, err error) {
	if spec == "" {
		return "", "", 0, errors.New("empty hop")
	}
	if strings.HasPrefix(spec, "ssh://") {
		u, err := url.Parse(spec)
		if err != nil {
			return "", "", 0, err
		}
		if u.Port() != "" {
			if port, err = strconv.Atoi(u.Port()); err != nil {
				return "", "", 0, fmt.Errorf("bad port in %q", spec)
			}
		}
		return u.User.Username(), u.Hostname(), port, nil
	}
	if i := strings.LastIndex(spec, "@"); i >= 0 {
		userName, spec = spec[:i], spec[i+1:]
	}
	host = spec
	if h, p, err := net.SplitHostPort(spec); err == nil {
		host = h
		if port, err = strconv.Atoi(p); err != nil || port <= 0 || port > 65535 {
			return "", "", 0, fmt.Errorf("bad port in %q", spec)
		}
	} else if strings.HasPrefix(spec, "[") && strings.HasSuffix(spec, "]") {
		host = spec[1 : len(spec)-1]
	}
	if host == "" {
		return "", "", 0, fmt.Errorf("no host in %q", spec)
	}
	return userName, host, port, nil
}

// tokens holds the values of ssh_config's % tokens.
type tokens struct {
	alias, host, user, localUser, localHost, home string
	port                                          int
}

// expand replaces the tokens allowed in allowed ("%" always is); an unknown
// or disallowed token is an error naming the file and line.
func (tk tokens) expand(kv cfgKV, allowed string) (string, error) {
	s := kv.value
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%s:%d: %s: trailing %%", kv.file, kv.line, kv.key)
		}
		i++
		c := s[i]
		if c != '%' && !strings.ContainsRune(allowed, rune(c)) {
			return "", fmt.Errorf("%s:%d: %s: token %%%c not supported here", kv.file, kv.line, kv.key, c)
		}
		switch c {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(tk.host)
		case 'n':
			b.WriteString(tk.alias)
		case 'p':
			b.WriteString(strconv.Itoa(tk.port))
		case 'r':
			b.WriteString(tk.user)
		case 'u':
			b.WriteString(tk.localUser)
		case 'd':
			b.WriteString(tk.home)
		case 'l':
			b.WriteString(tk.localHost)
		case 'L':
			short, _, _ := strings.Cut(tk.localHost, ".")
			b.WriteString(short)
		case 'i':
			b.WriteString(strconv.Itoa(os.Getuid()))
		case 'C':
			sum := sha1.Sum([]byte(tk.localHost + tk.host + strconv.Itoa(tk.port) + tk.user))
			b.WriteString(hex.EncodeToString(sum[:]))
		default:
			return "", fmt.Errorf("%s:%d: %s: unknown token %%%c", kv.file, kv.line, kv.key, c)
		}
	}
	return b.String(), nil
}

// expandPath expands ${VAR}, ~ and the path tokens of IdentityFile and
// UserKnownHostsFile.
func (tk tokens) expandPath(kv cfgKV) (string, error) {
	kv.value = envRE.ReplaceAllStringFunc(kv.value, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
	kv.value = expandTilde(kv.value, tk.home)
	return tk.expand(kv, "hpruCdnlLi")
}

// envRE matches the ${VAR} references ssh expands in paths.
var envRE = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
