package render

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// The layout of the terminal table, computed apart from its printing.

// focus returns the hosts to show: all, or only host.
func focus(r *compare.Report, host string) ([]*compare.HostReport, error) {
	hosts := make([]*compare.HostReport, 0, len(r.Hosts))
	for i := range r.Hosts {
		h := &r.Hosts[i]
		if host == "" || h.Host == host {
			hosts = append(hosts, h)
		}
	}
	if host != "" && len(hosts) == 0 {
		return nil, fmt.Errorf("host %q is not in the report", host)
	}
	return hosts, nil
}

// headline returns the lines that describe the baseline and the totals.
func headline(r *compare.Report) []string {
	b := r.Baseline
	var first string
	switch b.Kind {
	case compare.BaselineMajority:
		first = fmt.Sprintf("baseline: majority of %d assessed host(s), ties to the lowest host name (closest host: %s)", b.Hosts, orDash(b.Representative))
	case compare.BaselineDrift:
		first = "baseline: each host's own earlier snapshot (drift)"
	case compare.BaselineFile:
		first = "baseline: saved snapshot of " + b.Host
		if b.Source != "" {
			first += " (" + b.Source + ")"
		}
	case compare.BaselineHost, "":
		first = "baseline: host " + b.Host
	default: // another kind of reference, e.g. a release for preflight
		first = "baseline: " + b.Kind
		if b.Source != "" {
			first += " " + b.Source
		}
		if b.Note != "" {
			first += " (" + b.Note + ")"
		}
	}
	s := r.Summary
	second := fmt.Sprintf("generated %s: %d host(s), %d assessed, %d not assessed, %d differ; %d critical, %d warning, %d info; exit %d",
		r.GeneratedAt.UTC().Format("2006-01-02T15:04:05Z"), s.Hosts, s.Assessed, s.NotAssessed, s.Differing,
		s.Critical, s.Warning, s.Info, r.Exit)
	if s.Waived > 0 {
		second = strings.Replace(second, "; exit", fmt.Sprintf(", %d waived (not counted); exit", s.Waived), 1)
	}
	return []string{first, second}
}

// summaryRow is one line of the host summary; hosts whose lines would read
// the same share it.
type summaryRow struct {
	hosts []string
	cells []string // status, causes, top cause
}

// same is what a host without differences is: "same as baseline", or in a
// drift report "unchanged".
func summaryRows(hosts []*compare.HostReport, same string) []*summaryRow {
	var rows []*summaryRow
	byText := map[string]*summaryRow{}
	for _, h := range hosts {
		status := string(h.Status)
		if h.Baseline {
			status += " (baseline)"
		}
		top := same
		if c, ok := h.Top(); ok {
			top = fmt.Sprintf("%s %s: %s", c.Severity, c.Rule, c.Summary)
		} else if !h.Status.Assessed() && h.Error != "" {
			top = h.Error
		} else if openFindings(h) > 0 {
			top = fmt.Sprintf("%d unexplained finding(s)", len(h.Unexplained))
		} else if n := len(h.Waived) + len(h.WaivedFacts()); n > 0 {
			top = fmt.Sprintf("%d waived difference(s), not counted", n)
		}
		cells := []string{status, causeCounts(h), top}
		key := strings.Join(cells, "\x00")
		if r, ok := byText[key]; ok && !h.Baseline {
			r.hosts = append(r.hosts, h.Host)
			continue
		}
		r := &summaryRow{hosts: []string{h.Host}, cells: cells}
		if !h.Baseline {
			byText[key] = r
		}
		rows = append(rows, r)
	}
	return rows
}

func causeCounts(h *compare.HostReport) string {
	n := map[compare.Severity]int{}
	for _, c := range h.Causes {
		n[c.Severity]++
	}
	var parts []string
	for _, s := range []compare.Severity{compare.Critical, compare.Warning, compare.Info} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// section is the causes of hosts whose causes and unexplained findings
// read the same.
type section struct {
	hosts []string
	h     *compare.HostReport
}

func sections(hosts []*compare.HostReport) []*section {
	return foldHosts(hosts, func(h *compare.HostReport) (string, bool) {
		return sectionKey(h), len(h.Causes) > 0 || len(h.Unexplained) > 0
	}, func(h *compare.HostReport) *section { return &section{h: h} }, func(s *section) *[]string { return &s.hosts })
}

// foldHosts makes one block per group of hosts whose key is the same, in
// the order of their first host; hosts for which key says false are left
// out. mk makes a block for its first host, names holds its host names.
func foldHosts[B any](hosts []*compare.HostReport, key func(*compare.HostReport) (string, bool),
	mk func(*compare.HostReport) *B, names func(*B) *[]string) []*B {
	var out []*B
	byKey := map[string]*B{}
	for _, h := range hosts {
		k, ok := key(h)
		if !ok {
			continue
		}
		b, seen := byKey[k]
		if !seen {
			b = mk(h)
			byKey[k] = b
			out = append(out, b)
		}
		*names(b) = append(*names(b), h.Host)
	}
	return out
}

func sectionKey(h *compare.HostReport) string {
	var b strings.Builder
	b.WriteString(string(h.Status))
	for _, c := range h.Causes {
		fmt.Fprintf(&b, "\x00%s\x00%s\x00%s\x00%s\x00%s", c.Severity, c.Rule, c.Summary, strings.Join(c.Evidence, "\x01"), c.Fix)
	}
	for _, f := range h.Unexplained {
		fd, _ := h.Finding(f)
		fmt.Fprintf(&b, "\x02%s\x00%s\x00%s", f, fd.Baseline, fd.Value)
	}
	return b.String()
}

// unexplainedLine describes an unexplained finding on one line.
func unexplainedLine(h *compare.HostReport, fact string) string {
	fd, _ := h.Finding(fact)
	return fmt.Sprintf("%s %s: %s -> %s", kindMark(fd.Kind), compare.ShortINC(fact), cellText(orEmpty(fd.Baseline)), cellText(orEmpty(fd.Value)))
}

// pivotTable is the pivot laid out: header, rows, legend and notes.
type pivotTable struct {
	header  []string
	rows    [][]string
	legend  []string // "[A]: mail[...]" for columns with long host lists
	key     string   // what the cell marks mean
	same    string   // folded hosts whose every cell is "="
	hidden  string   // host groups left out for width, and how to see them
	skipped string   // folded hosts not assessed
}

// Widths of the pivot.
const (
	maxFactWidth = 40 // the fact column
	maxFactGrown = 72 // the fact column when the host columns leave room
	maxBaseWidth = 26 // the baseline column
	labelOver    = 24 // host lists longer than this get a letter and a legend
	minSiblings  = 3  // sibling module rows fold into one from this many
)

// layoutPivot lays out the fact × host pivot to fit width: hosts whose
// every cell equals the baseline are named below the table instead of
// getting a column of "=", submodule rows that read the same fold into one
// row, long values get a middle ellipsis, and when the host groups do not
// fit even so, the smallest groups are left out and the table says how to
// see them.
func layoutPivot(r *compare.Report, hosts []*compare.HostReport, width int) pivotTable {
	drift := r.Baseline.Kind == compare.BaselineDrift
	pv := buildPivot(hosts, drift)
	var t pivotTable
	if len(pv.skipped) > 0 {
		t.skipped = Fold(pv.skipped)
	}
	if len(pv.facts) == 0 {
		return t
	}
	var cols []column
	var same []string
	for _, c := range pv.columns {
		if allSame(c.values) {
			same = append(same, c.hosts...)
			continue
		}
		cols = append(cols, c)
	}
	if len(same) > 0 {
		t.same = hostCell(same, 110)
	}
	// Groups with the most severe causes first, then larger groups: when
	// not every group fits, the broken hosts stay on screen.
	sev := map[string]int{}
	for _, h := range hosts {
		sev[h.Host] = 3
		if c, ok := h.Top(); ok {
			sev[h.Host] = c.Severity.Rank()
		}
	}
	worst := func(c column) int {
		w := 3
		for _, h := range c.hosts {
			w = min(w, sev[h])
		}
		return w
	}
	slices.SortStableFunc(cols, func(a, b column) int {
		return cmp.Or(cmp.Compare(worst(a), worst(b)), cmp.Compare(len(b.hosts), len(a.hosts)))
	})

	facts, vals := foldSiblings(pv, cols, drift)
	factNat := 4
	for i, f := range facts {
		facts[i] = compare.ShortINC(f)
		factNat = max(factNat, runeLen(facts[i]))
	}
	factW := min(factNat, maxFactWidth)
	var heads []string
	var nat []int
	lead := fixed(drift)
	if !drift {
		name := "baseline " + r.Baseline.Host
		switch {
		case r.Baseline.Kind == compare.BaselineMajority:
			name = "baseline (majority)"
		case r.Baseline.Host == "":
			name = r.Baseline.Kind // a release, for preflight
		}
		heads = append(heads, name)
	}
	for _, c := range cols {
		heads = append(heads, Fold(c.hosts))
	}
	for j := range heads {
		n := 0
		for i := range vals {
			n = max(n, runeLen(vals[i][j]))
		}
		h := runeLen(heads[j])
		if j >= lead {
			if c := cols[j-lead]; len(c.hosts) > 1 {
				h += len(fmt.Sprintf(" (%d)", len(c.hosts)))
			}
			if runeLen(heads[j]) > labelOver {
				h = len(fmt.Sprintf("[%s] (%d)", columnLabel(j), len(cols[j-lead].hosts)))
			}
		}
		nat = append(nat, max(n, h))
	}
	// Each column costs its width plus " | "; the row costs one "|" more.
	avail := width - 1 - (factW + 3)
	baseW := 0 // the baseline column is never dropped and gets its own width
	if lead > 0 {
		baseW = min(nat[0], maxBaseWidth)
		avail -= baseW + 3
	}
	shown := len(heads)
	w, ok := waterLevel(nat[lead:shown], 3, avail, minCell)
	for !ok && shown > lead+1 {
		shown--
		w, ok = waterLevel(nat[lead:shown], 3, avail, minCell)
	}
	// Width left over (a focused or small report) goes to the fact
	// column, then to the baseline's.
	left := avail
	for _, n := range nat[lead:shown] {
		left -= min(n, w) + 3
	}
	if grow := min(left, min(factNat, maxFactGrown)-factW); grow > 0 {
		factW += grow
		left -= grow
	}
	if grow := 0; lead > 0 {
		if grow = min(left, nat[0]-baseW); grow > 0 {
			baseW += grow
		}
	}
	for i, f := range facts {
		facts[i] = fitFact(f, factW)
	}
	capOf := func(j int) int {
		if j < lead {
			return baseW
		}
		return w
	}
	if shown < len(heads) {
		var rest []string
		for _, c := range cols[shown-lead:] {
			rest = append(rest, c.hosts...)
		}
		t.hidden = fmt.Sprintf("%d more host group(s) not shown for width: %s; `--format markdown` shows every group, `--host NAME` one host",
			len(heads)-shown, hostCell(rest, 60))
	}
	t.header = []string{"fact"}
	for j := range shown {
		name := heads[j]
		if j >= lead {
			c := cols[j-lead]
			if runeLen(name) > labelOver || runeLen(name) > capOf(j) {
				label := columnLabel(len(t.legend))
				t.legend = append(t.legend, fmt.Sprintf("%s: %s", label, name))
				name = label
			}
			if len(c.hosts) > 1 {
				name += fmt.Sprintf(" (%d)", len(c.hosts))
			}
		}
		t.header = append(t.header, fitCell(name, max(capOf(j), runeLen(name))))
	}
	for i, f := range facts {
		row := make([]string, 0, shown+1) // a new slice per row: tablewriter keeps it
		row = append(row, f)
		for j := range shown {
			row = append(row, fitCell(vals[i][j], capOf(j)))
		}
		t.rows = append(t.rows, row)
	}
	t.key = "= same as the baseline, ? unknown (probe did not run cleanly), - absent"
	if drift {
		t.key = "= unchanged, before -> after, ? unknown (probe did not run cleanly), - absent"
	}
	return t
}

// fixed is the number of leading pivot columns that are not host groups:
// the baseline's, except in a drift report.
func fixed(drift bool) int {
	if drift {
		return 0
	}
	return 1
}

func allSame(values []string) bool {
	for _, v := range values {
		if v != cellSame {
			return false
		}
	}
	return true
}

// foldSiblings returns the pivot's rows as fact names and cells (the
// baseline's first unless drift, then cols), with rows of sibling
// submodules that read the same in every column folded into one:
// perl_modules.Archive::Zip::*.copies ×11.
func foldSiblings(pv pivot, cols []column, drift bool) ([]string, [][]string) {
	cellsOf := func(i int) []string {
		var row []string
		if !drift {
			row = append(row, pv.base[i])
		}
		for _, c := range cols {
			row = append(row, c.values[i])
		}
		return row
	}
	groups := map[string][]int{}
	keyOf := make([]string, len(pv.facts))
	for i, f := range pv.facts {
		parent, attr, ok := siblingKey(f)
		if !ok {
			continue
		}
		k := parent + "\x00" + attr + "\x00" + strings.Join(cellsOf(i), "\x00")
		keyOf[i] = k
		groups[k] = append(groups[k], i)
	}
	var facts []string
	var vals [][]string
	for i, f := range pv.facts {
		if g := groups[keyOf[i]]; keyOf[i] != "" && len(g) >= minSiblings {
			if g[0] != i {
				continue
			}
			parent, attr, _ := siblingKey(f)
			prefix := f[:strings.Index(f, ".")+1]
			if strings.HasPrefix(f, fleet.ProbeMailScannerVersion+".module.") {
				prefix = fleet.ProbeMailScannerVersion + ".module."
			}
			name := prefix + parent + "::*"
			if attr != "" {
				name += "." + attr
			}
			facts = append(facts, fmt.Sprintf("%s ×%d", name, len(g)))
			vals = append(vals, cellsOf(i))
			continue
		}
		facts = append(facts, f)
		vals = append(vals, cellsOf(i))
	}
	return facts, vals
}

// siblingKey splits a module fact into the module's parent and the
// attribute: perl_modules.Archive::Zip::Member.copies gives Archive::Zip
// and copies; mailscanner_version.module.Net::DNS::RR gives Net::DNS and
// "". ok is false for other facts and top-level modules.
func siblingKey(fact string) (parent, attr string, ok bool) {
	var mod string
	switch {
	case strings.HasPrefix(fact, fleet.ProbePerlModules+".cpan_log."):
		return "", "", false
	case strings.HasPrefix(fact, fleet.ProbePerlModules+"."):
		rest := strings.TrimPrefix(fact, fleet.ProbePerlModules+".")
		i := strings.LastIndex(rest, ".")
		if i < 0 {
			return "", "", false
		}
		mod, attr = rest[:i], rest[i+1:]
	case strings.HasPrefix(fact, fleet.ProbeMailScannerVersion+".module."):
		mod = strings.TrimPrefix(fact, fleet.ProbeMailScannerVersion+".module.")
	default:
		return "", "", false
	}
	i := strings.LastIndex(mod, "::")
	if i < 0 {
		return "", "", false
	}
	return mod[:i], attr, true
}

// columnLabel names the i-th long column: [A] … [Z], then [AA], [AB], ...
func columnLabel(i int) string {
	label := ""
	for i >= 0 {
		label = string(rune('A'+i%26)) + label
		i = i/26 - 1
	}
	return "[" + label + "]"
}

// hostCell folds hosts for a table cell, capped at n runes; more than one
// host gets its count, so a capped list still says how many it holds.
func hostCell(hosts []string, n int) string {
	name := Fold(hosts)
	if len(hosts) == 1 {
		return name
	}
	return fitEnd(name, n) + fmt.Sprintf(" (%d)", len(hosts))
}

// kindMark is a one-letter change mark, as restic diff uses.
func kindMark(k compare.Kind) string {
	switch k {
	case compare.Missing:
		return "-"
	case compare.Extra:
		return "+"
	case compare.Unknown:
		return "?"
	}
	return "~"
}

func orEmpty(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
