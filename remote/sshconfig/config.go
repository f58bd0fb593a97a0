package sshconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/kevinburke/ssh_config"
)

// SystemFile is the system-wide ssh_config, read after the user's file.
const SystemFile = "/etc/ssh/ssh_config"

// maxIncludeDepth bounds nested Include directives, as ssh does.
const maxIncludeDepth = 16

// Config is a parsed ssh_config: the user's file, then the system file,
// with their Include files inlined. Lines are tokenized with
// github.com/kevinburke/ssh_config, but Host and Match blocks, Include and
// pattern matching are handled here, because that package rejects a whole
// file over one Match criterion it does not know (RHEL's "Match final
// all"), reads Includes in no defined order and compiles "?" to "zero or
// one character".
type Config struct {
	// UserFile is the user's ssh_config as given to Load (with ~
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

// Load reads the user's ssh_config at path ("" means
// ~/.ssh/config) and then /etc/ssh/ssh_config. Missing files are not an
// error. The warnings name file and line of what could not be honoured
// (unsupported Match criteria, unparsable lines or files, Include
// problems); the rest of the configuration still applies.
func Load(path string) (*Config, []string, error) {
	return LoadFiles(path, SystemFile)
}

// LoadFiles is Load with an explicit system file ("" for
// none), for tests and callers that must not read /etc.
func LoadFiles(userFile, systemFile string) (*Config, []string, error) {
	home, _ := os.UserHomeDir()
	c := &Config{home: home}
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

// Parse parses data as an ssh_config file named name (for
// messages and relative Includes, which resolve under ~/.ssh).
func Parse(name string, data []byte) (*Config, []string, error) {
	home, _ := os.UserHomeDir()
	c := &Config{home: home, UserFile: name}
	var warns []string
	if err := c.parse(name, data, false, 0, nil, &warns); err != nil {
		return nil, warns, err
	}
	return c, warns, nil
}

func (c *Config) load(file string, system bool, depth int, parent *cfgBlock, warns *[]string) error {
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
func (c *Config) parse(file string, data []byte, system bool, depth int, parent *cfgBlock, warns *[]string) error {
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

func (c *Config) addKV(b *cfgBlock, key, value, file string, line int, warns *[]string) {
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

func (c *Config) include(file string, line int, args string, system bool, depth int, cur *cfgBlock, warns *[]string) error {
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
