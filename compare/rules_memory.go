package compare

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// swapping reports whether a host has pages out in swap: at least 1 % of
// its memory and 4 MB.
func swapping(m *fleet.Memory) bool {
	return m != nil && m.SwapUsedKB >= max(4096, m.TotalKB/100)
}

func (fl *flattener) memory(m *fleet.Memory) {
	p := fleet.ProbeMemory
	fl.top(p, "swapping", boolStr(swapping(m)), cmpExact)
	fl.top(p, "swap_used_kb", strconv.FormatInt(m.SwapUsedKB, 10), cmpNoise)
	fl.top(p, "available_kb", strconv.FormatInt(m.AvailableKB, 10), cmpNoise)
	fl.top(p, "children", strconv.Itoa(len(m.ChildRSSKB)), cmpNoise)
	if len(m.ChildRSSKB) > 0 {
		fl.top(p, "max_child_rss_kb", strconv.FormatInt(slices.Max(m.ChildRSSKB), 10), cmpNoise)
	}
}

// maxChildren is the host's effective Max Children, 0 when unknown.
func maxChildren(s *fleet.Snapshot) int {
	if p := s.Facts.Processes; p != nil && p.MaxChildren > 0 {
		return p.MaxChildren
	}
	return max(0, configNumber(configValue(s, "maxchildren")))
}

// memoryChildren explains a host whose MailScanner cannot hold Max
// Children children in memory (each child is as large as the largest
// running one), or that swaps while the baseline does not: either makes
// children slower the more of them run, the seed's "worse with more Max
// Children". Critical when both hold.
func memoryChildren(in Input) []Cause {
	m := in.Host.Facts.Memory
	if m == nil {
		return nil
	}
	var ev []string
	c := Cause{Severity: Warning}
	fits := true
	n := maxChildren(in.Host)
	if len(m.ChildRSSKB) > 0 && n > 0 {
		child := slices.Max(m.ChildRSSKB)
		var held int64
		for _, r := range m.ChildRSSKB {
			held += r
		}
		need, have := int64(n)*child, m.AvailableKB+held
		if need > have {
			fits = false
			avail := "MemAvailable"
			if m.AvailableEstimated {
				avail = "available (MemFree + Buffers + Cached: no MemAvailable on this kernel)"
			}
			ev = append(ev, fmt.Sprintf("Max Children = %d × %s (the largest of %d running children) = %s; %s %s + %s the children hold = %s of %s RAM",
				n, fmtKB(child), len(m.ChildRSSKB), fmtKB(need), avail, fmtKB(m.AvailableKB), fmtKB(held), fmtKB(have), fmtKB(m.TotalKB)))
			c.Fix = fmt.Sprintf("set Max Children to at most %d in MailScanner.conf (what fits in %s at %s a child) and restart MailScanner, or add memory", max(1, have/child), fmtKB(have), fmtKB(child))
		}
	}
	bm := in.Base
	swaps := swapping(m) && bm != nil && bm.Facts.Memory != nil && !swapping(bm.Facts.Memory)
	if swaps {
		ev = append(ev, fmt.Sprintf("%s of %s swap in use (baseline %s)", fmtKB(m.SwapUsedKB), fmtKB(m.SwapTotalKB), fmtKB(bm.Facts.Memory.SwapUsedKB)))
		if c.Fix == "" {
			c.Fix = "see what holds memory: `ps -eo rss,args --sort=-rss | head`; lower Max Children in MailScanner.conf until the host stops swapping, or add memory"
		}
	}
	switch {
	case fits && !swaps:
		return nil
	case !fits && swaps:
		c.Severity = Critical
		c.Summary = "Max Children does not fit in memory and the host swaps: each child more makes them all slower"
	case !fits:
		c.Summary = "Max Children does not fit in memory: when MailScanner starts them all, the host swaps"
	default:
		c.Summary = "the host swaps while the baseline does not: MailScanner's children wait on the disk"
	}
	c.Evidence = ev
	c.Findings = factsOf(in.Findings, func(f Finding) bool {
		return f.Probe == fleet.ProbeMemory || (f.Probe == fleet.ProbeMailScannerConfig && f.subject == "maxchildren")
	})
	return []Cause{c}
}

// fmtKB writes a size in KB as KB, MB or GB.
func fmtKB(kb int64) string {
	switch {
	case kb >= 10<<20:
		return fmt.Sprintf("%d GB", kb>>20)
	case kb >= 10<<10:
		return fmt.Sprintf("%d MB", kb>>10)
	}
	return fmt.Sprintf("%d KB", kb)
}
