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
	scannersFound  = regexp.MustCompile(`^Found these virus scanners installed: (.*)$`)
	scannersAuto   = regexp.MustCompile(`^Auto: Found virus scanners: (.*)$`)
	virusTotalRe   = regexp.MustCompile(`^Virus Scanning: Found (\d+) vir`)
	virusEachRe    = regexp.MustCompile(`^Virus Scanning: \S+ found (\d+) infection`)
)

// execFailures are what a failure to execute or map a file (from a noexec
// /tmp, say) looks like.
var execFailures = []string{
	"Permission denied", "failed to map segment", "bad interpreter", "Operation not permitted",
	"cannot execute", "Exec format error", "Segmentation fault", "Killed",
}

// errorMarks start or contain configuration and runtime errors.
var errorMarks = []string{
	"ERROR", "Error in configuration file", "Syntax error", "Unrecognised keyword",
	"Found configuration file error", "Could not use Custom Function", "Cannot open ruleset file",
	"Could not read configuration file", "Can't locate", "Can't load", "Compilation failed",
	"Error: Attempt to create locks", "You want to use SpamAssassin but have not installed it",
	"SpamAssassin reported an error", "FATAL",
}

// warningMarks start or contain warnings.
var warningMarks = []string{
	"Warning", "WARNING", "warn:", "Please move your", "Unrar is not installed",
	"contains illegal characters", "Could not create SpamAssassin cache database",
	"you may want to run", "Failed to find any configuration files", "Seen configuration file",
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
	if es, ok := first(ss, "exit"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(es.Arg)); err == nil {
			l.ExitCode = n
		}
	}
	var raw strings.Builder
	inSA := false
	pendingVersion := false
	eachInfections := -1
	for _, line := range ps.Lines {
		c := clean(line)
		if raw.Len()+len(c)+1 <= maxLintRaw {
			raw.WriteString(c)
			raw.WriteByte('\n')
		}
		t := strings.TrimSpace(c)
		if t == "" {
			continue
		}
		if pendingVersion {
			pendingVersion = false
			if m := versionConfRe.FindStringSubmatch(t); m != nil {
				l.ConfVersion = m[1]
				continue
			}
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
		case inSA && (t == "Using SpamAssassin results cache" || t == "Connected to SpamAssassin cache database"):
			continue
		case inSA:
			if len(l.SpamAssassinLines) < maxLintMessages {
				l.SpamAssassinLines = append(l.SpamAssassinLines, capString(t, 1024))
			}
			if isExecFailure(t) || strings.Contains(t, "error:") || containsAny(t, errorMarks) {
				addLint(&l.Errors, t)
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
		case strings.Contains(t, `Your /tmp needs to be set to "chmod 1777 /tmp"`):
			l.TmpPermission = true
			addLint(&l.Errors, t)
		case strings.HasPrefix(t, "Your envelope_sender_header in") && strings.HasSuffix(t, "is correct."):
		case strings.Contains(t, " said \""): // a virus scanner's EICAR report
		case isExecFailure(t) || containsAny(t, errorMarks):
			addLint(&l.Errors, t)
		case containsAny(t, warningMarks) || perlAtRe.MatchString(t):
			addLint(&l.Warnings, t)
		}
	}
	if l.Infections < 0 && eachInfections >= 0 {
		l.Infections = eachInfections
	}
	l.Raw = raw.String()
	return l, nil
}

// addLint appends a message with Perl's location split off, skipping
// duplicates and keeping the list bounded.
func addLint(list *[]fleet.LintMessage, t string) {
	m := fleet.LintMessage{Text: capString(t, 1024)}
	if p := perlAtRe.FindStringSubmatch(t); p != nil {
		m.Text = capString(p[1], 1024)
		m.File = capString(p[2], 512)
		m.Line, _ = strconv.Atoi(p[3])
	}
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

func isExecFailure(t string) bool { return containsAny(t, execFailures) }

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
