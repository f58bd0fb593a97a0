package render

import (
	"slices"
	"strconv"
	"strings"
)

// Fold folds host names into clush-style node ranges:
// mail01 … mail07, mail09 becomes "mail[01-07,09]". Names sharing the
// prefix before their trailing digits fold together when their digits use
// the same zero-padding (mail9 and mail10 fold; mail01 and mail1 do not).
// Names without trailing digits are listed as they are. The output is in
// natural sort order.
func Fold(hosts []string) string {
	type group struct {
		prefix string
		width  int // zero-padding width; 0 when unpadded
		nums   []int
	}
	sorted := slices.Clone(hosts)
	slices.SortFunc(sorted, compareHosts)
	sorted = slices.Compact(sorted)
	var items []any // string or *group, in output order
	groups := map[string][]*group{}
	for _, h := range sorted {
		prefix, digits, ok := splitDigits(h)
		if !ok {
			items = append(items, h)
			continue
		}
		n, _ := strconv.Atoi(digits)
		width := 0
		if len(digits) > 1 && digits[0] == '0' {
			width = len(digits)
		}
		var g *group
		for _, c := range groups[prefix] {
			if pad(n, c.width) == digits {
				g = c
				break
			}
		}
		if g == nil {
			g = &group{prefix: prefix, width: width}
			groups[prefix] = append(groups[prefix], g)
			items = append(items, g)
		}
		g.nums = append(g.nums, n)
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		g, ok := it.(*group)
		if !ok {
			out = append(out, it.(string))
			continue
		}
		if len(g.nums) == 1 {
			out = append(out, g.prefix+pad(g.nums[0], g.width))
			continue
		}
		slices.Sort(g.nums)
		var ranges []string
		for i := 0; i < len(g.nums); {
			j := i
			for j+1 < len(g.nums) && g.nums[j+1] == g.nums[j]+1 {
				j++
			}
			r := pad(g.nums[i], g.width)
			if j > i {
				r += "-" + pad(g.nums[j], g.width)
			}
			ranges = append(ranges, r)
			i = j + 1
		}
		out = append(out, g.prefix+"["+strings.Join(ranges, ",")+"]")
	}
	return strings.Join(out, ",")
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

// splitDigits splits a name into its prefix and trailing digits (at most 9).
func splitDigits(h string) (prefix, digits string, ok bool) {
	i := len(h)
	for i > 0 && h[i-1] >= '0' && h[i-1] <= '9' {
		i--
	}
	if i == len(h) || len(h)-i > 9 {
		return h, "", false
	}
	return h[:i], h[i:], true
}

// compareHosts orders names naturally: mail2 before mail10.
func compareHosts(a, b string) int {
	pa, da, oka := splitDigits(a)
	pb, db, okb := splitDigits(b)
	if oka && okb && pa == pb {
		na, _ := strconv.Atoi(da)
		nb, _ := strconv.Atoi(db)
		if na != nb {
			if na < nb {
				return -1
			}
			return 1
		}
	}
	return strings.Compare(a, b)
}
