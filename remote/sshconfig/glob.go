package sshconfig

import (
	"os"
	"os/user"
	"path"
	"slices"
	"strings"
)

// globTilde expands a leading ~ or ~user as glob(3) with GLOB_TILDE does:
// "~" is $HOME (else the passwd home), "~user" that user's home; an
// unknown user leaves the pattern as it is.
func globTilde(pattern string, env Env) string {
	if !strings.HasPrefix(pattern, "~") {
		return pattern
	}
	name, tail, hasSlash := strings.Cut(pattern[1:], "/")
	var home string
	if name == "" {
		home = env.globHome()
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return pattern
		}
		home = u.HomeDir
	}
	if !hasSlash {
		return home
	}
	return strings.TrimSuffix(home, "/") + "/" + tail
}

// glob returns the existing paths matching pattern, sorted bytewise as
// glibc's glob(3) sorts them in the C locale. As there, a wildcard never
// matches a leading dot, "[!...]" negates, and a pattern without
// wildcards matches only an existing path.
func glob(pattern string) ([]string, error) {
	if !hasMagic(pattern) {
		if _, err := os.Lstat(pattern); err != nil {
			return nil, nil
		}
		return []string{pattern}, nil
	}
	parts := strings.Split(pattern, "/")
	start := []string{""}
	if parts[0] == "" { // absolute
		start = []string{"/"}
		parts = parts[1:]
	}
	paths := start
	for i, part := range parts {
		last := i == len(parts)-1
		var next []string
		for _, dir := range paths {
			if part == "" {
				continue
			}
			if !hasMagic(part) {
				p := join(dir, part)
				if _, err := os.Lstat(p); err == nil {
					next = append(next, p)
				}
				continue
			}
			open := dir
			if open == "" {
				open = "."
			}
			entries, err := os.ReadDir(open)
			if err != nil {
				continue
			}
			pat := fnmatchToGo(part)
			for _, e := range entries {
				name := e.Name()
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(part, ".") {
					continue
				}
				ok, err := path.Match(pat, name)
				if err != nil {
					return nil, err
				}
				if ok && (last || e.IsDir() || isDirLink(join(dir, name))) {
					next = append(next, join(dir, name))
				}
			}
		}
		paths = next
	}
	slices.Sort(paths)
	return paths, nil
}

func join(dir, name string) string {
	switch dir {
	case "":
		return name
	case "/":
		return "/" + name
	}
	return dir + "/" + name
}

func isDirLink(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// hasMagic reports whether s has glob wildcards.
func hasMagic(s string) bool {
	return strings.ContainsAny(s, "*?[")
}

// fnmatchToGo turns fnmatch's "[!...]" into path.Match's "[^...]".
func fnmatchToGo(p string) string {
	return strings.ReplaceAll(p, "[!", "[^")
}
