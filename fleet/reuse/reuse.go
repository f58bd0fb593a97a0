// Package reuse keeps large working values (compressors, buffers) for
// reuse across the hosts of a run. Unlike sync.Pool, whose values a
// garbage collection drops, a Pool keeps what it holds: a collect that
// allocates steadily runs the collector often, and each drop would make
// the next host allocate and clear its buffers again.
package reuse

import "runtime"

// Pool holds up to a fixed number of values of type T.
type Pool[T any] struct {
	free  chan T
	alloc func() T
}

// New returns a Pool that keeps at most size values (at least one) and
// makes a new one with alloc when it holds none.
func New[T any](size int, alloc func() T) *Pool[T] {
	return &Pool[T]{free: make(chan T, max(size, 1)), alloc: alloc}
}

// PerCPU is a Pool size for values used by work that runs on every CPU
// and may be preempted: twice the CPUs Go runs on, at most limit.
func PerCPU(limit int) int {
	return min(2*runtime.GOMAXPROCS(0), limit)
}

// Get returns a value the Pool held, or a new one.
func (p *Pool[T]) Get() T {
	select {
	case v := <-p.free:
		return v
	default:
		return p.alloc()
	}
}

// Put gives v back for reuse; it is dropped when the Pool is full.
func (p *Pool[T]) Put(v T) {
	select {
	case p.free <- v:
	default:
	}
}
