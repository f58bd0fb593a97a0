package fleet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The inventory is decoded by walking the YAML node tree rather than by
// yaml.Decoder.KnownFields, so that every problem, structural or semantic,
// is reported in one pass with its line.

var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ValidHostName reports whether name can be an inventory host name: letters,
// digits, '.', '_' and '-', not starting with punctuation, and not "run".
func ValidHostName(name string) bool { return name != "run" && namePattern.MatchString(name) }

// probeNamePattern keeps custom probe names usable as JSON keys and flag values.
var probeNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// perlModulePattern is a Perl package name such as Mail::SpamAssassin.
var perlModulePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z0-9_]+)*$`)

type decoder struct {
	file string
	errs inventoryErrors
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	d.errs = append(d.errs, &InventoryError{File: d.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func decodeInventory(file string, src []byte) (*Inventory, inventoryErrors) {
	d := &decoder{file: file}
	sum := sha256.Sum256(src)
	inv := &Inventory{File: file, Groups: map[string]*Group{}, Digest: hex.EncodeToString(sum[:])}

	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d.errs = append(d.errs, &InventoryError{File: file, Line: yamlErrorLine(err), Msg: yamlErrorText(err)})
		return nil, d.errs
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		d.errorf(nil, "empty inventory: want at least a hosts list")
		return nil, d.errs
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "top level must be a mapping with a hosts list")
		return nil, d.errs
	}
	var groupsNode, hostsNode, baselineNode, waiversNode *yaml.Node
	d.mapping(root, "top level", func(key string, k, v *yaml.Node) {
		switch key {
		case "ssh_config":
			inv.SSHConfig = d.str(v, key)
		case "known_hosts":
			inv.KnownHosts = d.strList(v, key, true)
		case "baseline":
			inv.Baseline = d.str(v, key)
			baselineNode = v
		case "defaults":
			inv.Defaults = d.settings(v, "defaults", false)
		case "groups":
			groupsNode = v
		case "hosts":
			hostsNode = v
		case "probes":
			inv.Probes = d.probes(v)
		case "waivers":
			waiversNode = v
		case "perl_modules":
			for i, m := range d.strList(v, key, false) {
				if !perlModulePattern.MatchString(m) {
					d.errorf(v.Content[i], "perl_modules: %q is not a Perl module name", m)
					continue
				}
				inv.PerlModules = append(inv.PerlModules, m)
			}
		default:
			d.errorf(k, "unknown key %q (want ssh_config, known_hosts, baseline, defaults, groups, hosts, probes, perl_modules, waivers)", key)
		}
	})
	if hostsNode == nil {
		d.errorf(root, "no hosts: the inventory needs a hosts list")
	} else {
		d.hosts(hostsNode, inv)
	}
	if groupsNode != nil {
		d.groups(groupsNode, inv)
	}
	d.link(inv)
	if waiversNode != nil {
		inv.Waivers = d.waivers(waiversNode, inv)
	}
	if inv.Baseline != "" && len(inv.Hosts) > 0 {
		if _, ok := inv.Host(inv.Baseline); !ok {
			d.errorf(baselineNode, "baseline %q is not an inventory host", inv.Baseline)
		}
	}
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Line < d.errs[j].Line })
		return nil, d.errs
	}
	return inv, nil
}

// mapping walks a mapping node, rejecting duplicate keys.
func (d *decoder) mapping(n *yaml.Node, what string, f func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping, got %s", what, kindName(n))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if line, dup := seen[key]; dup {
			d.errorf(k, "%s: key %q already defined at line %d", what, key, line)
			continue
		}
		seen[key] = k.Line
		f(key, k, v)
	}
}

func (d *decoder) str(n *yaml.Node, what string) string {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, "%s: want a string, got %s", what, kindName(n))
		return ""
	}
	return n.Value
}

func (d *decoder) strList(n *yaml.Node, what string, allowScalar bool) []string {
	if allowScalar && n.Kind == yaml.ScalarNode {
		return []string{d.str(n, what)}
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, got %s", what, kindName(n))
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, d.str(c, what))
	}
	return out
}

func (d *decoder) boolean(n *yaml.Node, what string) *bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
		d.errorf(n, "%s: want true or false, got %q", what, n.Value)
		return nil
	}
	return &b
}

func (d *decoder) duration(n *yaml.Node, what string) time.Duration {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, "%s: want a duration such as 90s, got %s", what, kindName(n))
		return 0
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		if secs, err2 := strconv.Atoi(n.Value); err2 == nil {
			v, err = time.Duration(secs)*time.Second, nil
		}
	}
	if err != nil || v <= 0 {
		d.errorf(n, "%s: want a positive duration such as 90s, got %q", what, n.Value)
		return 0
	}
	return v
}

// settings decodes a host, group or defaults block's settings. When extra is
// set, keys the caller handles itself (name, address, hosts) are skipped.
func (d *decoder) settings(n *yaml.Node, what string, extra bool, skip ...string) Settings {
	var s Settings
	d.mapping(n, what, func(key string, k, v *yaml.Node) {
		for _, sk := range skip {
			if key == sk {
				return
			}
		}
		switch key {
		case "user":
			s.User = d.str(v, what+": user")
		case "port":
			p, err := strconv.Atoi(v.Value)
			if v.Kind != yaml.ScalarNode || err != nil || p < 1 || p > 65535 {
				d.errorf(v, "%s: port %s out of range (1-65535)", what, v.Value)
				return
			}
			s.Port = p
		case "sudo":
			s.Sudo = d.boolean(v, what+": sudo")
		case "timeout":
			s.Timeout = d.duration(v, what+": timeout")
		case "probe_timeout":
			s.ProbeTimeout = d.duration(v, what+": probe_timeout")
		case "transport":
			t := d.str(v, what+": transport")
			if t != TransportNative && t != TransportOpenSSH {
				d.errorf(v, "%s: transport %q unknown (want native or openssh)", what, t)
				return
			}
			s.Transport = t
		case "legacy_algorithms":
			s.LegacyAlgorithms = d.boolean(v, what+": legacy_algorithms")
		case "identity_file":
			s.IdentityFile = d.str(v, what+": identity_file")
		default:
			keys := "user, port, sudo, timeout, probe_timeout, transport, legacy_algorithms, identity_file"
			if extra {
				keys = strings.Join(skip, ", ") + ", " + keys
			}
			d.errorf(k, "%s: unknown key %q (want %s)", what, key, keys)
		}
	})
	return s
}

func (d *decoder) hosts(n *yaml.Node, inv *Inventory) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "hosts: want a list, got %s", kindName(n))
		return
	}
	seen := map[string]int{}
	for i, hn := range n.Content {
		what := fmt.Sprintf("hosts[%d]", i)
		h := Host{Line: hn.Line}
		if hn.Kind == yaml.ScalarNode { // "- mail1" shorthand
			h.Name = hn.Value
		} else if hn.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(hn.Content); j += 2 {
				if hn.Content[j].Value == "name" {
					h.Name = d.str(hn.Content[j+1], what+": name")
				}
			}
			if h.Name != "" {
				what = fmt.Sprintf("host %q", h.Name)
			}
			for j := 0; j+1 < len(hn.Content); j += 2 {
				if hn.Content[j].Value == "address" {
					h.Address = d.str(hn.Content[j+1], what+": address")
				}
			}
			h.Explicit = d.settings(hn, what, true, "name", "address")
		} else {
			d.errorf(hn, "%s: want a mapping with a name, got %s", what, kindName(hn))
			continue
		}
		switch {
		case h.Name == "":
			d.errorf(hn, "%s: no name", what)
			continue
		case h.Name == "run":
			d.errorf(hn, "%s: the name \"run\" is reserved for the run record (run.json)", what)
			continue
		case !namePattern.MatchString(h.Name):
			d.errorf(hn, "%s: name may hold only letters, digits, '.', '_' and '-'", what)
			continue
		}
		if line, dup := seen[h.Name]; dup {
			d.errorf(hn, "host %q: already defined at line %d", h.Name, line)
			continue
		}
		seen[h.Name] = hn.Line
		inv.Hosts = append(inv.Hosts, h)
	}
	if len(n.Content) == 0 {
		d.errorf(n, "hosts: the list is empty")
	}
}

func (d *decoder) groups(n *yaml.Node, inv *Inventory) {
	d.mapping(n, "groups", func(name string, k, v *yaml.Node) {
		g := &Group{Name: name, Line: k.Line}
		what := fmt.Sprintf("group %q", name)
		if !namePattern.MatchString(name) {
			d.errorf(k, "%s: name may hold only letters, digits, '.', '_' and '-'", what)
		}
		var members *yaml.Node
		switch v.Kind {
		case yaml.SequenceNode: // mx: [mail1, mail2]
			members = v
		case yaml.MappingNode: // mx: {hosts: [...], legacy_algorithms: true}
			d.mapping(v, what, func(key string, _, mv *yaml.Node) {
				if key == "hosts" {
					members = mv
				}
			})
			g.Settings = d.settings(v, what, true, "hosts")
			if members == nil {
				d.errorf(v, "%s: no hosts list", what)
			}
		default:
			d.errorf(v, "%s: want a list of hosts or a mapping with hosts, got %s", what, kindName(v))
		}
		if members != nil {
			for i, m := range d.strList(members, what, false) {
				if _, ok := inv.Host(m); !ok {
					d.errorf(members.Content[i], "%s: unknown host %q", what, m)
					continue
				}
				g.Members = append(g.Members, m)
			}
		}
		if _, clash := inv.Host(name); clash {
			d.errorf(k, "%s: a host has the same name", what)
		}
		inv.Groups[name] = g
	})
}

// link merges group settings into hosts and checks cross references.
func (d *decoder) link(inv *Inventory) {
	names := make([]string, 0, len(inv.Groups))
	for name := range inv.Groups {
		names = append(names, name)
	}
	sort.Strings(names)
	for i := range inv.Hosts {
		h := &inv.Hosts[i]
		h.Defaults = inv.Defaults
		for _, name := range names {
			g := inv.Groups[name]
			for _, m := range g.Members {
				if m == h.Name {
					h.Groups = append(h.Groups, name)
					h.Explicit = mergeSettings(h.Explicit, g.Settings)
				}
			}
		}
	}
}

// mergeSettings fills the unset fields of s from lower.
func mergeSettings(s, lower Settings) Settings {
	if s.User == "" {
		s.User = lower.User
	}
	if s.Port == 0 {
		s.Port = lower.Port
	}
	if s.Sudo == nil {
		s.Sudo = lower.Sudo
	}
	if s.Timeout == 0 {
		s.Timeout = lower.Timeout
	}
	if s.ProbeTimeout == 0 {
		s.ProbeTimeout = lower.ProbeTimeout
	}
	if s.Transport == "" {
		s.Transport = lower.Transport
	}
	if s.LegacyAlgorithms == nil {
		s.LegacyAlgorithms = lower.LegacyAlgorithms
	}
	if s.IdentityFile == "" {
		s.IdentityFile = lower.IdentityFile
	}
	return s
}

func (d *decoder) probes(n *yaml.Node) []CustomProbe {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "probes: want a list, got %s", kindName(n))
		return nil
	}
	var out []CustomProbe
	seen := map[string]int{}
	for i, pn := range n.Content {
		p := CustomProbe{Line: pn.Line}
		what := fmt.Sprintf("probes[%d]", i)
		d.mapping(pn, what, func(key string, k, v *yaml.Node) {
			switch key {
			case "name":
				p.Name = d.str(v, what+": name")
			case "command":
				p.Command = d.str(v, what+": command")
			case "sudo":
				if b := d.boolean(v, what+": sudo"); b != nil {
					p.Sudo = *b
				}
			case "timeout":
				p.Timeout = d.duration(v, what+": timeout")
			default:
				d.errorf(k, "%s: unknown key %q (want name, command, sudo, timeout)", what, key)
			}
		})
		if pn.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case !probeNamePattern.MatchString(p.Name):
			d.errorf(pn, "%s: name %q must be lower_snake_case", what, p.Name)
		case BuiltinProbe(p.Name):
			d.errorf(pn, "probe %q: a built-in probe has that name (see fleetcheck probes); pick another", p.Name)
		case strings.TrimSpace(p.Command) == "":
			d.errorf(pn, "probe %q: no command", p.Name)
		default:
			if line, dup := seen[p.Name]; dup {
				d.errorf(pn, "probe %q: already defined at line %d", p.Name, line)
				continue
			}
			seen[p.Name] = pn.Line
			out = append(out, p)
		}
	}
	return out
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlErrorLine pulls the line number out of a yaml syntax error.
func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func yamlErrorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := regexp.MustCompile(`^line \d+: `).FindString(s); m != "" {
		s = s[len(m):]
	}
	return "syntax error: " + s
}
