package remote

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// SystemSSHConfig is the system-wide ssh_config, read after the user's file.
const SystemSSHConfig = "/etc/ssh/ssh_config"

// maxIncludeDepth bounds nested Include directives, as ssh does.
const maxIncludeDepth = 16

// SSHConfig is a parsed ssh_config: the user's file, then the system file,
// with their Include files inlined. Lines are tokenized with
// github.com/kevinburke/ssh_config, but Host and Match blocks, Include and
// pattern matching are handled here, because that package rejects a whole
// file over one Match criterion it does not know (RHEL's "Match final
// all"), reads Includes in no defined order and compiles "?" to "zero or
// one character".
type SSHConfig struct {
	// UserFile is the user's ssh_config as given to LoadSSHConfig (with ~
	// expanded), passed to ssh -F by the openssh transport; "" if none.
	UserFile string

	blocks    []*cfgBlock
	wantFinal bool
	home      string
}

// cfgBlock is the run of settings under one Host or Match line (or before
// the first one, or after an Include inside a block).
type cfgBlock struct {
	file string
	line int
	// host is set for a Host line: its patterns.
	host []string
	// match is set for a Match line: its criteria.
	match []matchCriterion
	// always is set for the implicit block at the top of a file.
	always bool
	// parent is the condition of the block an Include appeared in, which
	// also applies to the included file.
	parent *cfgBlock
	kvs    []cfgKV
}

type matchCriterion struct {
	negate bool
	attr   string // lower case
	arg    string
}

type cfgKV struct {
	key   string // lower case
	value string
	file  string
	line  int
}

// LoadSSHConfig reads the user's ssh_config at path ("" means
// ~/.ssh/config) and then /etc/ssh/ssh_config. Missing files are not an
// error. The warnings name file and line of what could not be honoured
// (unsupported Match criteria, unparsable lines or files, Include
// problems); the rest of the configuration still applies.
func LoadSSHConfig(path string) (*SSHConfig, []string, error) {
	return LoadSSHConfigFiles(path, SystemSSHConfig)
}

// LoadSSHConfigFiles is LoadSSHConfig with an explicit system file ("" for
// none), for tests and callers that must not read /etc.
func LoadSSHConfigFiles(userFile, systemFile string) (*SSHConfig, []string, error) {
	home, _ := os.UserHomeDir()
	c := &SSHConfig{home: home}
	if userFile == "" && home != "" {
		userFile = filepath.Join(home, ".ssh", "config")
	}
	var warns []string
	if userFile != "" {
		userFile = expandTilde(userFile, home)
		c.UserFile = userFile
		if _, err := os.Stat(userFile); errors.Is(err, fs.ErrNotExist) {
			c.UserFile = ""
			if userFile != filepath.Join(home, ".ssh", "config") {
				warns = append(warns, fmt.Sprintf("%s: not found; hosts resolve without it", userFile))
			}
		}
		if err := c.load(userFile, false, 0, nil, &warns); err != nil {
			return nil, warns, err
		}
	}
	if systemFile != "" {
		if err := c.load(systemFile, true, 0, nil, &warns); err != nil {
			return nil, warns, err
		}
	}
	return c, warns, nil
}

// ParseSSHConfig parses data as an ssh_config file named name (for
// messages and relative Includes, which resolve under ~/.ssh).
func ParseSSHConfig(name string, data []byte) (*SSHConfig, []string, error) {
	home, _ := os.UserHomeDir()
	c := &SSHConfig{home: home, UserFile: name}
	var warns []string
	if err := c.parse(name, data, false, 0, nil, &warns); err != nil {
		return nil, warns, err
	}
	return c, warns, nil
}

func (c *SSHConfig) load(file string, system bool, depth int, parent *cfgBlock, warns *[]string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) && depth == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ssh_config: %w", err)
	}
	return c.parse(file, data, system, depth, parent, warns)
}

var placeholderRE = regexp.MustCompile(`^fcblock(\d+)$`)

// parse reads one file. Host, Match and Include lines are replaced by
// placeholders before kevinburke/ssh_config tokenizes the file, so that it
// never fails on them and never opens files itself; the line numbers stay.
func (c *SSHConfig) parse(file string, data []byte, system bool, depth int, parent *cfgBlock, warns *[]string) error {
	lines := strings.Split(string(data), "\n")
	var heads []*cfgBlock // indexed by placeholder number
	includes := map[int]string{}
	for i, raw := range lines {
		key, args := splitDirective(raw)
		n := i + 1
		switch strings.ToLower(key) {
		case "host":
			heads = append(heads, &cfgBlock{file: file, line: n, host: splitArgs(args), parent: parent})
		case "match":
			crit, err := parseMatch(args)
			b := &cfgBlock{file: file, line: n, match: crit, parent: parent}
			if err != nil {
				*warns = append(*warns, fmt.Sprintf("%s:%d: %v; block ignored", file, n, err))
				b.match = []matchCriterion{{attr: "invalid"}}
			}
			for _, m := range crit {
				switch m.attr {
				case "final":
					c.wantFinal = c.wantFinal || !m.negate
				case "all", "canonical", "host", "originalhost", "user", "localuser":
				default:
					*warns = append(*warns, fmt.Sprintf("%s:%d: Match %s is not evaluated by the native transport; block ignored (use transport: openssh for hosts that need it)", file, n, m.attr))
				}
			}
			heads = append(heads, b)
		case "include":
			includes[n] = args
			lines[i] = "FleetcheckInclude " + strconv.Itoa(n)
			continue
		default:
			continue
		}
		lines[i] = "Host fcblock" + strconv.Itoa(len(heads)-1)
	}
	kc, err := ssh_config.DecodeBytes([]byte(strings.Join(lines, "\n")))
	if err != nil {
		*warns = append(*warns, fmt.Sprintf("%s: cannot parse, file ignored: %v", file, err))
		return nil
	}
	cur := &cfgBlock{file: file, line: 0, always: true, parent: parent}
	c.blocks = append(c.blocks, cur)
	for hi, h := range kc.Hosts {
		if hi > 0 {
			m := placeholderRE.FindStringSubmatch(patternsString(h))
			if m == nil {
				return fmt.Errorf("%s: internal error: unexpected block %q", file, patternsString(h))
			}
			idx, _ := strconv.Atoi(m[1])
			cur = heads[idx]
			c.blocks = append(c.blocks, cur)
		}
		for _, node := range h.Nodes {
			kv, ok := node.(*ssh_config.KV)
			if !ok {
				continue
			}
			line := kv.Pos().Line
			if strings.EqualFold(kv.Key, "FleetcheckInclude") {
				if err := c.include(file, line, includes[line], system, depth, cur, warns); err != nil {
					return err
				}
				// What follows the Include belongs to the same block.
				cont := *cur
				cont.kvs = nil
				cur = &cont
				c.blocks = append(c.blocks, cur)
				continue
			}
			c.addKV(cur, kv.Key, kv.Value, file, line, warns)
		}
	}
	return nil
}

func (c *SSHConfig) addKV(b *cfgBlock, key, value, file string, line int, warns *[]string) {
	value = strings.TrimSpace(value)
	if value == "" {
		*warns = append(*warns, fmt.Sprintf("%s:%d: %s has no value; ignored", file, line, key))
		return
	}
	b.kvs = append(b.kvs, cfgKV{key: strings.ToLower(key), value: value, file: file, line: line})
}

func patternsString(h *ssh_config.Host) string {
	var parts []string
	for _, p := range h.Patterns {
		parts = append(parts, p.String())
	}
	return strings.Join(parts, " ")
}

func (c *SSHConfig) include(file string, line int, args string, system bool, depth int, cur *cfgBlock, warns *[]string) error {
	if depth+1 > maxIncludeDepth {
		*warns = append(*warns, fmt.Sprintf("%s:%d: Include nested too deeply; ignored", file, line))
		return nil
	}
	for _, pat := range splitArgs(args) {
		pat = expandTilde(pat, c.home)
		if !filepath.IsAbs(pat) {
			if system {
				pat = filepath.Join("/etc/ssh", pat)
			} else {
				pat = filepath.Join(c.home, ".ssh", pat)
			}
		}
		matches, err := filepath.Glob(pat) // sorted, as ssh's glob(3)
		if err != nil {
			*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: %v", file, line, pat, err))
			continue
		}
		for _, m := range matches {
			parent := cur
			if cur.always && cur.parent == nil {
				parent = nil
			}
			if err := c.load(m, system, depth+1, parent, warns); err != nil {
				*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: %v", file, line, m, err))
			}
		}
	}
	return nil
}

// splitDirective splits a config line into its keyword and the rest, the
// way ssh does ("Key value", "Key=value", "Key = value").
func splitDirective(line string) (key, args string) {
	s := strings.TrimLeft(line, " \t")
	if s == "" || s[0] == '#' {
		return "", ""
	}
	i := strings.IndexAny(s, " \t=")
	if i < 0 {
		return s, ""
	}
	key, rest := s[:i], strings.TrimLeft(s[i:], " \t")
	rest = strings.TrimPrefix(rest, "=")
	rest = strings.TrimSpace(rest)
	if j := strings.Index(rest, " #"); j >= 0 {
		rest = strings.TrimSpace(rest[:j])
	}
	return key, strings.TrimSuffix(rest, "\r")
}

// splitArgs splits on white space, honouring double quotes.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	inQ, have := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQ, have = !inQ, true
		case (r == ' ' || r == '\t') && !inQ:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// parseMatch parses the criteria of a Match line.
func parseMatch(args string) ([]matchCriterion, error) {
	f := splitArgs(args)
	if len(f) == 0 {
		return nil, errors.New("no criteria after Match")
	}
	var out []matchCriterion
	for i := 0; i < len(f); i++ {
		m := matchCriterion{attr: strings.ToLower(f[i])}
		if strings.HasPrefix(m.attr, "!") {
			m.negate, m.attr = true, m.attr[1:]
		}
		switch m.attr {
		case "all", "canonical", "final":
		default:
			if i+1 >= len(f) {
				return nil, fmt.Errorf("no argument after Match %s", m.attr)
			}
			i++
			m.arg = f[i]
		}
		out = append(out, m)
	}
	return out, nil
}

// matchCtx is what blocks are matched against.
type matchCtx struct {
	alias     string // the name as given (originalhost)
	host      string // the name, or the HostName on the final pass
	user      string // remote user as known so far
	localUser string
	final     bool
}

func (b *cfgBlock) matches(m matchCtx) bool {
	if b.parent != nil && !b.parent.matches(m) {
		return false
	}
	switch {
	case b.always:
		return true
	case b.host != nil:
		return matchPatternList(b.host, m.alias)
	}
	for _, c := range b.match {
		var ok bool
		switch c.attr {
		case "all":
			ok = true
		case "canonical", "final":
			ok = m.final
		case "host":
			ok = matchPatternList(strings.Split(c.arg, ","), m.host)
		case "originalhost":
			ok = matchPatternList(strings.Split(c.arg, ","), m.alias)
		case "user":
			ok = matchPatternList(strings.Split(c.arg, ","), m.user)
		case "localuser":
			ok = matchPatternList(strings.Split(c.arg, ","), m.localUser)
		default: // exec, localnetwork, tagged, ...: not evaluated, never match
			return false
		}
		if ok == c.negate {
			return false
		}
	}
	return true
}

// matchPatternList is ssh's match_pattern_list: a negated pattern that
// matches rejects, otherwise any matching pattern accepts.
func matchPatternList(patterns []string, s string) bool {
	found := false
	for _, p := range patterns {
		if p == "" {
			continue
		}
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if globMatch(p, strings.ToLower(s)) || globMatch(p, s) {
			if neg {
				return false
			}
			found = true
		}
	}
	return found
}

// globMatch matches ssh patterns: * is any run of characters, ? exactly one.
func globMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for len(p) > 0 && p[0] == '*' {
				p = p[1:]
			}
			if p == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if globMatch(p, s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if s == "" || p[0] != s[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return s == ""
}

// cfgValues are the settings that apply to one host: the first value of
// each key (ssh's "first obtained value wins") and every value of keys that
// accumulate (IdentityFile, CertificateFile, ...).
type cfgValues struct {
	first map[string]cfgKV
	order map[string]int
	all   map[string][]cfgKV
}

// values evaluates the configuration for alias as ssh does: a first pass,
// then, when a "Match final" block exists, a final pass that fills only
// what is still unset, with "host" matched against the HostName.
func (c *SSHConfig) values(alias, user, localUser string) cfgValues {
	v := cfgValues{first: map[string]cfgKV{}, order: map[string]int{}, all: map[string][]cfgKV{}}
	if c == nil {
		return v
	}
	if user == "" {
		user = localUser
	}
	seq := 0
	pass := func(m matchCtx) {
		for _, b := range c.blocks {
			if !b.matches(m) {
				continue
			}
			for _, kv := range b.kvs {
				seq++
				if _, ok := v.first[kv.key]; !ok {
					v.first[kv.key] = kv
					v.order[kv.key] = seq
				}
				v.all[kv.key] = append(v.all[kv.key], kv)
			}
		}
	}
	pass(matchCtx{alias: alias, host: alias, user: user, localUser: localUser})
	if c.wantFinal {
		host := alias
		if hn, ok := v.first["hostname"]; ok {
			host = strings.ReplaceAll(strings.ReplaceAll(hn.value, "%h", alias), "%%", "%")
		}
		if u, ok := v.first["user"]; ok {
			user = u.value
		}
		first, order := v.first, v.order
		v.first, v.order = map[string]cfgKV{}, map[string]int{}
		allBefore := v.all
		v.all = map[string][]cfgKV{}
		pass(matchCtx{alias: alias, host: host, user: user, localUser: localUser, final: true})
		// Keep the first pass's values; the final pass only fills gaps.
		for k, kv := range first {
			v.first[k], v.order[k] = kv, order[k]
		}
		for k, kvs := range allBefore {
			v.all[k] = dedupKVs(append(kvs, v.all[k]...))
		}
	}
	return v
}

func dedupKVs(kvs []cfgKV) []cfgKV {
	seen := map[string]bool{}
	var out []cfgKV
	for _, kv := range kvs {
		k := kv.file + ":" + strconv.Itoa(kv.line)
		if !seen[k] {
			seen[k] = true
			out = append(out, kv)
		}
	}
	return out
}

func (v cfgValues) get(key string) (cfgKV, bool) {
	kv, ok := v.first[key]
	return kv, ok
}

// expandTilde expands a leading ~ or ~user.
func expandTilde(p, home string) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	rest := p[1:]
	name, tail, _ := strings.Cut(rest, "/")
	if name == "" {
		if home == "" {
			return p
		}
		return filepath.Join(home, tail)
	}
	u, err := user.Lookup(name)
	if err != nil {
		return p
	}
	return filepath.Join(u.HomeDir, tail)
}
