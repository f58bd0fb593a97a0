package compare

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// usable reports whether a nameserver gave an answer the resolver can use:
// the name exists or it does not (NOERROR, NXDOMAIN).
func usable(l fleet.Lookup) bool {
	return l.Answered() && (l.RCode == "NOERROR" || l.RCode == "NXDOMAIN")
}

// lookupState is a lookup as flattened: "answer", or what went wrong.
func lookupState(l fleet.Lookup) string {
	switch {
	case usable(l):
		return fleet.LookupAnswer
	case l.Answered():
		return strings.ToLower(l.RCode)
	}
	return l.Result
}

func (fl *flattener) dns(d *fleet.DNS) {
	p := fleet.ProbeDNS
	fl.top(p, "nameservers", strings.Join(d.Nameservers, " "), cmpExact)
	fl.top(p, "search", strings.Join(d.Search, " "), cmpExact)
	fl.top(p, "options", strings.Join(d.Options, " "), cmpExact)
	fl.top(p, "name", d.Name, cmpNoise)
	// Keyed by position, not address: fact keys are never redacted, and
	// addresses always are.
	for i, l := range d.Lookups {
		k := fmt.Sprintf("%s.lookup[%d]", p, i+1)
		fl.add(p, l.Nameserver, "lookup", k, l.Nameserver+" "+lookupState(l), cmpExact)
		fl.add(p, l.Nameserver, "ms", k+".ms", fmt.Sprint(l.MS), cmpNoise)
	}
}

// dnsResolver explains a resolver that does not answer (MailScanner and
// SpamAssassin look names up for every message, and every lookup waits
// out the dead nameservers first) and nameservers other than the
// baseline's. Nothing answering is critical; a dead nameserver before a
// live one a warning; other nameservers alone are information. A failure
// the baseline shares is left to the baseline's own report.
func dnsResolver(in Input) []Cause {
	d := in.Host.Facts.DNS
	if d == nil {
		return nil
	}
	var bd *fleet.DNS
	if in.Base != nil {
		bd = in.Base.Facts.DNS
	}
	var dead []fleet.Lookup
	asked, ok := 0, 0
	for _, l := range d.Lookups {
		if l.Result == fleet.LookupSkipped {
			continue
		}
		asked++
		if usable(l) {
			ok++
		} else {
			dead = append(dead, l)
		}
	}
	if bd != nil {
		dead = slices.DeleteFunc(dead, func(l fleet.Lookup) bool {
			i := slices.IndexFunc(bd.Lookups, func(b fleet.Lookup) bool { return b.Nameserver == l.Nameserver })
			return i >= 0 && lookupState(bd.Lookups[i]) == lookupState(l)
		})
	}
	differ := bd != nil && !slices.Equal(d.Nameservers, bd.Nameservers)
	c := Cause{Severity: Info}
	for _, l := range dead {
		line := fmt.Sprintf("nameserver %s: %s after %d ms asking for %s", l.Nameserver, lookupText(l), l.MS, orNone(d.Name))
		c.Evidence = append(c.Evidence, line)
	}
	if len(d.Nameservers) == 0 {
		c.Evidence = append(c.Evidence, "/etc/resolv.conf names no nameserver")
	}
	if differ {
		c.Evidence = append(c.Evidence, fmt.Sprintf("nameservers %s (baseline %s)", orNone(strings.Join(d.Nameservers, " ")), orNone(strings.Join(bd.Nameservers, " "))))
	}
	switch {
	case len(dead) > 0 && ok == 0:
		c.Severity = Critical
		c.Summary = fmt.Sprintf("no nameserver answers (%d asked): every DNS lookup of MailScanner and SpamAssassin waits out its timeouts, so each message takes minutes", asked)
	case len(dead) > 0 && dead[0].Nameserver == firstAsked(d):
		c.Severity = Warning
		// The address is in the evidence: a summary may be cut to fit a
		// table cell, and redaction changes an address's length.
		c.Summary = "the first nameserver does not answer: every DNS lookup waits out its timeout before asking the next"
	case len(dead) > 0:
		c.Severity = Warning
		c.Summary = "a nameserver does not answer: lookups that reach it wait out its timeout"
	case differ:
		c.Summary = "the resolver asks other nameservers than the baseline's"
	default:
		return nil
	}
	ask := "NAMESERVER"
	if len(dead) > 0 {
		ask = dead[0].Nameserver
	}
	c.Fix = fmt.Sprintf("ask from the host: `dig @%s %s` (or `host %s %s`); list in /etc/resolv.conf only nameservers that answer, a local caching resolver (unbound, named) first, as SpamAssassin recommends", ask, orNone(d.Name), orNone(d.Name), ask)
	if len(dead) == 0 {
		c.Fix = "if the change was not meant, copy the baseline's /etc/resolv.conf nameservers"
	}
	c.Findings = factsOf(in.Findings, func(f Finding) bool { return f.Probe == fleet.ProbeDNS })
	return []Cause{c}
}

// firstAsked is the first nameserver the probe asked, skipped ones aside.
func firstAsked(d *fleet.DNS) string {
	for _, l := range d.Lookups {
		if l.Result != fleet.LookupSkipped {
			return l.Nameserver
		}
	}
	return ""
}

func lookupText(l fleet.Lookup) string {
	switch l.Result {
	case fleet.LookupTimeout:
		return "no answer"
	case fleet.LookupError:
		return "error " + orNone(l.Error)
	case fleet.LookupAnswer:
		return "answered " + l.RCode
	}
	return l.Result
}
