package probe

import (
	"errors"
	"regexp"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// findMailScanner sets ms to the MailScanner program: the one on PATH, else
// /usr/sbin/MailScanner (v4 RPM, v5), else /opt/MailScanner/bin (v4
// tarball), and prints its path on a marker line ("@@fc none" and exit when
// there is none).
const findMailScanner = `LC_ALL=C; export LC_ALL
unset PERL5LIB PERLLIB PERL5OPT
ms=
if command -v MailScanner >/dev/null 2>&1; then ms=$(command -v MailScanner); fi
for p in /usr/sbin/MailScanner /opt/MailScanner/bin/MailScanner; do
  if [ -z "$ms" ] && [ -x "$p" ]; then ms=$p; fi
done
case "$ms" in /*) ;; *) ms= ;; esac
if [ -z "$ms" ]; then echo "@@fc none"; exit 0; fi
echo "@@fc path $ms"
`

// mailScannerVersionCommand runs MailScanner -v.
const mailScannerVersionCommand = findMailScanner + `"$ms" -v 2>&1 </dev/null`

// MailScannerVersion runs MailScanner -v: versions of MailScanner, Perl and
// every module as MailScanner itself loads them.
var MailScannerVersion = register(Probe{
	Name:     fleet.ProbeMailScannerVersion,
	Command:  mailScannerVersionCommand,
	KeepTail: true,
	Parse:    parseMailScannerVersion,
})

// maxExtraLines bounds the unrecognised lines kept.
const maxExtraLines = 200

func parseMailScannerVersion(r Result, f *fleet.Facts) error {
	return store(&f.MailScanner, readMailScannerVersion, r.Stdout)
}

var (
	productRe    = regexp.MustCompile(`^This is (MailScanner|Baruwa) version (\S+)`)
	perlLineRe   = regexp.MustCompile(`^This is Perl version (.+)$`)
	moduleLineRe = regexp.MustCompile(`^\s*(\S+)\t+([A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*)$`)
)

// readMailScannerVersion parses MailScanner -v. It keys on module names,
// never on line positions, and keeps lines it does not know in Extra.
func readMailScannerVersion(b []byte) (*fleet.MailScanner, error) {
	ss := sections(b)
	if _, none := first(ss, "none"); none {
		return nil, ErrNotApplicable
	}
	ps, ok := first(ss, "path")
	if !ok {
		return nil, errors.New("mailscanner_version: no output")
	}
	ms := &fleet.MailScanner{Path: clean(ps.Arg), Modules: []fleet.ModuleVersion{}, Optional: []fleet.ModuleVersion{}}
	mode := ""
	runningOn := false
	extra := func(l string) {
		if len(ms.Extra) < maxExtraLines {
			ms.Extra = append(ms.Extra, capString(l, 512))
		}
	}
	for _, raw := range ps.Lines {
		l := clean(raw)
		t := strings.TrimSpace(l)
		if runningOn {
			runningOn = false
			if t != "" && !strings.HasPrefix(t, "This is ") {
				ms.Uname = capString(t, 1024)
				continue
			}
		}
		switch {
		case t == "":
		case t == "Running on":
			runningOn = true
		case productRe.MatchString(t):
			m := productRe.FindStringSubmatch(t)
			ms.Product, ms.Version = m[1], m[2]
		case perlLineRe.MatchString(t):
			ms.PerlVersion = perlLineRe.FindStringSubmatch(t)[1]
		case strings.HasPrefix(t, "This is "):
			if len(ms.OSLines) < 8 {
				ms.OSLines = append(ms.OSLines, capString(strings.TrimPrefix(t, "This is "), 512))
			}
		case t == "Module versions are:":
			mode = "required"
		case t == "Optional module versions are:":
			mode = "optional"
		case mode != "" && moduleLineRe.MatchString(l):
			m := moduleLineRe.FindStringSubmatch(l)
			mv := fleet.ModuleVersion{Name: m[2], Version: capString(m[1], 64), Missing: m[1] == "missing"}
			if mode == "required" && len(ms.Modules) < maxModules {
				ms.Modules = append(ms.Modules, mv)
			} else if mode == "optional" && len(ms.Optional) < maxModules {
				ms.Optional = append(ms.Optional, mv)
			}
		default:
			extra(t)
		}
	}
	if ms.Version == "" {
		return nil, errors.New("mailscanner_version: no version line in MailScanner -v output")
	}
	return ms, nil
}
