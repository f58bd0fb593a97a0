package remote

import (
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

// SudoProblem is why "sudo -n" refused to run a command.
type SudoProblem int

// The refusals sudo -n reports.
const (
	SudoRefused    SudoProblem = iota // anything else
	SudoPassword                      // sudo needs a password
	SudoTTY                           // Defaults requiretty
	SudoTooOld                        // sudo < 1.7 has no -n
	SudoNotAllowed                    // the user may not use sudo
)

// sudoLines are the phrases of sudo's refusals, by problem.
var sudoLines = []struct {
	problem SudoProblem
	phrases []string
}{
	{SudoPassword, []string{"password is required", "a terminal is required"}},
	{SudoTTY, []string{"must have a tty"}},
	{SudoTooOld, []string{"illegal option", "usage:"}},
	{SudoNotAllowed, []string{"not in the sudoers", "not allowed", "may not run sudo"}},
}

// SudoRefusal reads what sudo -n wrote on stderr when it refused: the
// problem and the line that says it. Warnings sudo prints first ("unable
// to resolve host ...") are passed over for the refusal itself; when no
// line is known, the last one is sudo's final word.
func SudoRefusal(stderr string) (SudoProblem, string) {
	var last string
	for _, l := range strings.Split(hosttext.Clean(stderr), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		last = l
		for _, s := range sudoLines {
			for _, p := range s.phrases {
				if strings.Contains(l, p) {
					return s.problem, l
				}
			}
		}
	}
	return SudoRefused, last
}

// Explain is the refusal in the words an admin searches for.
func (p SudoProblem) Explain() string {
	switch p {
	case SudoPassword:
		return "sudo needs a password for this user; fleetcheck never types one (sudo -n): allow the probe commands with NOPASSWD"
	case SudoTTY:
		return "sudo requires a tty (Defaults requiretty): add 'Defaults:USER !requiretty' for the audit user"
	case SudoTooOld:
		return "this sudo is too old for -n (sudo < 1.7): use a root login for this host, or sudo: false"
	case SudoNotAllowed:
		return "the user may not run commands with sudo on this host"
	}
	return "sudo -n refused to run the probes"
}
