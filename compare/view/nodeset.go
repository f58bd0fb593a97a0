package view

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Fold writes host names as node ranges, the way ClusterShell does:
// mail01 … mail07 and mail09 become "mail[01-07,09]". Names are folded on
// their last run of digits; zero-padded numbers fold only with numbers of
// the same width. Names without digits are listed as they are. The result
// is sorted and joined with commas.
func Fold(names []string) string {
	type key struct {
		prefix, suffix string
		width          int // 0: natural numbers
	}
	buckets := map[key][]int{}
	var keys []key
	var plain []string
	for _, n := range slices.Compact(slices.Sorted(slices.Values(names))) {
		i, j := lastDigits(n)
		if i < 0 || j-i > 9 {
			plain = append(plain, n)
			continue
		}
		num, _ := strconv.Atoi(n[i:j])
		k := key{prefix: n[:i], suffix: n[j:]}
		if n[i] == '0' && j-i > 1 {
			k.width = j - i
		}
		if _, ok := buckets[k]; !ok {
			keys = append(keys, k)
		}
		buckets[k] = append(buckets[k], num)
	}
	// A natural number as wide as a padded group's width prints the same
	// padded (10 with width 2), so it joins that group.
	for _, k := range keys {
		if k.width != 0 {
			continue
		}
		var keep []int
		for _, num := range buckets[k] {
			pk := key{prefix: k.prefix, suffix: k.suffix, width: len(strconv.Itoa(num))}
			if _, ok := buckets[pk]; ok {
				buckets[pk] = append(buckets[pk], num)
				continue
			}
			keep = append(keep, num)
		}
		buckets[k] = keep
	}
	type item struct{ sort, text string }
	var items []item
	for _, n := range plain {
		items = append(items, item{n, n})
	}
	for _, k := range keys {
		nums := buckets[k]
		if len(nums) == 0 {
			continue
		}
		slices.Sort(nums)
		nums = slices.Compact(nums)
		f := func(n int) string { return fmt.Sprintf("%0*d", k.width, n) }
		if len(nums) == 1 {
			items = append(items, item{k.prefix + f(nums[0]) + k.suffix, k.prefix + f(nums[0]) + k.suffix})
			continue
		}
		var parts []string
		for i := 0; i < len(nums); {
			j := i
			for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
				j++
			}
			if j == i {
				parts = append(parts, f(nums[i]))
			} else {
				parts = append(parts, f(nums[i])+"-"+f(nums[j]))
			}
			i = j + 1
		}
		items = append(items, item{k.prefix + f(nums[0]) + k.suffix, k.prefix + "[" + strings.Join(parts, ",") + "]" + k.suffix})
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.sort, b.sort) })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.text
	}
	return strings.Join(out, ",")
}

// lastDigits returns the bounds of the last run of ASCII digits in s, or
// -1, -1.
func lastDigits(s string) (int, int) {
	j := len(s)
	for j > 0 && !isDigit(s[j-1]) {
		j--
	}
	if j == 0 {
		return -1, -1
	}
	i := j
	for i > 0 && isDigit(s[i-1]) {
		i--
	}
	return i, j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
