package render

import (
	"strings"
)

// DefaultWidth is the width the terminal table aims for when it is not
// told the terminal's: a pivot of a few host groups fits a laptop terminal
// at 2 a.m.
const DefaultWidth = 160

// MinWidth is the narrowest width the tables are fitted to; a narrower one
// is taken as this.
const MinWidth = 40

// Narrowest a value column gets before host groups are left out.
const minCell = 16

const ellipsis = "…"

// fitCell shortens s to at most n columns with an ellipsis in the middle,
// so both ends stay readable: a path keeps its file name
// (/usr/local/…/Archive/Zip.pm), an owner its package and build note.
func fitCell(s string, n int) string {
	if displayWidth(s) <= n || n < 5 {
		return s
	}
	if strings.HasPrefix(s, "/") && !strings.Contains(s, " ") {
		if p, ok := fitPath(s, n); ok {
			return p
		}
	}
	return cutMiddle(s, n, (n-1)*3/5)
}

// fitFact shortens a fact name: the module and attribute at its end say
// the most, except in a keyed fact (a lint message), whose key starts it.
func fitFact(s string, n int) string {
	if displayWidth(s) <= n || n < 5 {
		return s
	}
	if i := strings.IndexRune(s, '['); i >= 0 && strings.HasSuffix(s, "]") {
		key := displayWidth(s[:i+1])
		if rest := n - 1 - key; rest >= 6 {
			return cutMiddle(s, n, key+rest*2/3)
		}
	}
	return cutMiddle(s, n, (n-1)/3)
}

// fitEnd cuts s to n columns with an ellipsis at the end.
func fitEnd(s string, n int) string {
	if displayWidth(s) <= n {
		return s
	}
	return prefix(s, n-1) + ellipsis
}

// cutMiddle keeps head columns of s and as many of its end as make n
// columns with the ellipsis between them.
func cutMiddle(s string, n, head int) string {
	start := prefix(s, head)
	return start + ellipsis + suffix(s[len(start):], n-1-displayWidth(start))
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
		if displayWidth(text(h, t)) > n {
			if h == 2 && displayWidth(text(h, 0))+3 <= n {
				// /usr/local/…ip.pm: where the file is says more than its name.
				return cutMiddle(s, n, displayWidth(text(h, 0))-2), true
			}
			continue
		}
		for h+t < len(parts) {
			switch {
			case displayWidth(text(h+1, t)) <= n:
				h++
			case displayWidth(text(h, t+1)) <= n:
				t++
			default:
				return text(h, t), true
			}
		}
		return text(h, t), true
	}
	return "", false
}

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
	if total(minW) > avail {
		return minW, false
	}
	hi := minW
	for _, n := range nat {
		hi = max(hi, n)
	}
	return level(total, minW, hi, avail), true
}

// level returns the largest cap in [lo, hi] whose total fits avail, lo
// when none does; total must grow with the cap.
func level(total func(int) int, lo, hi, avail int) int {
	if total(hi) <= avail {
		return hi
	}
	if total(lo) > avail {
		return lo
	}
	for lo < hi-1 { // total(lo) fits, total(hi) does not
		mid := (lo + hi) / 2
		if total(mid) <= avail {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
