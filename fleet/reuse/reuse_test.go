package reuse

import (
	"runtime"
	"testing"
)

// TestPoolKeepsValuesAcrossGC: what was put back is handed out again,
// also after garbage collections (which empty a sync.Pool), up to the
// Pool's size; beyond it new values are made.
func TestPoolKeepsValuesAcrossGC(t *testing.T) {
	made := 0
	p := New(2, func() *[]byte {
		made++
		b := make([]byte, 0, 1<<20)
		return &b
	})
	a, b, c := p.Get(), p.Get(), p.Get()
	if made != 3 {
		t.Fatalf("made %d values for three Gets on an empty Pool, want 3", made)
	}
	p.Put(a)
	p.Put(b)
	p.Put(c) // beyond the size: dropped
	runtime.GC()
	runtime.GC()
	got := map[*[]byte]bool{p.Get(): true, p.Get(): true}
	if made != 3 || !got[a] || !got[b] {
		t.Errorf("after two GCs the Pool gave %v (made %d), want the two values put back first", got, made)
	}
	if p.Get(); made != 4 {
		t.Errorf("a Get on an emptied Pool made %d values in all, want 4", made)
	}
}

// TestPerCPU: twice GOMAXPROCS, bounded by the limit.
func TestPerCPU(t *testing.T) {
	old := runtime.GOMAXPROCS(3)
	defer runtime.GOMAXPROCS(old)
	if got := PerCPU(100); got != 6 {
		t.Errorf("PerCPU(100) with 3 CPUs = %d, want 6", got)
	}
	if got := PerCPU(4); got != 4 {
		t.Errorf("PerCPU(4) with 3 CPUs = %d, want 4", got)
	}
}
