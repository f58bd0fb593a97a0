package fleet

import "testing"

// TestShardSplit: for several counts, every host is in exactly one shard,
// the shards are of similar size, and the split of a host does not depend
// on the other hosts.
func TestShardSplit(t *testing.T) {
	hosts := hostsNamed(1000)
	for _, n := range []int{1, 2, 3, 7, 16} {
		seen := map[string]int{}
		for i := range n {
			sh := Shard{Index: i, Count: n}
			part := sh.Select(hosts)
			if len(part) < 1000/n*7/10 || len(part) > 1000/n*13/10+1 {
				t.Errorf("shard %s has %d of 1000 hosts", sh, len(part))
			}
			for _, h := range part {
				seen[h.Name]++
				if len(sh.Select([]Host{h})) != 1 {
					t.Fatalf("%s moves when alone", h.Name)
				}
			}
		}
		for _, h := range hosts {
			if seen[h.Name] != 1 {
				t.Errorf("%d shards: %s is in %d shards", n, h.Name, seen[h.Name])
			}
		}
	}
	// Pinned, from an independent FNV-1a (Python): the split must never
	// change between versions. fnv1a64("mail01") = 13475576525111979505,
	// which is 1 mod 4.
	for i := range 4 {
		if got := (Shard{Index: i, Count: 4}).Has("mail01"); got != (i == 1) {
			t.Errorf("mail01 in shard %d/4: %v", i, got)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, ok := range []string{"0/1", "3/4", "15/16"} {
		if s, err := ParseShard(ok); err != nil || s.String() != ok {
			t.Errorf("ParseShard(%q) = %v, %v", ok, s, err)
		}
	}
	for _, bad := range []string{"", "1", "4/4", "-1/4", "0/0", "a/b", "1/2/3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}
