package sshconfig

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// hostName is the address to dial: the inventory's address, else
// ssh_config's HostName (where only %h, the alias, and %% are known),
// else the alias.
func hostName(h fleet.Host, v cfgValues, tok tokens) (string, error) {
	if h.Address != "" {
		return h.Address, nil
	}
	if kv, ok := v.get("hostname"); ok {
		tok.host = tok.alias
		s, err := tok.expand(kv, "h%")
		if err != nil || s != "" {
			return s, err
		}
	}
	return tok.alias, nil
}

// port is the ProxyJump spec's port, else the inventory's explicit port,
// else ssh_config's Port, else the inventory default, else 22.
func port(h fleet.Host, v cfgValues, hopPort int) (int, error) {
	if hopPort != 0 {
		return hopPort, nil
	}
	if h.Explicit.Port != 0 {
		return h.Explicit.Port, nil
	}
	if kv, ok := v.get("port"); ok {
		p, err := strconv.Atoi(kv.value)
		if err != nil || p <= 0 || p > 65535 {
			return 0, fmt.Errorf("%s:%d: bad Port %q", kv.file, kv.line, kv.value)
		}
		return p, nil
	}
	if h.Defaults.Port != 0 {
		return h.Defaults.Port, nil
	}
	return fleet.DefaultPort, nil
}

// userName is the explicit user (ProxyJump spec or inventory), else
// ssh_config's User, else the inventory default, else the local user.
func userName(h fleet.Host, v cfgValues, tok tokens, explicitUser, localUser string) (string, error) {
	if explicitUser != "" {
		return explicitUser, nil
	}
	if kv, ok := v.get("user"); ok {
		s, err := tok.expand(kv, "%u")
		if err != nil || s != "" {
			return s, err
		}
	}
	return firstNonEmpty(h.Defaults.User, localUser), nil
}

// identityFiles is the inventory's explicit value, else ssh_config's (all
// of them), else the inventory default, else nil for ssh's defaults.
func identityFiles(h fleet.Host, v cfgValues, tok tokens, home string) ([]string, error) {
	switch {
	case h.Explicit.IdentityFile != "":
		return []string{expandTilde(h.Explicit.IdentityFile, home)}, nil
	case len(v.all["identityfile"]) > 0:
		var files []string
		for _, kv := range v.all["identityfile"] {
			if strings.EqualFold(kv.value, "none") {
				continue
			}
			s, err := tok.expandPath(kv)
			if err != nil {
				return nil, err
			}
			files = append(files, s)
		}
		return files, nil
	case h.Defaults.IdentityFile != "":
		return []string{expandTilde(h.Defaults.IdentityFile, home)}, nil
	}
	return nil, nil
}

// identitiesOnly is ssh_config's IdentitiesOnly.
func identitiesOnly(v cfgValues) bool {
	kv, ok := v.get("identitiesonly")
	return ok && strings.EqualFold(kv.value, "yes")
}

// knownHostsFiles is the inventory's list, else UserKnownHostsFile, else
// ~/.ssh/known_hosts; GlobalKnownHostsFile from ssh_config is added.
func knownHostsFiles(inv *fleet.Inventory, v cfgValues, tok tokens, home string) ([]string, error) {
	var files []string
	switch {
	case inv != nil && len(inv.KnownHosts) > 0:
		for _, f := range inv.KnownHosts {
			files = append(files, expandTilde(f, home))
		}
	default:
		if kv, ok := v.get("userknownhostsfile"); ok {
			for _, f := range splitArgs(kv.value) {
				if strings.EqualFold(f, "none") {
					continue
				}
				s, err := tok.expandPath(cfgKV{key: kv.key, value: f, file: kv.file, line: kv.line})
				if err != nil {
					return nil, err
				}
				files = append(files, s)
			}
		} else if home != "" {
			files = []string{home + "/.ssh/known_hosts"}
		}
	}
	if kv, ok := v.get("globalknownhostsfile"); ok {
		for _, f := range splitArgs(kv.value) {
			if !strings.EqualFold(f, "none") {
				files = append(files, expandTilde(f, home))
			}
		}
	}
	return files, nil
}

// strictHostKeyChecking is ssh_config's value, lower case, or "".
func strictHostKeyChecking(v cfgValues) string {
	kv, _ := v.get("stricthostkeychecking")
	return strings.ToLower(kv.value)
}

// connectTimeout is ssh_config's ConnectTimeout, else DefaultConnectTimeout.
func connectTimeout(v cfgValues) (time.Duration, error) {
	kv, ok := v.get("connecttimeout")
	if !ok || strings.EqualFold(kv.value, "none") {
		return DefaultConnectTimeout, nil
	}
	n, err := strconv.Atoi(kv.value)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s:%d: bad ConnectTimeout %q", kv.file, kv.line, kv.value)
	}
	if n == 0 {
		return DefaultConnectTimeout, nil
	}
	return time.Duration(n) * time.Second, nil
}

// proxy returns the ProxyJump or the ProxyCommand that applies (whichever
// appears first wins); the other one, and a "none", come back empty.
func proxy(v cfgValues) (jump, command cfgKV) {
	pj, hasPJ := v.get("proxyjump")
	pc, hasPC := v.get("proxycommand")
	if hasPJ && hasPC {
		if v.order["proxyjump"] < v.order["proxycommand"] {
			hasPC = false
		} else {
			hasPJ = false
		}
	}
	if hasPJ && !strings.EqualFold(pj.value, "none") {
		jump = pj
	}
	if hasPC && !strings.EqualFold(pc.value, "none") {
		command = pc
	}
	return jump, command
}
