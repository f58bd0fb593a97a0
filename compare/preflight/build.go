package preflight

import (
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// build turns the entry names of a release into a Release.
func build(path string, names []string) *Release {
	r := &Release{Path: path}
	dists := map[string]Dist{}
	progs := map[string]Program{}
	srcRPM := false
	for _, n := range names {
		e, ok := parseName(n)
		if !ok {
			continue
		}
		if e.isProg {
			if old, ok := progs[e.program.Name]; !ok || compare.PerlVersionCompare(e.program.Version, old.Version) > 0 {
				progs[e.program.Name] = e.program
			}
			continue
		}
		if strings.HasSuffix(n, ".src.rpm") {
			srcRPM = true
		}
		d := e.dist
		if old, ok := dists[d.Name]; ok && compare.PerlVersionCompare(d.Version, old.Version) <= 0 {
			continue
		}
		d.Modules = ModulesOf(d.Name)
		d.Min = minOf(d.Module())
		dists[d.Name] = d
	}
	for _, d := range dists {
		r.Dists = append(r.Dists, d)
	}
	slices.SortFunc(r.Dists, func(a, b Dist) int { return strings.Compare(a.Name, b.Name) })
	for _, p := range progs {
		r.Programs = append(r.Programs, p)
	}
	slices.SortFunc(r.Programs, func(a, b Program) int { return strings.Compare(a.Name, b.Name) })
	r.Kind = kindOf(filepath.Base(path), srcRPM, progs, dists)
	r.Version = progs["MailScanner"].Version
	if r.Version == "" && r.Kind != KindClamSA {
		r.Version = versionFromName(filepath.Base(path))
	}
	if r.Kind != KindClamSA {
		r.Perl = minPerl
	}
	return r
}

// kindOf decides the installer kind from what the release holds, and from
// its name when the contents do not say.
func kindOf(base string, srcRPM bool, progs map[string]Program, dists map[string]Dist) string {
	lower := strings.ToLower(base)
	switch {
	case srcRPM, strings.HasSuffix(lower, ".rpm.tar.gz"), strings.HasSuffix(lower, ".suse.tar.gz"):
		return KindRPM
	case strings.HasPrefix(lower, "install-clam"):
		return KindClamSA
	case strings.HasPrefix(lower, "mailscanner-install"):
		return KindTarball
	}
	if _, ok := progs["MailScanner"]; ok {
		return KindTarball
	}
	if _, ok := progs["clamav"]; ok {
		return KindClamSA
	}
	if _, ok := dists["Mail-SpamAssassin"]; ok {
		return KindClamSA
	}
	return KindTarball
}

// releaseName matches MailScanner-4.84.3-1.rpm.tar.gz and
// MailScanner-install-4.84.3-1.tar.gz (and their unpacked directories).
var releaseName = regexp.MustCompile(`(?i)^mailscanner-(?:install-)?(\d+(?:\.\d+)+)`)

func versionFromName(base string) string {
	if m := releaseName.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	return ""
}

// Describe says in words what the release is, for the report's baseline
// note: "MailScanner 4.84.3 RPM installer, 41 bundled distributions".
func (r *Release) Describe() string {
	var what string
	switch r.Kind {
	case KindRPM:
		what = "RPM installer"
	case KindTarball:
		what = "tarball installer"
	case KindClamSA:
		what = "install-Clam-SA"
	case KindRequirements:
		return pluralise(len(r.Dists), "module requirement") + " from " + filepath.Base(r.Path)
	}
	name := "MailScanner"
	if r.Version != "" {
		name += " " + r.Version
	}
	if r.Kind == KindClamSA {
		name = what
		var parts []string
		for _, p := range r.Programs {
			if p.Name == "clamav" {
				parts = append(parts, "ClamAV "+p.Version)
			}
		}
		for _, d := range r.Dists {
			if d.Name == "Mail-SpamAssassin" {
				parts = append(parts, "SpamAssassin "+d.Version)
			}
		}
		if len(parts) > 0 {
			name += " (" + strings.Join(parts, ", ") + ")"
		}
		return name + ", " + pluralise(len(r.Dists), "bundled distribution")
	}
	return name + " " + what + ", " + pluralise(len(r.Dists), "bundled distribution")
}

func pluralise(n int, what string) string {
	s := strconv.Itoa(n) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
