package fleet

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"time"

	"go.yaml.in/yaml/v3"
)

// Waiver is an accepted difference, from the inventory's waivers: list or
// a file given with --waivers. The causes it matches on its hosts are
// reported apart, never hidden, and are not counted in the exit code, up
// to and including the day it expires.
type Waiver struct {
	// File and Line say where the waiver is written.
	File string
	Line int
	// Hosts are the host patterns as written (names, groups, ranges,
	// globs, exclusions); HostNames the inventory hosts they select.
	Hosts     []string
	HostNames []string
	// Rule is a rule id; Fact a fact key or a glob of fact keys ('*', '?').
	// At least one is set; with both, a cause must match both.
	Rule string
	Fact string
	// Reason and Owner say why the difference is accepted and who answers
	// for it.
	Reason string
	Owner  string
	// Expires is the last day the waiver applies (midnight UTC of it).
	Expires time.Time
}

// DateLayout is the layout of a waiver's expires date (ISO 8601).
const DateLayout = "2006-01-02"

// Source is where the waiver is written, FILE:LINE.
func (w *Waiver) Source() string { return fmt.Sprintf("%s:%d", w.File, w.Line) }

// Expired reports whether the waiver no longer applies at now: it applies
// through the whole of its expiry day, in UTC.
func (w *Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

// Covers reports whether the waiver is for host.
func (w *Waiver) Covers(host string) bool { return slices.Contains(w.HostNames, host) }

// MatchesFact reports whether a fact key matches the waiver's fact glob;
// every fact does when the waiver names none.
func (w *Waiver) MatchesFact(fact string) bool { return w.Fact == "" || GlobMatch(w.Fact, fact) }

// ruleIDPattern is the shape of every rule id (tmp-noexec, preflight-tmp-noexec).
var ruleIDPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// waivers decodes a waivers: list, resolving each waiver's hosts in inv.
func (d *decoder) waivers(n *yaml.Node, inv *Inventory) []Waiver {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "waivers: want a list, got %s", kindName(n))
		return nil
	}
	var out []Waiver
	for i, wn := range n.Content {
		what := fmt.Sprintf("waivers[%d]", i)
		w := Waiver{File: d.file, Line: wn.Line}
		var hosts *yaml.Node
		expires, before := false, len(d.errs)
		d.mapping(wn, what, func(key string, k, v *yaml.Node) {
			switch key {
			case "hosts":
				hosts = v
				w.Hosts = d.strList(v, what+": hosts", true)
			case "rule":
				if w.Rule = d.str(v, what+": rule"); w.Rule != "" && !ruleIDPattern.MatchString(w.Rule) {
					d.errorf(v, "%s: rule %q is not a rule id (such as config-drift)", what, w.Rule)
				}
			case "fact":
				w.Fact = d.str(v, what+": fact")
			case "reason":
				w.Reason = d.str(v, what+": reason")
			case "owner":
				w.Owner = d.str(v, what+": owner")
			case "expires":
				expires = true
				t, err := time.Parse(DateLayout, v.Value)
				if v.Kind != yaml.ScalarNode || err != nil {
					d.errorf(v, "%s: expires %q is not a date such as 2027-03-31", what, v.Value)
				}
				w.Expires = t
			default:
				d.errorf(k, "%s: unknown key %q (want hosts, rule, fact, reason, owner, expires)", what, key)
			}
		})
		if wn.Kind != yaml.MappingNode {
			continue
		}
		var missing []string
		for _, req := range []struct {
			name string
			ok   bool
		}{{"hosts", hosts != nil}, {"rule or fact", w.Rule != "" || w.Fact != ""},
			{"reason", w.Reason != ""}, {"owner", w.Owner != ""}, {"expires", expires}} {
			if !req.ok {
				missing = append(missing, req.name)
			}
		}
		if len(missing) > 0 {
			d.errorf(wn, "%s: a waiver needs hosts, rule or fact, reason, owner and expires; missing %s", what, joinList(missing))
		}
		if hosts != nil && len(w.Hosts) == 0 {
			d.errorf(hosts, "%s: hosts: the list is empty", what)
		}
		w.HostNames = d.waiverHosts(what, hosts, w.Hosts, inv)
		if len(d.errs) == before {
			out = append(out, w)
		}
	}
	return out
}

// waiverHosts resolves a waiver's host patterns, each problem reported at
// the line of the pattern that has it.
func (d *decoder) waiverHosts(what string, n *yaml.Node, patterns []string, inv *Inventory) []string {
	if n == nil || len(patterns) == 0 || len(inv.Hosts) == 0 {
		return nil
	}
	for i, p := range patterns {
		at := n
		if n.Kind == yaml.SequenceNode {
			at = n.Content[i]
		}
		if _, errs := inv.selectNames([]string{p}); len(errs) > 0 {
			d.errorf(at, "%s: hosts: %v", what, joinErrors(errs))
		}
	}
	want, _ := inv.selectNames(patterns)
	var names []string
	for _, h := range inv.Hosts {
		if want[h.Name] {
			names = append(names, h.Name)
		}
	}
	return names
}

func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	out := ""
	for i, s := range items {
		switch {
		case i == 0:
		case i == len(items)-1:
			out += " and "
		default:
			out += ", "
		}
		out += s
	}
	return out
}

// LoadWaivers reads a waivers file (--waivers FILE): a YAML mapping with
// one key, waivers:, a list in the inventory's schema. Hosts resolve in
// inv. Every problem is reported, each as "FILE:LINE: message".
func LoadWaivers(path string, inv *Inventory) ([]Waiver, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseWaivers(path, bytes.NewReader(b), inv)
}

// ParseWaivers decodes a waivers file; see LoadWaivers.
func ParseWaivers(file string, r io.Reader, inv *Inventory) ([]Waiver, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	d := &decoder{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		d.errs = append(d.errs, &InventoryError{File: file, Line: yamlErrorLine(err), Msg: yamlErrorText(err)})
		return nil, d.errs.err()
	}
	if doc.Kind == 0 || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		d.errorf(nil, "want a mapping with a waivers: list")
		return nil, d.errs.err()
	}
	var ws []Waiver
	found := false
	d.mapping(doc.Content[0], "top level", func(key string, k, v *yaml.Node) {
		if key != "waivers" {
			d.errorf(k, "unknown key %q (a waivers file holds only waivers:)", key)
			return
		}
		found = true
		ws = d.waivers(v, inv)
	})
	if !found && len(d.errs) == 0 {
		d.errorf(doc.Content[0], "no waivers: list")
	}
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Line < d.errs[j].Line })
		return nil, d.errs.err()
	}
	return ws, nil
}

// CheckWaiverRules reports, as inventory errors with FILE:LINE, the
// waivers whose rule is none of ids, the rule ids the reports know.
func CheckWaiverRules(ws []Waiver, ids []string) error {
	var errs inventoryErrors
	for _, w := range ws {
		if w.Rule != "" && !slices.Contains(ids, w.Rule) {
			errs = append(errs, &InventoryError{File: w.File, Line: w.Line,
				Msg: fmt.Sprintf("waiver: unknown rule %q (the rule ids are listed in the README under Causes)", w.Rule)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs.err()
}
