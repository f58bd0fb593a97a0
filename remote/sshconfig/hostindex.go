package sshconfig

import "strings"

// hostRun is a run of consecutive Host blocks that an evaluation can
// look up by name instead of walking: every pattern of their Host lines is
// a literal name (no *, ? or !), and their bodies hold only settings (no
// Include, no unknown keyword), which do nothing while their block is
// inactive. A fleet's generated ssh_config is thousands of such blocks,
// one per host; walking them all for every host made a run quadratic.
type hostRun struct {
	// hosts are the indexes in file.lines of the run's Host lines; end
	// is the index of the first line after the run.
	hosts []int
	end   int
	// byName maps a name to the positions in hosts of the blocks whose
	// Host line lists it, in file order.
	byName map[string][]int
}

// minIndexedBlocks is the shortest run worth an index.
const minIndexedBlocks = 8

// literalHost reports whether l is a valid Host line of literal names:
// it matches a host exactly when one of its arguments is the host.
func literalHost(l line) bool {
	if l.keyword != "host" || l.bad {
		return false
	}
	for _, p := range l.args {
		if strings.ContainsAny(p, "*?") || strings.HasPrefix(p, "!") {
			return false
		}
	}
	return true
}

// inertWhenInactive reports whether l, inside a block, does nothing when
// the block does not match: a setting ssh knows, or a line already
// skipped as bad.
func inertWhenInactive(l line) bool {
	if l.bad {
		return true
	}
	switch l.keyword {
	case "host", "match", "include":
		return false
	}
	_, known := keywords[l.keyword]
	return known
}

// indexHosts finds f's runs of literal Host blocks, keyed by the index of
// their first Host line.
func (f *file) indexHosts() {
	var run *hostRun
	closeRun := func(end int) {
		if run != nil && len(run.hosts) >= minIndexedBlocks {
			run.end = end
			if f.runs == nil {
				f.runs = map[int]*hostRun{}
			}
			f.runs[run.hosts[0]] = run
		}
		run = nil
	}
	for i := 0; i < len(f.lines); {
		l := f.lines[i]
		if !literalHost(l) {
			closeRun(i)
			i++
			continue
		}
		j := i + 1
		for j < len(f.lines) && inertWhenInactive(f.lines[j]) {
			j++
		}
		if j < len(f.lines) && f.lines[j].keyword != "host" && f.lines[j].keyword != "match" {
			// The block holds an Include or an unknown keyword: walk it.
			closeRun(i)
			i = j
			continue
		}
		if run == nil {
			run = &hostRun{byName: map[string][]int{}}
		}
		for _, name := range l.args {
			if k := run.byName[name]; len(k) == 0 || k[len(k)-1] != len(run.hosts) {
				run.byName[name] = append(k, len(run.hosts))
			}
		}
		run.hosts = append(run.hosts, i)
		i = j
	}
	closeRun(len(f.lines))
}

// run evaluates a run of literal Host blocks as file would, line by line:
// the blocks that list the host apply their settings, in order, and the
// run leaves active as its last Host line set it.
func (ev *evaluation) run(f *file, r *hostRun, active *bool, neverMatch bool) error {
	*active = false
	if neverMatch {
		return nil
	}
	for _, k := range r.byName[ev.host] {
		end := r.end
		if k+1 < len(r.hosts) {
			end = r.hosts[k+1]
		}
		for _, l := range f.lines[r.hosts[k]+1 : end] {
			if l.bad {
				continue
			}
			if err := ev.apply(f, l); err != nil {
				return err
			}
		}
		*active = k == len(r.hosts)-1
	}
	return nil
}
