package remote

import (
	"strings"
	"testing"
)

// TestDemuxReusesSectionArrays: a probe's section on the next host
// reuses the array the previous host's gave back, and still returns
// exactly its own output; the output returned before is not touched. A
// section whose name is not a probe of the batch borrows nothing.
func TestDemuxReusesSectionArrays(t *testing.T) {
	const name, stranger = "reuse_test_probe", "reuse_test_stranger"
	m := markerPrefix("n")
	host := func(out string) (*demux, []byte, []byte) {
		d := newDemux("n", 1<<20)
		d.tails = map[string]bool{name: false}
		stream := m + "begin " + name + "\n" + out + "\n" + m + "end " + name + " 0 0\n" +
			m + "begin " + stranger + "\n" + out + "\n" + m + "end " + stranger + " 0 0\n"
		for p := []byte(stream); len(p) > 0; p = p[min(len(p), 1000):] {
			if _, err := d.Write(p[:min(len(p), 1000)]); err != nil {
				t.Fatal(err)
			}
		}
		array := d.sections[name].buf.buf.Bytes()[:1]
		got, _, _ := d.result(name)
		if string(got) != out {
			t.Fatalf("section = %d bytes %.20q..., want %d bytes %.20q...", len(got), got, len(out), out)
		}
		return d, got, array
	}
	first := strings.Repeat("first host line\n", 3000)
	d1, got1, array1 := host(first)
	d1.release()
	second := strings.Repeat("2nd\n", 100)
	d2, _, array2 := host(second)
	if &array1[0] != &array2[0] {
		t.Error("the second host's section did not reuse the array the first gave back")
	}
	if string(got1) != first {
		t.Error("the first host's output changed when its array was reused")
	}
	d2.release()
	if _, ok := arraysByProbe.Load(stranger); ok {
		t.Error("a section the batch did not name got arrays kept for it")
	}
	if d2.sections[name].buf.buf.Cap() != 0 {
		t.Error("a released buffer still holds its array")
	}
}
