package probe

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// mailScannerLintCommand runs MailScanner --lint with stderr folded into
// stdout, and prints its exit status on a last marker line; a hung lint
// never gets there.
const mailScannerLintCommand = findMailScanner + `"$ms" --lint 2>&1 </dev/null
echo "@@fc exit $?"`

// MailScannerLint runs MailScanner --lint and classifies what it says. It
// may hang (the seed's hang): it runs alone, and a timed-out lint is a fact.
var MailScannerLint = register(Probe{
	Name:         fleet.ProbeMailScannerLint,
	Command:      mailScannerLintCommand,
	Sudo:         true,
	Timeout:      60 * time.Second,
	Alone:        true,
	ParseTimeout: true,
	KeepTail:     true,
	Parse:        parseMailScannerLint,
})

// Limits of the lint facts.
const (
	maxLintRaw      = 64 << 10
	maxLintMessages = 500
)

func parseMailScannerLint(r Result, f *fleet.Facts) error {
	return store(&f.Lint, readMailScannerLint, r)
}

var (
	// perlAtRe splits Perl's " at FILE line N." (and ", <FH> line M.") off a message.
	perlAtRe       = regexp.MustCompile(`^(.*?)\s+at (\S+) line (\d+)(?:, <[^>]*> (?:line|chunk) \d+)?\.?$`)
	versionOKRe    = regexp.MustCompile(`^Version number in MailScanner\.conf \(([^)]*)\) is correct`)
	versionDiffRe  = regexp.MustCompile(`^Version installed \(([^)]*)\) does not match version stated in`)
	versionConfRe  = regexp.MustCompile(`^MailScanner\.conf file \(([^)]*)\)`)
	scannersConfRe = regexp.MustCompile(`^MailScanner\.conf says "Virus Scanners = (.*)"$`)
	scannersFound  = regexp.MustCompile(`^Found these virus scanners installed:\s*(.*)$`)
	// mailscanner.sbin (4.x and 5.x) for Virus Scanners = auto.
	scannersAuto = regexp.MustCompile(`^Auto: Found virus scanners: (.*)$`)
	// MessageBatch.pm's NoticeLog("Virus Scanning: Found %d viruses") and
	// SweepViruses.pm's "<Scanner> found %d infections" (4.84.3 and 5.5.3).
	virusTotalRe = regexp.MustCompile(`^Virus Scanning: Found (\d+) vir`)
	virusEachRe  = regexp.MustCompile(`^Virus Scanning: \S+ found (\d+) infection`)
	// perl's fatal errors that name a package: the lint-dies captures
	// ("Undefined subroutine &Archive::Zip::setErrorHandler called at
	// .../Message.pm line 3342.") and perl's own wording for a method a
	// module lacks (perldiag: Can't locate object method "%s" via package "%s").
	undefinedSubRe = regexp.MustCompile(`^Undefined subroutine &((?:\w+::)*\w+)::\w+ called`)
	noMethodRe     = regexp.MustCompile(`^Can't locate object method "[^"]*" via package "([\w:]+)"`)
)

// lintInfo are lines of a healthy lint: every one is in the real captures
// of 4.84.3 and 5.5.3 (remote/lab/testdata/captures) unless its comment
// names the source line that prints it.
var lintInfo = []string{
	"Trying to setlogsock(unix)", "Reading configuration file ", "Read ", "Checking version numbers...",
	"This is required for RAR archives to be read to check", "filenames and filetypes. Virus scanning is not affected.",
	"to ensure your MailScanner.conf file contains all the latest settings.",
	"Using SpamAssassin results cache", "Connected to SpamAssassin cache database",
	"Connected to Processing Attempts Database", "Created Processing Attempts Database successfully",
	"There are ", "Using locktype = ", "=====", "Virus and Content Scanning: Starting",
	"If any of your virus scanners (", "are not listed there, you should check that they are installed correctly",
	"and that MailScanner is finding them correctly via its virus.scanners.conf.",
	// mailscanner.sbin (4.84.3 line 596, 5.5.3 line 612), after an EICAR report.
	"Virus Scanner test reports:",
	// SA.pm 4.84.3 lines 178-179 and 5.5.3 line 171: the rest of the
	// SpamAssassin-missing message.
	"Please download http://www.sng.ecs.soton.ac.uk/mailscanner/files/4/install-Clam-SA.tar.gz",
	"I will run without SpamAssassin for now",
}

// lintNoise is perl's own chatter that says nothing about the box: the
// 4.84.3 captures on perl >= 5.28 start with five of these (IO deprecated
// a parameterless "use IO", which five 4.84.3 modules have).
var lintNoise = []string{`Parameterless "use IO" deprecated`}

// lintErrors start or contain configuration and runtime errors.
var lintErrors = []string{
	// Captured: a wrong envelope_sender_header, libclamav failing in the
	// EICAR test, clamscan without a database, SpamAssassin not loadable,
	// unknown keywords (remote/probe/testdata/mailscanner_lint/lab-4.84.3-first-conf.txt).
	"ERROR", "LibClamAV Error", "You want to use SpamAssassin but have not installed it",
	"Unrecognised keyword", "Syntax error(s) in configuration file",
	// SA.pm 4.84.3 line 245, 5.5.3 line 239: lint_rules found errors.
	"SpamAssassin reported an error",
	// mailscanner.sbin 4.84.3 line 420, 5.5.3 line 460: ms-create-locks failed.
	"Error: Attempt to create locks",
	// mailscanner.sbin 4.84.3 line 512: IO::File->new_tmpfile failed.
	`Your /tmp needs to be set to "chmod 1777 /tmp"`,
	// perl, when a module MailScanner or SpamAssassin loads is missing or
	// cannot load (perldiag).
	"Can't locate ", "Can't load ", "Compilation failed",
}

// lintWarnings start or contain warnings.
var lintWarnings = []string{
	// Captured: no unrar, no Custom Functions directory, languages.conf
	// not read, syntax errors summary, SpamAssassin without a usable Net::DNS.
	"Unrar is not installed", "Could not read Custom Functions directory", "Looked up unknown string",
	"Warning", "dns: resolver create failed",
	// mailscanner.sbin 4.84.3 line 414: Lockfile Dir under /tmp.
	"Please move your",
	// mailscanner.sbin 4.84.3 line 469: %org-name% with spaces or dots.
	"contains illegal characters",
}

// readMailScannerLint classifies MailScanner --lint output.
func readMailScannerLint(r Result) (*fleet.Lint, error) {
	ss := sections(r.Stdout)
	if _, none := first(ss, "none"); none {
		return nil, ErrNotApplicable
	}
	ps, ok := first(ss, "path")
	if !ok {
		if r.TimedOut {
			return &fleet.Lint{TimedOut: true, ExitCode: r.ExitCode, Errors: []fleet.LintMessage{}, Warnings: []fleet.LintMessage{}, Infections: -1}, nil
		}
		return nil, errors.New("mailscanner_lint: no output")
	}
	l := &fleet.Lint{TimedOut: r.TimedOut, ExitCode: r.ExitCode, Errors: []fleet.LintMessage{}, Warnings: []fleet.LintMessage{}, Infections: -1}
	exited := false
	if es, ok := first(ss, "exit"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(es.Arg)); err == nil {
			l.ExitCode, exited = n, true
		}
	}
	var raw strings.Builder
	inSA := false
	pendingVersion := false
	eachInfections := -1
	last := ""
	for _, line := range ps.Lines {
		c := clean(line)
		t := strings.TrimSpace(c)
		if hasPrefixAny(t, lintNoise) {
			continue // not even in Raw: it says nothing about the box
		}
		if raw.Len()+len(c)+1 <= maxLintRaw {
			raw.WriteString(c)
			raw.WriteByte('\n')
		}
		if t == "" {
			continue
		}
		last = t
		if pendingVersion {
			pendingVersion = false
			if m := versionConfRe.FindStringSubmatch(t); m != nil {
				l.ConfVersion = m[1]
				continue
			}
		}
		if d := lintDeath(t); d != nil {
			l.Died = d
			addLint(&l.Errors, t)
			continue
		}
		switch {
		case strings.HasPrefix(t, "Checking for SpamAssassin errors"):
			inSA = true
			continue
		case t == "SpamAssassin reported no errors.":
			inSA, l.SpamAssassin = false, "ok"
			continue
		case t == "SpamAssassin reported an error.":
			inSA, l.SpamAssassin = false, "error"
			addLint(&l.Errors, t)
			continue
		case strings.HasPrefix(t, "You want to use SpamAssassin but have not installed it"):
			// SA.pm returns without a "reported" line (4.84.3, 5.5.3).
			inSA, l.SpamAssassin = false, "error"
			addLint(&l.Errors, t)
			continue
		case inSA && (strings.HasPrefix(t, "Connected to Processing Attempts Database") || strings.HasPrefix(t, "Using locktype")):
			// 4.84.3 and 5.5.3 go on without a "reported" line when Use
			// SpamAssassin is no.
			inSA = false
		case inSA && hasPrefixAny(t, lintInfo):
			continue
		case inSA:
			if len(l.SpamAssassinLines) < maxLintMessages {
				l.SpamAssassinLines = append(l.SpamAssassinLines, capString(t, 1024))
			}
			switch {
			case strings.Contains(t, "error:") || containsAny(t, lintErrors):
				addLint(&l.Errors, t)
			case containsAny(t, lintWarnings):
				addLint(&l.Warnings, t)
			}
			continue
		}
		if m := versionOKRe.FindStringSubmatch(t); m != nil {
			ok := true
			l.VersionOK, l.ConfVersion, l.InstalledVersion = &ok, m[1], m[1]
			continue
		}
		if m := versionDiffRe.FindStringSubmatch(t); m != nil {
			bad := false
			l.VersionOK, l.InstalledVersion = &bad, m[1]
			pendingVersion = true
			addLint(&l.Warnings, t)
			continue
		}
		if m := scannersConfRe.FindStringSubmatch(t); m != nil {
			l.VirusScannersConfigured = strings.Fields(m[1])
			continue
		}
		if m := scannersFound.FindStringSubmatch(t); m != nil {
			l.VirusScannersFound = appendUnique(l.VirusScannersFound, splitList(m[1])...)
			continue
		}
		if m := scannersAuto.FindStringSubmatch(t); m != nil {
			l.VirusScannersFound = appendUnique(l.VirusScannersFound, splitList(m[1])...)
			continue
		}
		if m := virusTotalRe.FindStringSubmatch(t); m != nil {
			l.Infections, _ = strconv.Atoi(m[1])
			continue
		}
		if m := virusEachRe.FindStringSubmatch(t); m != nil {
			n, _ := strconv.Atoi(m[1])
			if eachInfections < 0 {
				eachInfections = 0
			}
			eachInfections += n
			continue
		}
		switch {
		case hasPrefixAny(t, lintInfo):
		case strings.Contains(t, `Your /tmp needs to be set to "chmod 1777 /tmp"`):
			l.TmpPermission = true
			addLint(&l.Errors, t)
		case strings.HasPrefix(t, "Your envelope_sender_header in") && strings.HasSuffix(t, "is correct."):
		case strings.Contains(t, " said \""): // a virus scanner's EICAR report (mailscanner.sbin 4.84.3 line 603)
		case containsAny(t, lintErrors):
			addLint(&l.Errors, t)
		case containsAny(t, lintWarnings) || perlAtRe.MatchString(t):
			// An unknown line in perl's "at FILE line N." form is perl's warn().
			addLint(&l.Warnings, t)
		}
	}
	// perl exits 255 when it dies; its message is the last thing it says.
	if l.Died == nil && exited && l.ExitCode == 255 && perlAtRe.MatchString(last) {
		l.Died = &fleet.LintDeath{LintMessage: lintMessage(last)}
		addLint(&l.Errors, last)
	}
	if l.Infections < 0 && eachInfections >= 0 {
		l.Infections = eachInfections
	}
	l.Raw = raw.String()
	return l, nil
}

// lintDeath recognises perl's fatal errors that name a package.
func lintDeath(t string) *fleet.LintDeath {
	for _, re := range []*regexp.Regexp{undefinedSubRe, noMethodRe} {
		if m := re.FindStringSubmatch(t); m != nil {
			return &fleet.LintDeath{LintMessage: lintMessage(t), Package: capString(m[1], 256)}
		}
	}
	return nil
}

// lintMessage splits Perl's location off a message.
func lintMessage(t string) fleet.LintMessage {
	m := fleet.LintMessage{Text: capString(t, 1024)}
	if p := perlAtRe.FindStringSubmatch(t); p != nil {
		m.Text = capString(p[1], 1024)
		m.File = capString(p[2], 512)
		m.Line, _ = strconv.Atoi(p[3])
	}
	return m
}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// addLint appends a message with Perl's location split off, skipping
// duplicates and keeping the list bounded.
func addLint(list *[]fleet.LintMessage, t string) {
	m := lintMessage(t)
	if len(*list) >= maxLintMessages {
		return
	}
	for _, x := range *list {
		if x == m {
			return
		}
	}
	*list = append(*list, m)
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// splitList splits "clamd, sophos" or "clamd,sophos".
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, capString(f, 64))
	}
	return out
}

func appendUnique(list []string, xs ...string) []string {
	for _, x := range xs {
		dup := false
		for _, y := range list {
			dup = dup || y == x
		}
		if !dup && len(list) < 64 {
			list = append(list, x)
		}
	}
	return list
}
