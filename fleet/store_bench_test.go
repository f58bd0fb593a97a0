package fleet

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// BenchmarkWriteSnapshot writes a real-sized snapshot (a demo host's) into
// a run directory, as collect does for every host: encode, compress, write.
// In AfterGC a garbage collection runs before each write, as one does
// every few hosts of a collect.
func BenchmarkWriteSnapshot(b *testing.B) {
	s, err := ReadSnapshot("../compare/testdata/demo/mail01.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, gc := range []bool{false, true} {
		name := "Warm"
		if gc {
			name = "AfterGC"
		}
		b.Run(name, func(b *testing.B) {
			run, err := CreateRun(b.TempDir(), RunRecord{StartedAt: time.Now()}, []Host{{Name: s.Host}})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if gc {
					b.StopTimer()
					runtime.GC()
					b.StartTimer()
				}
				if err := run.WriteSnapshot(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSnapshotLevels compresses the encoded demo snapshots at the
// levels around snapshotLevel, reporting the compressed kB per snapshot:
// the trade-off behind snapshotLevel. Warm compresses with one writer
// whose tables stay in the CPU's caches; Cold rotates eight writers and
// sweeps 8 MB of memory before each snapshot, as a collect does between
// hosts (other hosts' sessions, parsing and writers run in between).
func BenchmarkSnapshotLevels(b *testing.B) {
	var raws [][]byte
	for i := 1; i <= 7; i++ {
		s, err := ReadSnapshot(fmt.Sprintf("../compare/testdata/demo/mail%02d.json", i))
		if err != nil {
			b.Fatal(err)
		}
		raw, err := MarshalSorted(s)
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	sweep := make([]byte, 8<<20)
	for _, level := range []int{1, 2, 3} {
		for _, cold := range []bool{false, true} {
			name := fmt.Sprintf("level%d/Warm", level)
			writers := 1
			if cold {
				name = fmt.Sprintf("level%d/Cold", level)
				writers = 8
			}
			b.Run(name, func(b *testing.B) {
				var ws []*gzip.Writer
				for range writers {
					w, err := gzip.NewWriterLevel(nil, level)
					if err != nil {
						b.Fatal(err)
					}
					ws = append(ws, w)
				}
				var out bytes.Buffer
				total, n := 0, 0
				for b.Loop() {
					if cold {
						b.StopTimer()
						for i := 0; i < len(sweep); i += 64 {
							sweep[i]++
						}
						b.StartTimer()
					}
					w, raw := ws[n%len(ws)], raws[n%len(raws)]
					out.Reset()
					w.Reset(&out)
					if _, err := w.Write(raw); err != nil {
						b.Fatal(err)
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
					total += out.Len()
					n++
				}
				b.ReportMetric(float64(total)/float64(n)/1000, "kB/snapshot")
			})
		}
	}
}
