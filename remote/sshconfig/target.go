package sshconfig

import (
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
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

// DefaultConnectTimeout bounds TCP connect, handshake and authentication
// when ssh_config sets no ConnectTimeout.
const DefaultConnectTimeout = 10 * time.Second

// maxJumpDepth bounds ProxyJump chains (hops of hops included).
const maxJumpDepth = 8

// Resolve resolves an inventory host the way "ssh NAME" would, with
// explicit inventory host or group values first, then ssh_config, then the
// inventory's defaults, then built-in defaults. %h %p %r %u %n %d %l %i %C
// %% and ~ are expanded where ssh expands them. cfg may be nil.
func Resolve(h fleet.Host, inv *fleet.Inventory, cfg *Config) (Target, error) {
	r := resolver{inv: inv, cfg: cfg}
	if err := r.init(); err != nil {
		return Target{}, err
	}
	return r.resolve(h, "", 0, []string{h.Name})
}

type resolver struct {
	inv       *fleet.Inventory
	cfg       *Config
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
// for loop detection. Each option has a helper of its own, called in the
// order of their dependencies: tokens in later options use earlier values.
func (r *resolver) resolve(h fleet.Host, hopUser string, hopPort int, chain []string) (Target, error) {
	alias := h.Name
	explicitUser := firstNonEmpty(hopUser, h.Explicit.User)
	v := r.cfg.values(alias, explicitUser, r.localUser)
	t := Target{Name: alias, LegacyAlgorithms: h.LegacyAlgorithms(), Transport: h.Transport()}
	if r.cfg != nil {
		t.SSHConfigFile = r.cfg.UserFile
	}
	tok := tokens{alias: alias, home: r.home, localUser: r.localUser, localHost: r.localHost}
	var err error
	if t.HostName, err = hostName(h, v, tok); err != nil {
		return Target{}, err
	}
	tok.host = t.HostName
	if t.Port, err = port(h, v, hopPort); err != nil {
		return Target{}, err
	}
	tok.port = t.Port
	if t.User, err = userName(h, v, tok, explicitUser, r.localUser); err != nil {
		return Target{}, err
	}
	tok.user = t.User
	if t.IdentityFiles, err = identityFiles(h, v, tok, r.home); err != nil {
		return Target{}, err
	}
	t.IdentitiesOnly = identitiesOnly(v)
	if t.KnownHostsFiles, err = knownHostsFiles(r.inv, v, tok, r.home); err != nil {
		return Target{}, err
	}
	t.StrictHostKeyChecking = strictHostKeyChecking(v)
	if t.ConnectTimeout, err = connectTimeout(v); err != nil {
		return Target{}, err
	}
	pj, pc := proxy(v)
	if pc.value != "" {
		if t.ProxyCommand, err = tok.expand(pc, "%hpruCdnli"); err != nil {
			return Target{}, err
		}
	}
	if pj.value != "" {
		if t.Jump, err = r.jumps(pj, chain); err != nil {
			return Target{}, err
		}
	}
	return t, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
