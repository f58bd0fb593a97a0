package view

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
)

// HostGroup is hosts with the same result: the same status, error,
// baseline mark, causes, findings, unexplained facts and waived causes,
// apart from each host's own name where it stands alone inside those texts
// (a fix's "ssh-keygen -R mail07").
type HostGroup struct {
	// Hosts are the hosts' names in report order.
	Hosts []string
	// Report is the first host's report; its texts are the ones shown.
	Report *compare.HostReport
	// ShownFor names the host whose texts are shown when the group's hosts
	// differ in their own names inside them; "" when every host's texts
	// read the same.
	ShownFor string
	// First is the index of the group's first host among the hosts
	// grouped.
	First int
}

// Label names the group's hosts as node ranges (Fold).
func (g *HostGroup) Label() string { return Fold(g.Hosts) }

// Rank is the rank of the group's most severe cause
// (compare.Severity.Rank), NoCause when it has none.
func (g *HostGroup) Rank() int {
	if c, ok := g.Report.Top(); ok {
		return c.Severity.Rank()
	}
	return NoCause
}

// NoCause is the rank of a group without causes: below every severity.
const NoCause = 3

// GroupHosts folds hosts with the same result into groups, in the order of
// their first host. clean, when not nil, is applied to every text first,
// the names included, so hosts whose texts read the same once cleaned share
// a group and the groups' Hosts hold cleaned names.
func GroupHosts(hosts []*compare.HostReport, clean func(string) string) []*HostGroup {
	if clean == nil {
		clean = func(s string) string { return s }
	}
	var g Grouper[*HostGroup]
	shown := map[*HostGroup]string{} // the texts of each group's first host
	for i, h := range hosts {
		name := clean(h.Host)
		texts := resultTexts(h, clean)
		grp := g.Add(resultKey(h, texts, name, clean), &HostGroup{Report: h, First: i}, name)
		hg := grp.Value
		if hg.Report == h {
			shown[hg] = textsKey(texts, "")
		} else if hg.ShownFor == "" && textsKey(texts, "") != shown[hg] {
			hg.ShownFor = grp.Hosts[0]
		}
	}
	out := make([]*HostGroup, 0, len(g.Groups()))
	for _, grp := range g.Groups() {
		grp.Value.Hosts = grp.Hosts
		out = append(out, grp.Value)
	}
	return out
}

// resultTexts are the texts of a result that may name the host itself:
// the error, then each cause's summary, fix and evidence, then each waived
// cause's.
func resultTexts(h *compare.HostReport, clean func(string) string) [][]string {
	out := [][]string{{clean(h.Error)}}
	for _, c := range h.Causes {
		out = append(out, append([]string{clean(c.Summary), clean(c.Fix)}, cleanAll(c.Evidence, clean)...))
	}
	for _, c := range h.Waived {
		out = append(out, append([]string{clean(c.Summary), clean(c.Fix)}, cleanAll(c.Evidence, clean)...))
	}
	return out
}

// textsKey is a grouping key for texts, with name, when not empty,
// replaced by a mark where it stands alone.
func textsKey(texts [][]string, name string) string {
	var k keyWriter
	for _, ts := range texts {
		k.int(len(ts))
		for _, t := range ts {
			if name != "" {
				t = hostless(t, name)
			}
			k.str(t)
		}
	}
	return k.String()
}

// resultKey is the grouping key of a host's result, with the host's own
// name in its texts replaced by a mark.
func resultKey(h *compare.HostReport, texts [][]string, name string, clean func(string) string) string {
	var k keyWriter
	k.str(clean(string(h.Status)))
	k.bool(h.Baseline)
	k.str(textsKey(texts, name))
	k.int(len(h.Causes))
	for _, c := range h.Causes {
		k.str(clean(c.Rule))
		k.str(clean(string(c.Severity)))
		k.strs(c.Findings, clean)
	}
	k.int(len(h.Findings))
	for _, f := range h.Findings {
		k.str(clean(f.Fact))
		k.str(string(f.Kind))
		k.str(clean(f.Baseline))
		k.str(clean(f.Value))
		k.bool(f.Noise)
		k.bool(f.Waiver != nil)
		if f.Waiver != nil {
			k.str(clean(f.Waiver.Text()))
		}
	}
	k.strs(h.Unexplained, clean)
	k.bool(h.EarlierOnly)
	k.int(len(h.Waived))
	for _, c := range h.Waived {
		k.str(clean(c.Rule))
		k.str(clean(string(c.Severity)))
		k.strs(c.Findings, clean)
		k.str(clean(c.Waiver.Text()))
	}
	return k.String()
}

// keyWriter makes a key of fields, each written with its length so that
// different values never run together; the key is their SHA-256, which
// keeps it small however long the texts are.
type keyWriter struct {
	h   hash.Hash
	buf []byte
}

func (k *keyWriter) write(b []byte) {
	if k.h == nil {
		k.h = sha256.New()
	}
	k.h.Write(b)
}

func (k *keyWriter) int(n int) { k.write(binary.AppendUvarint(k.buf[:0], uint64(n))) }

func (k *keyWriter) str(s string) {
	k.int(len(s))
	k.buf = append(k.buf[:0], s...)
	k.write(k.buf)
}

func (k *keyWriter) bool(b bool) {
	if b {
		k.int(1)
	} else {
		k.int(0)
	}
}

func (k *keyWriter) strs(ss []string, clean func(string) string) {
	k.int(len(ss))
	for _, s := range ss {
		k.str(clean(s))
	}
}

// String returns the key.
func (k *keyWriter) String() string {
	k.write(nil)
	return string(k.h.Sum(nil))
}

func cleanAll(in []string, clean func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = clean(s)
	}
	return out
}

// hostless replaces the host's own name, where it stands alone, by a mark.
func hostless(s, host string) string {
	if host == "" || !strings.Contains(s, host) {
		return s
	}
	var b strings.Builder
	for {
		k := strings.Index(s, host)
		if k < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := k + len(host)
		alone := (k == 0 || !wordByte(s[k-1])) && (end == len(s) || !wordByte(s[end]))
		b.WriteString(s[:k])
		if alone {
			b.WriteString("\x00HOST\x00")
		} else {
			b.WriteString(host)
		}
		s = s[end:]
	}
}

// wordByte reports whether c is an ASCII letter or digit.
func wordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// CauseCounts says how many causes of each severity there are, most
// severe first ("1 critical, 2 warning"); "" when there are none.
func CauseCounts(causes []compare.Cause) string {
	n := map[compare.Severity]int{}
	for _, c := range causes {
		n[c.Severity]++
	}
	var parts []string
	for _, s := range []compare.Severity{compare.Critical, compare.Warning, compare.Info} {
		if n[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[s], s))
		}
	}
	return strings.Join(parts, ", ")
}
