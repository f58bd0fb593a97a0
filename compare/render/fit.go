package render

import (
	"strings"
)

// DefaultWidth is the width the terminal table aims for: a pivot of a
// few host groups fits a laptop terminal at 2 a.m.
const DefaultWidth = 160

// Narrowest a value column gets before host groups are left out.
const minCell = 16

const ellipsis = "…"

// fitCell shortens s to at most n runes with an ellipsis in the middle,
// so both ends stay readable: a path keeps its file name
// (/usr/local/…/Archive/Zip.pm), an owner its package and build note.
func fitCell(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 5 {
		return s
	}
	if strings.HasPrefix(s, "/") && !strings.Contains(s, " ") {
		if p, ok := fitPath(s, n); ok {
			return p
		}
	}
	return cutMiddle(r, n, (n-1)*3/5)
}

// fitFact shortens a fact name: the module and attribute at its end say
// the most, except in a keyed fact (a lint message), whose key starts it.
func fitFact(s string, n int) string {
	r := []rune(s)
	if len(r) <= n || n < 5 {
		return s
	}
	if i := strings.IndexRune(s, '['); i >= 0 && strings.HasSuffix(s, "]") {
		key := runeLen(s[:i+1])
		if rest := n - 1 - key; rest >= 6 {
			return cutMiddle(r, n, key+rest*2/3)
		}
	}
	return cutMiddle(r, n, (n-1)/3)
}

func cutMiddle(r []rune, n, head int) string {
	tail := n - 1 - head
	return string(r[:head]) + ellipsis + string(r[len(r)-tail:])
}

// fitPath keeps a path's first two directories, which tell /usr/local
// (CPAN) from /usr/share or /usr/lib (packages), and its file name, then as
// many more leading and trailing components as fit, leading first:
// /usr/lib64/perl5/site_perl/…/Net/DNS.pm.
func fitPath(s string, n int) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(s, "/"), "/")
	if len(parts) < 4 {
		return "", false
	}
	text := func(h, t int) string {
		return "/" + strings.Join(parts[:h], "/") + "/" + ellipsis + "/" + strings.Join(parts[len(parts)-t:], "/")
	}
	for _, h := range []int{2, 1} {
		t := 1
		if runeLen(text(h, t)) > n {
			if h == 2 && runeLen(text(h, 0))+3 <= n {
				// /usr/local/…ip.pm: where the file is says more than its name.
				return cutMiddle([]rune(s), n, runeLen(text(h, 0))-2), true
			}
			continue
		}
		for h+t < len(parts) {
			switch {
			case runeLen(text(h+1, t)) <= n:
				h++
			case runeLen(text(h, t+1)) <= n:
				t++
			default:
				return text(h, t), true
			}
		}
		return text(h, t), true
	}
	return "", false
}

func runeLen(s string) int { return len([]rune(s)) }

// waterLevel returns the largest cap w (at least minW) such that columns of
// natural widths nat, each capped at w, plus pad per column fit in avail.
// ok is false when even minW does not fit.
func waterLevel(nat []int, pad, avail, minW int) (w int, ok bool) {
	total := func(w int) int {
		t := 0
		for _, n := range nat {
			t += min(n, w) + pad
		}
		return t
	}
	hi := minW
	for _, n := range nat {
		hi = max(hi, n)
	}
	if total(hi) <= avail {
		return hi, true
	}
	if total(minW) > avail {
		return minW, false
	}
	lo := minW // total(lo) fits
	for lo < hi-1 {
		mid := (lo + hi) / 2
		if total(mid) <= avail {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo, true
}
