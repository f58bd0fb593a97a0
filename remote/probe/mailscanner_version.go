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

// The lines of MailScanner -v that readMailScannerVersion and
// mailScannerLoadsFilter both read.
const (
	runningOnLine  = "Running on"
	thisIsPrefix   = "This is "
	requiredHeader = "Module versions are:"
	optionalHeader = "Optional module versions are:"
	missingVersion = "missing"
	// loadedLine starts each line mailScannerLoads hands over.
	loadedLine = "loaded "
)

// mailScannerLoads hands the perl_modules probe, on the host, the modules
// MailScanner -v printed a version for: -v prints a module's version only
// once "use Module" (or require) succeeded in MailScanner's own process,
// so these modules were seen loading and need not be loaded again.
var mailScannerLoads = &Handoff{From: fleet.ProbeMailScannerVersion, Filter: mailScannerLoadsFilter}

// perlMarker is marker in a Perl regular expression.
var perlMarker = strings.ReplaceAll(marker, "@", `\@`)

// mailScannerLoadsFilter copies -v's output (mailScannerVersionCommand's)
// unchanged (cat does when there is no perl) and writes "loaded NAME" on descriptor 5 for each module line
// with a version, reading the lines as readMailScannerVersion does, with
// its own regular expressions. It is stricter: it hands over nothing when
// any line of the output is not printable ASCII, when a second marker
// line follows the path, or when there is no product line, so that every
// name it hands over is one readMailScannerVersion reads as not missing
// (TestMailScannerLoadsFilter checks this on every capture and on
// mangled output).
var mailScannerLoadsFilter = `LC_ALL=C; export LC_ALL
unset PERL5LIB PERLLIB PERL5OPT
P=/usr/bin/perl; [ -x "$P" ] || P=perl
"$P" -e '` + mailScannerLoadsScript + `' || cat`

// mailScannerLoadsScript is mailScannerLoadsFilter's Perl program (5.8).
var mailScannerLoadsScript = `binmode(STDIN); binmode(STDOUT);
my ($in, $bad, $prod, $mode, $ro, %seen, @names) = (0, 0, 0, 0, 0);
while (defined(my $l = <STDIN>)) {
  print $l;
  next if $bad;
  my $c = $l; $c =~ s/\n\z//; $c =~ s/\r\z//;
  if ($c =~ /^` + perlMarker + `/) { if (!$in && $c =~ /^` + perlMarker + `path /) { $in = 1; } else { $bad = 1; } next; }
  next unless $in;
  if ($c =~ /[^\x20-\x7e\t]/) { $bad = 1; next; }
  $c =~ s/[ \t]+\z//;
  (my $t = $c) =~ s/^[ \t]+//;
  if ($ro) { $ro = 0; next if $t ne "" && index($t, "` + thisIsPrefix + `") != 0; }
  if ($t eq "` + runningOnLine + `") { $ro = 1; }
  elsif (index($t, "` + thisIsPrefix + `") == 0) { $prod = 1 if $t =~ /` + productRe.String() + `/; }
  elsif ($t eq "` + requiredHeader + `" || $t eq "` + optionalHeader + `") { $mode = 1; }
  elsif ($mode && $c =~ /` + moduleLineRe.String() + `/ && $1 ne "` + missingVersion + `" && !$seen{$2}++ && @names < 2000) { push @names, $2; }
}
if ($prod && !$bad && open(H, ">&=5")) { print H "` + loadedLine + `$_\n" for @names; close(H); }
`

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

// moduleLine matches a module line, "VERSION<tabs>NAME", as moduleLineRe
// (the pattern the remote filter applies) does, returning its two groups.
// It is written out because it runs on every line of the module lists;
// TestModuleLineMatchesPattern holds it to the pattern.
func moduleLine(l string) (version, name string, ok bool) {
	i := 0
	for i < len(l) && isREspace(rune(l[i])) {
		i++
	}
	j := i
	for j < len(l) && !isREspace(rune(l[j])) {
		j++
	}
	k := j
	for k < len(l) && l[k] == '\t' {
		k++
	}
	if j == i || k == j || !validModuleName(l[k:]) {
		return "", "", false
	}
	return l[i:j], l[k:], true
}

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
			if t != "" && !strings.HasPrefix(t, thisIsPrefix) {
				ms.Uname = capString(t, 1024)
				continue
			}
		}
		// Both patterns start with thisIsPrefix: only such lines are tried.
		var product, perl []string
		if strings.HasPrefix(t, thisIsPrefix) {
			if product = productRe.FindStringSubmatch(t); product == nil {
				perl = perlLineRe.FindStringSubmatch(t)
			}
		}
		var version, name string
		isModule := false
		if mode != "" {
			version, name, isModule = moduleLine(l)
		}
		switch {
		case t == "":
		case t == runningOnLine:
			runningOn = true
		case product != nil:
			ms.Product, ms.Version = product[1], product[2]
		case perl != nil:
			ms.PerlVersion = perl[1]
		case strings.HasPrefix(t, thisIsPrefix):
			if len(ms.OSLines) < 8 {
				ms.OSLines = append(ms.OSLines, capString(strings.TrimPrefix(t, thisIsPrefix), 512))
			}
		case t == requiredHeader:
			mode = "required"
		case t == optionalHeader:
			mode = "optional"
		case isModule:
			mv := fleet.ModuleVersion{Name: name, Version: capString(version, 64), Missing: version == missingVersion}
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
