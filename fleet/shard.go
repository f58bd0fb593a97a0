package fleet

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part of a fleet split between coordinators: Index of Count
// (0 ≤ Index < Count), as in a Kubernetes Indexed Job.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || count < 1 || idx < 0 || idx >= count {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 0 ≤ I < N, e.g. 0/4", s)
	}
	return Shard{Index: idx, Count: count}, nil
}

// String is "I/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Has reports whether the host named name belongs to the shard. The split
// depends on the name alone (FNV-1a), so it is the same on every machine,
// in every version and whatever else the inventory holds: each host is in
// exactly one shard of a given count.
func (s Shard) Has(name string) bool {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// Select keeps the hosts of the shard, in their order.
func (s Shard) Select(hosts []Host) []Host {
	var out []Host
	for _, h := range hosts {
		if s.Has(h.Name) {
			out = append(out, h)
		}
	}
	return out
}
