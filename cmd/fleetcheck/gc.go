package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcHeadroom is the heap a command may grow to before the garbage
// collector runs. Go's default (GOGC=100) collects whenever the heap has
// doubled since the last collection, which for collect's small live heap
// (some tens of megabytes: buffers of the hosts in flight, the run's
// status lines) means a collection every few hosts. Letting the heap grow
// to gcHeadroom instead costs memory the coordinator has (its peak RSS
// target is 300 MB) and saves most of the collector's CPU; once the live
// heap passes half of it, Go's default applies again, so a larger fleet
// never collects more often than it would without this.
const gcHeadroom = 160 << 20

// maxGCPercent bounds the GOGC the tuner sets when the live heap is tiny.
const maxGCPercent = 5000

// tuneGC makes the collector use gcHeadroom, unless the user chose a
// policy of their own with GOGC or GOMEMLIMIT: then it does nothing and
// returns nil. The tuner runs until stopped.
func tuneGC(getenv func(string) string) *gcTuner {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return nil
	}
	t := &gcTuner{sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	t.tune()
	t.arm()
	return t
}

// gcTuner sets GOGC after each collection so that the next one comes when
// the heap reaches gcHeadroom, or twice the live heap if that is more.
type gcTuner struct {
	sample  []metrics.Sample
	stopped atomic.Bool
}

// stop ends the tuning after the next collection; GOGC stays as it was
// last set.
func (t *gcTuner) stop() { t.stopped.Store(true) }

// gcPercent is the GOGC that makes a heap of live bytes grow to headroom
// before the next collection, and never less than Go's default of 100.
func gcPercent(live, headroom uint64) int {
	if live == 0 {
		return maxGCPercent
	}
	if headroom <= 2*live {
		return 100
	}
	return int(min((headroom-live)*100/live, maxGCPercent))
}

func (t *gcTuner) tune() {
	metrics.Read(t.sample)
	var live uint64
	if t.sample[0].Value.Kind() == metrics.KindUint64 {
		live = t.sample[0].Value.Uint64()
	}
	debug.SetGCPercent(gcPercent(live, gcHeadroom))
}

// gcSentinel is garbage as soon as it is made: its finalizer runs after
// each collection, retunes and makes the next sentinel.
type gcSentinel struct{ t *gcTuner }

func (t *gcTuner) arm() {
	runtime.SetFinalizer(&gcSentinel{t: t}, func(s *gcSentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.tune()
		s.t.arm()
	})
}
