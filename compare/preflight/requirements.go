package preflight

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// moduleName matches a Perl package name: Archive::Zip, OLE::Storage_Lite.
var moduleName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*$`)

// readRequirements reads a requirements file: one "Module::Name >= version"
// per line ("Module::Name version" and a bare "Module::Name" are accepted
// too), "#" starts a comment, and "perl >= 5.8.8" sets the Perl minimum.
// A line that is none of these is an error naming its number.
func readRequirements(path string, r io.Reader) (*Release, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxReqBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxReqBytes {
		return nil, fmt.Errorf("%w: requirements file over %d bytes", ErrTooLarge, maxReqBytes)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrNotRelease
	}
	rel := &Release{Path: path, Kind: KindRequirements}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxReqBytes)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		mod, ver, err := requirement(line)
		if err != nil {
			if len(rel.Dists) == 0 && n <= 3 {
				return nil, fmt.Errorf("%w: line %d: %w", ErrNotRelease, n, err)
			}
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if mod == "perl" {
			rel.Perl = ver
			continue
		}
		if seen[mod] {
			return nil, fmt.Errorf("line %d: %s listed twice", n, mod)
		}
		seen[mod] = true
		rel.Dists = append(rel.Dists, Dist{Name: mod, Version: ver, Min: ver,
			Modules: []string{mod}, File: fmt.Sprintf("%s:%d", path, n)})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(rel.Dists) == 0 {
		if rel.Perl != "" {
			return rel, nil
		}
		return nil, ErrNoDists
	}
	return rel, nil
}

// requirement parses "Module [>=|>|==|=] [version]".
func requirement(line string) (module, version string, err error) {
	f := strings.Fields(line)
	if len(f) == 0 || len(f) > 3 {
		return "", "", errors.New("want \"Module::Name >= version\"")
	}
	module = f[0]
	if !moduleName.MatchString(module) {
		return "", "", fmt.Errorf("%q is not a module name", capString(module, 60))
	}
	switch len(f) {
	case 1:
		return module, "", nil
	case 2:
		version = strings.TrimPrefix(f[1], ">=")
	case 3:
		if f[1] != ">=" && f[1] != "=" && f[1] != "==" {
			return "", "", fmt.Errorf("operator %q: only >= is supported", capString(f[1], 10))
		}
		version = f[2]
	}
	if !validVersion(version) {
		return "", "", fmt.Errorf("%q is not a version", capString(version, 40))
	}
	return module, version, nil
}

func capString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
