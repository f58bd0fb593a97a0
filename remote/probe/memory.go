package probe

import (
	"errors"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// memoryCommand prints /proc/meminfo and the resident size of MailScanner's
// processes (ps -o rss, procps 3.2 of CentOS 4/5 and later; only the header
// and MailScanner's lines leave the host, as for the processes probe).
const memoryCommand = `LC_ALL=C; export LC_ALL
echo "@@fc meminfo"
cat /proc/meminfo
echo "@@fc ps"
{ ps -ww -eo pid,ppid,rss,args 2>/dev/null || ps -eo pid,ppid,rss,args; } |
  ` + mailScannerLines

// Memory reads the memory and swap of the host and how much of it
// MailScanner's master and children hold.
var Memory = register(Probe{
	Name:    fleet.ProbeMemory,
	Command: memoryCommand,
	Parse:   parseMemory,
})

func parseMemory(r Result, f *fleet.Facts) error { return store(&f.Memory, readMemory, r.Stdout) }

// readMemory parses the output of memoryCommand. Without MemAvailable
// (kernels before 3.14), the memory available is estimated as the kernel
// did before it had the field: MemFree + Buffers + Cached + SReclaimable.
func readMemory(b []byte) (*fleet.Memory, error) {
	ss := sections(b)
	mi, ok := first(ss, "meminfo")
	if !ok {
		return nil, errors.New("memory: no /proc/meminfo output")
	}
	kb := map[string]int64{}
	for _, l := range mi.Lines {
		name, rest, ok := strings.Cut(l, ":")
		fs := strings.Fields(rest)
		if !ok || len(fs) == 0 {
			continue
		}
		if n, err := strconv.ParseInt(fs[0], 10, 64); err == nil && n >= 0 {
			kb[name] = n
		}
	}
	total, ok := kb["MemTotal"]
	if !ok || total <= 0 {
		return nil, errors.New("memory: /proc/meminfo has no MemTotal")
	}
	m := &fleet.Memory{TotalKB: total, SwapTotalKB: kb["SwapTotal"], MasterRSSKB: []int64{}, ChildRSSKB: []int64{}}
	if avail, ok := kb["MemAvailable"]; ok {
		m.AvailableKB = avail
	} else {
		m.AvailableKB = min(total, kb["MemFree"]+kb["Buffers"]+kb["Cached"]+kb["SReclaimable"])
		m.AvailableEstimated = true
	}
	m.SwapUsedKB = max(0, kb["SwapTotal"]-kb["SwapFree"]-kb["SwapCached"])
	if ps, ok := first(ss, "ps"); ok {
		m.MasterRSSKB, m.ChildRSSKB = readRSS(ps.Lines)
	}
	return m, nil
}

// rssProc is one "PID PPID RSS ARGS" line of ps.
type rssProc struct {
	pid, ppid int
	rss       int64
}

// readRSS returns the resident sizes of MailScanner's masters and
// children, by PID order.
func readRSS(lines []string) (master, children []int64) {
	var ms []rssProc
	for i, l := range lines {
		fs := strings.Fields(l)
		if i == 0 || len(fs) < 4 || len(ms) == maxProcesses {
			continue
		}
		pid, err1 := strconv.Atoi(fs[0])
		ppid, err2 := strconv.Atoi(fs[1])
		rss, err3 := strconv.ParseInt(fs[2], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || rss < 0 || !isMailScanner(strings.Join(fs[3:], " ")) {
			continue
		}
		ms = append(ms, rssProc{pid, ppid, rss})
	}
	m, c := mailScannerTree(ms, func(p rssProc) (int, int) { return p.pid, p.ppid })
	return rssOf(m), rssOf(c)
}

func rssOf(ps []rssProc) []int64 {
	out := make([]int64, len(ps))
	for i, p := range ps {
		out[i] = p.rss
	}
	return out
}
