package sshconfig

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// SystemFile is the system-wide ssh_config, read after the user's file
// unless a file is given as with ssh -F.
const SystemFile = "/etc/ssh/ssh_config"

// maxIncludeDepth bounds nested Include directives, as ssh's
// READCONF_MAX_DEPTH does.
const maxIncludeDepth = 16

// Config is a parsed ssh_config: the files ssh would read, in order, each
// with its Include files parsed where they appear. Host and Match blocks
// are evaluated per host by Resolve and Evaluate, line by line, as ssh
// does.
type Config struct {
	// File is what the openssh transport gives ssh -F: the file this
	// Config was loaded from, "none", or "" when ssh's own default files
	// (~/.ssh/config, then /etc/ssh/ssh_config) were read.
	File string

	env   Env
	files []*file
}

// file is one parsed configuration file.
type file struct {
	name string
	// user is set for the user's configuration (and files it includes):
	// ssh's SSHCONF_USERCONF, which allows ~ in Include and anchors
	// relative Includes in ~/.ssh rather than /etc/ssh.
	user  bool
	lines []line
	// runs are the runs of literal Host blocks, by their first line.
	runs map[int]*hostRun
}

// line is one directive.
type line struct {
	n       int
	keyword string // lower case
	rest    string // everything after the keyword
	args    []string
	// includes are the files an Include line names, globbed and parsed.
	includes []*file
	// bad is set when the line is invalid; ssh would refuse the whole
	// file, fleetcheck skips the line (and said so when loading).
	bad bool
}

// Load reads the ssh_config files ssh would. path "" (or the user's
// ~/.ssh/config itself) means ssh's defaults: ~/.ssh/config, then
// /etc/ssh/ssh_config; "none" means no file at all; any other path is
// read alone, as with ssh -F path. A missing file is not an error. The
// warnings name file and line of what ssh would reject (fleetcheck skips
// the line and goes on).
func Load(path string, env Env) (*Config, []string, error) {
	userFile := filepath.Join(env.Home, ".ssh", "config")
	switch {
	case path == "none":
		return &Config{File: "none", env: env}, nil, nil
	case path == "" || filepath.Clean(expandTilde(path, env.Home)) == userFile:
		return LoadFiles(userFile, SystemFile, env)
	}
	path = expandTilde(path, env.Home)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return &Config{File: "none", env: env},
			[]string{fmt.Sprintf("%s: not found; hosts resolve without an ssh_config", path)}, nil
	}
	c, warns, err := LoadFiles(path, "", env)
	if c != nil {
		c.File = path
	}
	return c, warns, err
}

// LoadFiles reads userFile and then systemFile (either may be "" for
// none, or missing), without -F semantics: File is "".
func LoadFiles(userFile, systemFile string, env Env) (*Config, []string, error) {
	c := &Config{env: env}
	var warns []string
	for _, f := range []struct {
		name string
		user bool
	}{{userFile, true}, {systemFile, false}} {
		if f.name == "" {
			continue
		}
		parsed, err := c.read(f.name, f.user, 0, &warns)
		if err != nil {
			return nil, warns, err
		}
		if parsed != nil {
			c.files = append(c.files, parsed)
		}
	}
	return c, warns, nil
}

// Parse parses data as the user's ssh_config named name (for messages;
// relative Includes resolve under ~/.ssh).
func Parse(name string, data []byte, env Env) (*Config, []string) {
	c := &Config{File: name, env: env}
	var warns []string
	c.files = []*file{c.parse(name, data, true, 0, &warns)}
	return c, warns
}

// read reads and parses one file; a missing file gives nil.
func (c *Config) read(name string, user bool, depth int, warns *[]string) (*file, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ssh_config: %w", err)
	}
	return c.parse(name, data, user, depth, warns), nil
}

// parse splits a file into directives and reads the files its Include
// lines name. What ssh would reject is reported in warns and marked bad.
func (c *Config) parse(name string, data []byte, user bool, depth int, warns *[]string) *file {
	f := &file{name: name, user: user}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		kw, rest, args, err := splitLine(sc.Text())
		if kw == "" && err == nil {
			continue
		}
		l := line{n: n, keyword: kw, rest: rest, args: args}
		if err == nil {
			err = checkLine(&l)
		}
		if err != nil {
			*warns = append(*warns, fmt.Sprintf("%s:%d: %s: %v; line ignored (ssh refuses the file)", name, n, keywordName(kw), err))
			l.bad = true
		} else if kw == "include" {
			l.includes = c.include(f, l, depth, warns)
		}
		f.lines = append(f.lines, l)
	}
	if err := sc.Err(); err != nil {
		*warns = append(*warns, fmt.Sprintf("%s:%d: %v; rest of the file ignored", name, n+1, err))
	}
	f.indexHosts()
	return f
}

// include globs and parses the files of an Include line, as ssh does:
// a relative path is anchored in ~/.ssh (user configuration) or /etc/ssh,
// ~ is expanded with $HOME (by glob(3)), matches come sorted, and a
// pattern that matches nothing is skipped.
func (c *Config) include(f *file, l line, depth int, warns *[]string) []*file {
	var out []*file
	for _, arg := range l.args {
		if strings.HasPrefix(arg, "~") && !f.user {
			*warns = append(*warns, fmt.Sprintf("%s:%d: Include: bad include path %s (~ in a system file); ignored", f.name, l.n, arg))
			continue
		}
		pattern := arg
		if !filepath.IsAbs(arg) && !strings.HasPrefix(arg, "~") {
			if f.user {
				pattern = "~/.ssh/" + arg
			} else {
				pattern = "/etc/ssh/" + arg
			}
		}
		matches, err := glob(globTilde(pattern, c.env))
		if err != nil {
			*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: %v; ignored", f.name, l.n, pattern, err))
			continue
		}
		for _, m := range matches {
			if depth+1 > maxIncludeDepth {
				*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: nested too deeply (ssh stops at %d); ignored", f.name, l.n, m, maxIncludeDepth))
				continue
			}
			if err := checkPerm(m); err != nil {
				*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: %v; ignored (ssh refuses it)", f.name, l.n, m, err))
				continue
			}
			inc, err := c.read(m, f.user, depth+1, warns)
			if err != nil {
				*warns = append(*warns, fmt.Sprintf("%s:%d: Include %s: %v; ignored", f.name, l.n, m, err))
				continue
			}
			if inc != nil {
				out = append(out, inc)
			}
		}
	}
	return out
}

// checkPerm is ssh's check of an included file: owned by root or the
// user, and writable by nobody else.
func checkPerm(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return nil // reported by the read
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if (st.Uid != 0 && int(st.Uid) != os.Getuid()) || fi.Mode().Perm()&0o022 != 0 {
		return errors.New("bad owner or permissions")
	}
	return nil
}

// keywordName is a keyword's canonical spelling, or the keyword itself.
func keywordName(kw string) string {
	if k, ok := keywords[kw]; ok {
		return k.name
	}
	return kw
}
