package sshconfig

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

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
