package probe

import (
	"path"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// configDirs are the MailScanner.conf settings (normalised keys) naming
// directories whose mount matters.
var configDirs = []string{"incomingworkdir", "spamassassintemporarydir", "quarantinedir", "lockfiledir"}

// Derive fills the facts that need more than one probe. Collect calls it
// once, after every probe of a host has been parsed. It only adds facts.
func Derive(f *fleet.Facts) {
	DeriveMountPaths(f)
	deriveMaxChildren(f)
}

// DeriveMountPaths adds a PathMount for each directory MailScanner.conf
// configures (Incoming Work Dir, SpamAssassin Temporary Dir, Quarantine Dir,
// Lockfile Dir), with Source set to the config key. It needs f.Config and
// f.Mounts; sizes are unknown (no df was run on them). Whether the
// directory exists is known only when the mounts probe looked at the same
// path; otherwise it is taken as existing.
func DeriveMountPaths(f *fleet.Facts) {
	if f == nil || f.Config == nil || f.Mounts == nil || len(f.Mounts.All) == 0 {
		return
	}
	for _, key := range configDirs {
		v, ok := f.Config.Values[key]
		if !ok || v.Secret {
			continue
		}
		dir := strings.TrimSpace(v.Value)
		if !strings.HasPrefix(dir, "/") || strings.ContainsAny(dir, "%&\n") {
			continue // empty, relative, a ruleset or a custom function
		}
		dir = path.Clean(dir)
		if hasPathSource(f.Mounts.Paths, dir, key) {
			continue
		}
		pm := fleet.PathMount{Path: dir, Exists: true, Source: key}
		real := dir
		for _, known := range f.Mounts.Paths {
			if known.Path == dir && known.Source == "default" {
				pm.Exists = known.Exists
				if known.RealPath != "" {
					pm.RealPath, real = known.RealPath, known.RealPath
				}
			}
		}
		fillPathMount(&pm, f.Mounts.All, real)
		f.Mounts.Paths = append(f.Mounts.Paths, pm)
	}
}

// hasPathSource reports whether paths already holds dir for source.
func hasPathSource(paths []fleet.PathMount, dir, source string) bool {
	for _, p := range paths {
		if p.Path == dir && p.Source == source {
			return true
		}
	}
	return false
}

// deriveMaxChildren copies the effective Max Children setting to Processes.
func deriveMaxChildren(f *fleet.Facts) {
	if f == nil || f.Config == nil || f.Processes == nil {
		return
	}
	v, ok := f.Config.Values["maxchildren"]
	if !ok {
		return
	}
	if n, ok := configNumber(v.Value); ok && n > 0 && n < 1<<31 {
		f.Processes.MaxChildren = int(n)
	}
}

// configNumber reads a MailScanner number, which may carry a k, m or g suffix.
func configNumber(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "k"):
		mult, s = 1000, s[:len(s)-1]
	case strings.HasSuffix(s, "m"):
		mult, s = 1000000, s[:len(s)-1]
	case strings.HasSuffix(s, "g"):
		mult, s = 1000000000, s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}
