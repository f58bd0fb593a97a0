package probe

import (
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// processesCommand lists processes with their parent, state, elapsed and
// CPU time (procps 3.2 of CentOS 4/5 and later). Only the header and the
// lines mentioning MailScanner leave the host: other command lines may
// hold secrets.
const processesCommand = `LC_ALL=C; export LC_ALL
{ ps -ww -eo pid,ppid,stat,etime,time,args 2>/dev/null || ps -eo pid,ppid,stat,etime,time,args; } |
  ` + mailScannerLines

// mailScannerLines keeps ps's header and the lines mentioning MailScanner.
const mailScannerLines = `awk 'NR == 1 || /[Mm]ail[Ss]canner/'`

// Processes finds the MailScanner master processes and their children.
var Processes = register(Probe{
	Name:    fleet.ProbeProcesses,
	Command: processesCommand,
	Parse:   parseProcesses,
})

// maxProcesses bounds the processes kept per host.
const maxProcesses = 10000

func parseProcesses(r Result, f *fleet.Facts) error {
	return store(&f.Processes, readProcesses, r.Stdout)
}

// readProcesses parses ps output and keeps MailScanner's processes: a
// master is one whose parent is not MailScanner (init, or a wrapper), its
// children are the MailScanner processes whose parent is a master.
func readProcesses(b []byte) (*fleet.Processes, error) {
	lines := splitLines(b, maxProcesses+1)
	if len(lines) == 0 || !strings.Contains(lines[0], "PID") {
		return nil, errors.New("processes: no ps header")
	}
	var ms []fleet.Process
	for _, l := range lines[1:] {
		if p, ok := psLine(l); ok && isMailScanner(p.Args) {
			ms = append(ms, p)
		}
	}
	master, children := mailScannerTree(ms, func(p fleet.Process) (int, int) { return p.PID, p.PPID })
	return &fleet.Processes{Master: master, Children: children}, nil
}

// mailScannerTree splits MailScanner's processes into masters (those whose
// parent is not MailScanner: init, or a wrapper) and their children (the
// MailScanner processes whose parent is a master), each sorted by PID.
// Both are non-nil.
func mailScannerTree[T any](ms []T, ids func(T) (pid, ppid int)) (master, children []T) {
	isMS := map[int]bool{}
	for _, p := range ms {
		pid, _ := ids(p)
		isMS[pid] = true
	}
	master, children = []T{}, []T{}
	isMaster := map[int]bool{}
	for _, p := range ms {
		if pid, ppid := ids(p); ppid <= 1 || !isMS[ppid] {
			master = append(master, p)
			isMaster[pid] = true
		}
	}
	for _, p := range ms {
		if pid, ppid := ids(p); !isMaster[pid] && isMaster[ppid] {
			children = append(children, p)
		}
	}
	byPID := func(a, b T) int {
		pa, _ := ids(a)
		pb, _ := ids(b)
		return pa - pb
	}
	slices.SortFunc(master, byPID)
	slices.SortFunc(children, byPID)
	return master, children
}

// psLine reads "PID PPID STAT ELAPSED TIME ARGS".
func psLine(l string) (fleet.Process, bool) {
	fs := strings.Fields(l)
	if len(fs) < 6 {
		return fleet.Process{}, false
	}
	pid, err1 := strconv.Atoi(fs[0])
	ppid, err2 := strconv.Atoi(fs[1])
	et, ok1 := psDuration(fs[3])
	ct, ok2 := psDuration(fs[4])
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return fleet.Process{}, false
	}
	// args keep their inner spacing: cut after the fifth field
	rest := strings.TrimLeft(l, " ")
	for i := 0; i < 5; i++ {
		j := strings.IndexAny(rest, " \t")
		if j < 0 {
			return fleet.Process{}, false
		}
		rest = strings.TrimLeft(rest[j:], " \t")
	}
	return fleet.Process{PID: pid, PPID: ppid, Stat: clean(fs[2]), ElapsedSec: et, CPUSec: ct, Args: capString(clean(rest), 1024)}, true
}

// psDuration reads ps's etime "[[dd-]hh:]mm:ss" and time "[dd-]hh:mm:ss".
func psDuration(s string) (int64, bool) {
	var days int64
	if d, rest, ok := strings.Cut(s, "-"); ok {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil || n < 0 || n > 1e6 {
			return 0, false
		}
		days, s = n, rest
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var secs int64
	for _, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > 1e6 {
			return 0, false
		}
		secs = secs*60 + n
	}
	return days*86400 + secs, true
}

// isMailScanner reports whether a command line is a MailScanner process:
// its program (or the script perl runs) is MailScanner, or its title was
// set to "MailScanner: ...".
func isMailScanner(args string) bool {
	fs := strings.Fields(args)
	if len(fs) == 0 {
		return false
	}
	if strings.HasPrefix(fs[0], "MailScanner:") {
		return true
	}
	rest := fs[1:]
	if strings.HasPrefix(path.Base(fs[0]), "perl") {
		rest = nil
		for i, a := range fs[1:] {
			if !strings.HasPrefix(a, "-") {
				fs, rest = fs[i+1:], fs[i+2:]
				break
			}
		}
	}
	if path.Base(fs[0]) != "MailScanner" {
		return false
	}
	for _, a := range rest {
		if oneShotArgs[a] {
			return false
		}
	}
	return true
}

// oneShotArgs make MailScanner print something and exit (-v, --lint...):
// such a run (fleetcheck's own probes among them) is not the daemon.
var oneShotArgs = map[string]bool{
	"-v": true, "-V": true, "--version": true, "--Version": true, "--lint": true, "--lintlite": true,
	"--lintlight": true, "-c": true, "--changed": true, "-h": true, "--help": true, "--processing": true,
}
