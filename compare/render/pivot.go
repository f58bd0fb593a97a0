package render

import (
	"slices"
	"strconv"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// pivot is the fact × host table: one row per differing fact, one column
// per set of hosts holding identical values for every row.
type pivot struct {
	facts   []string
	base    []string // baseline value per fact
	columns []column // host groups in first-host order
	skipped []string // hosts not assessed
}

type column struct {
	hosts  []string
	values []string
}

// Cell texts.
const (
	cellSame    = "="
	cellMissing = "(missing)"
	cellUnknown = "?"
	cellAbsent  = "-"
)

// buildPivot builds the pivot over hosts (the report's, in order). Noise
// findings are in the report only when it was built with Options.All.
//
// In a drift report every host has its own baseline, so there is no
// baseline column and a changed cell reads "before -> after".
func buildPivot(hosts []*compare.HostReport, drift bool) pivot {
	var p pivot
	baseVal := map[string]string{}
	for _, h := range hosts {
		for _, f := range h.Findings {
			if _, ok := baseVal[f.Fact]; !ok {
				p.facts = append(p.facts, f.Fact)
				baseVal[f.Fact] = baseCell(f)
			}
		}
	}
	slices.Sort(p.facts)
	for _, f := range p.facts {
		p.base = append(p.base, baseVal[f])
	}
	byKey := map[string]int{}
	for _, h := range hosts {
		if !h.Status.Assessed() {
			p.skipped = append(p.skipped, h.Host)
			continue
		}
		vals := hostCells(h, p.facts, drift)
		key := strings.Join(vals, "\x00")
		if i, ok := byKey[key]; ok {
			p.columns[i].hosts = append(p.columns[i].hosts, h.Host)
			continue
		}
		byKey[key] = len(p.columns)
		p.columns = append(p.columns, column{hosts: []string{h.Host}, values: vals})
	}
	return p
}

func afterCell(f compare.Finding) string {
	if f.Kind == compare.Missing {
		return cellMissing
	}
	return cellText(f.Value)
}

func baseCell(f compare.Finding) string {
	if f.Kind == compare.Extra {
		return cellAbsent
	}
	return cellText(f.Baseline)
}

// hostCells returns the host's cell for each fact: "=" when it holds the
// baseline's value, "?" when its probe could not say.
func hostCells(h *compare.HostReport, facts []string, drift bool) []string {
	byFact := make(map[string]compare.Finding, len(h.Findings))
	unknown := map[string]bool{}
	for _, f := range h.Findings {
		byFact[f.Fact] = f
		if f.Kind == compare.Unknown {
			unknown[f.Probe] = true
		}
	}
	out := make([]string, len(facts))
	for i, fact := range facts {
		f, ok := byFact[fact]
		switch {
		case ok && drift:
			out[i] = baseCell(f) + " -> " + afterCell(f)
		case ok:
			out[i] = afterCell(f)
		case unknown[probeOf(fact)]:
			out[i] = cellUnknown
		default:
			out[i] = cellSame
		}
	}
	return out
}

// probeOf returns the probe of a fact key: the part before the first dot,
// or the custom probe's name.
func probeOf(fact string) string {
	if rest, ok := strings.CutPrefix(fact, "custom."); ok {
		name, _, _ := strings.Cut(rest, ".")
		return name
	}
	p, _, _ := strings.Cut(fact, ".")
	return p
}

// cellText makes a value fit a table cell: its first line, capped.
func cellText(v string) string {
	if v == "" {
		return `""`
	}
	first, rest, multi := strings.Cut(v, "\n")
	first = compare.ShortINC(first)
	if multi {
		first += " (+" + strconv.Itoa(strings.Count(rest, "\n")+1) + " lines)"
	}
	return fitCell(first, 120)
}
