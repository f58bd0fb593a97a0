package compare

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// customProbe summarises a custom command probe's output line by line.
func customProbe(in Input) []Cause {
	byProbe := map[string][]Finding{}
	for _, f := range in.Findings {
		if strings.HasPrefix(f.Fact, "custom.") && f.Kind != Unknown {
			byProbe[f.subject] = append(byProbe[f.subject], f)
		}
	}
	var out []Cause
	for _, name := range slices.Sorted(maps.Keys(byProbe)) {
		c := Cause{Severity: Warning}
		var removed, added []string
		for _, f := range byProbe[name] {
			c.Findings = append(c.Findings, f.Fact)
			if f.attr == "exit_code" {
				c.Evidence = append(c.Evidence, fmt.Sprintf("exit code %s (baseline %s)", orNone(f.Value), orNone(f.Baseline)))
				continue
			}
			removed, added = lineDiff(splitLines(f.Baseline), splitLines(f.Value))
		}
		for i, l := range removed {
			if i == 10 {
				c.Evidence = append(c.Evidence, fmt.Sprintf("- … %d more", len(removed)-10))
				break
			}
			c.Evidence = append(c.Evidence, "- "+capText(l, 200))
		}
		for i, l := range added {
			if i == 10 {
				c.Evidence = append(c.Evidence, fmt.Sprintf("+ … %d more", len(added)-10))
				break
			}
			c.Evidence = append(c.Evidence, "+ "+capText(l, 200))
		}
		c.Summary = fmt.Sprintf("custom probe %s differs: %d line(s) only on the baseline, %d only here", name, len(removed), len(added))
		c.Fix = fmt.Sprintf("compare the output of the %s command on both hosts and align what it checks", name)
		out = append(out, c)
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lineDiff returns the lines only in a and only in b, as multisets, in order.
func lineDiff(a, b []string) (onlyA, onlyB []string) {
	count := map[string]int{}
	for _, l := range b {
		count[l]++
	}
	for _, l := range a {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyA = append(onlyA, l)
		}
	}
	count = map[string]int{}
	for _, l := range a {
		count[l]++
	}
	for _, l := range b {
		if count[l] > 0 {
			count[l]--
		} else {
			onlyB = append(onlyB, l)
		}
	}
	return onlyA, onlyB
}
