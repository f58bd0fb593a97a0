package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestGCPercent(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		live, headroom uint64
		want           int
	}{
		{0, 192 * mb, maxGCPercent},
		{1 * mb, 192 * mb, maxGCPercent}, // capped
		{16 * mb, 192 * mb, 1100},        // 16 MB grows to 192 MB
		{64 * mb, 192 * mb, 200},
		{96 * mb, 192 * mb, 100}, // half the headroom: Go's default
		{500 * mb, 192 * mb, 100},
	} {
		if got := gcPercent(tc.live, tc.headroom); got != tc.want {
			t.Errorf("gcPercent(%d MB, %d MB) = %d, want %d", tc.live/mb, tc.headroom/mb, got, tc.want)
		}
	}
}

// TestTuneGC: without GOGC or GOMEMLIMIT the tuner sets GOGC after every
// collection from the live heap; with either, the user's policy stands.
func TestTuneGC(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		if tuneGC(func(k string) string {
			if k == env {
				return "200"
			}
			return ""
		}) != nil {
			t.Errorf("with %s set, a tuner was started", env)
		}
		runtime.GC()
		runtime.GC()
		if p := debug.SetGCPercent(100); p != 100 {
			t.Errorf("with %s set, GOGC became %d", env, p)
		}
	}
	tuner := tuneGC(func(string) string { return "" })
	defer tuner.stop()
	debug.SetGCPercent(100)
	// The sentinel's finalizer runs after a collection, on its own goroutine.
	for range 20 {
		runtime.GC()
		if p := debug.SetGCPercent(100); p != 100 {
			if p < 100 || p > maxGCPercent {
				t.Errorf("GOGC = %d, out of bounds", p)
			}
			return
		}
		runtime.Gosched()
	}
	t.Error("GOGC was never retuned after a collection")
}
