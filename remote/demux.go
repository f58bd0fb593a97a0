package remote

import (
	"bytes"
	"strconv"
	"sync"
	"time"

	"github.com/fleetcheck/fleetcheck/fleet/reuse"
)

// demux is the io.Writer for one stream of a batch session: it splits the
// stream at marker lines into one capped buffer per probe. It keeps memory
// bounded whatever the host sends: bytes outside any section are dropped,
// each section keeps at most limit bytes, and a pending line-start is never
// held beyond the marker length.
type demux struct {
	mu     sync.Mutex
	marker []byte // "@@fleetcheck-NONCE "
	limit  int64
	// tails names the probes whose sections keep head and tail
	// (NewHeadTailBuffer) rather than the head only.
	tails    map[string]bool
	sections map[string]*section
	cur      *section
	// outside keeps a little of what arrived outside any section: login
	// banners, or sudo's refusal when the batch never started.
	outside *CapBuffer
	// pending holds bytes at the start of a line that may be a marker.
	pending   []byte
	lineStart bool
}

// section is one probe's output in one stream.
type section struct {
	buf      *CapBuffer
	ended    bool
	exitCode int
	timedOut bool
	// begun and finished are when the markers arrived: the probe's wall
	// time as seen from here, which needs no clock on the host.
	begun, finished time.Time
}

func newDemux(nonce string, limit int64) *demux {
	return &demux{marker: []byte(markerPrefix(nonce)), limit: limit, sections: map[string]*section{},
		lineStart: true, outside: NewCapBuffer(4096)}
}

// maxMarkerLine bounds a marker line: prefix + "end " + name + two numbers.
const maxMarkerLine = 256

// Write never fails and never returns a short count.
func (d *demux) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		if d.lineStart || len(d.pending) > 0 {
			p = d.feedLineStart(p)
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			d.emit(p)
			break
		}
		d.emit(p[:i+1])
		p = p[i+1:]
		d.lineStart = true
	}
	return n, nil
}

// feedLineStart consumes bytes at the start of a line, deciding whether
// the line is a marker. It returns the unconsumed rest.
func (d *demux) feedLineStart(p []byte) []byte {
	d.lineStart = false
	for len(p) > 0 {
		c := p[0]
		d.pending = append(d.pending, c)
		p = p[1:]
		if len(d.pending) <= len(d.marker) {
			if d.pending[len(d.pending)-1] != d.marker[len(d.pending)-1] {
				d.flushPending(c == '\n')
				return p
			}
			continue
		}
		if c == '\n' {
			d.marker1(d.pending[len(d.marker) : len(d.pending)-1])
			d.pending = d.pending[:0]
			d.lineStart = true
			return p
		}
		if len(d.pending) > maxMarkerLine {
			d.flushPending(false)
			return p
		}
	}
	return p // still undecided: wait for more bytes
}

// flushPending gives the held bytes to the current section.
func (d *demux) flushPending(endsLine bool) {
	d.emit(d.pending)
	d.pending = d.pending[:0]
	d.lineStart = endsLine
}

func (d *demux) emit(p []byte) {
	if d.cur != nil {
		_, _ = d.cur.buf.Write(p)
		return
	}
	_, _ = d.outside.Write(p)
}

// marker1 handles "begin NAME" or "end NAME RC TO".
func (d *demux) marker1(line []byte) {
	f := bytes.Fields(line)
	switch {
	case len(f) == 2 && string(f[0]) == "begin":
		buf := NewCapBuffer(d.limit)
		tail, known := d.tails[string(f[1])]
		if tail {
			buf = NewHeadTailBuffer(d.limit)
		}
		if known { // a probe of the batch, not any name a host sends
			buf.arrays = sectionArrays(string(f[1]))
		}
		s := &section{buf: buf, exitCode: -1, begun: time.Now()}
		d.sections[string(f[1])] = s
		d.cur = s
	case len(f) == 4 && string(f[0]) == "end":
		if s, ok := d.sections[string(f[1])]; ok && s == d.cur {
			s.ended = true
			s.finished = time.Now()
			s.exitCode, _ = strconv.Atoi(string(f[2]))
			s.timedOut = string(f[3]) == "1"
		}
		d.cur = nil
	}
}

// result returns a probe's output with the newline that preceded its end
// marker removed.
func (d *demux) result(name string) (out []byte, truncated bool, s *section) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.sections[name]
	if !ok {
		return nil, false, nil
	}
	b := s.buf.Bytes()
	if s.ended && len(b) > 0 && b[len(b)-1] == '\n' {
		b = b[:len(b)-1]
	}
	return b, s.buf.Truncated(), s
}

// release gives the sections' arrays back for the next host's sections,
// once their results are read.
func (d *demux) release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.sections {
		s.buf.release()
	}
}

// arraysByProbe holds, per probe name, the arrays of section buffers
// given back by the hosts done: a probe's output is about the same size
// on every host, and a buffer that grows to it anew allocates some twice
// that on the way.
var arraysByProbe sync.Map // probe name -> *reuse.Pool[[]byte]

// sectionArrays returns the arrays kept for the sections of probe name.
func sectionArrays(name string) *reuse.Pool[[]byte] {
	if p, ok := arraysByProbe.Load(name); ok {
		return p.(*reuse.Pool[[]byte])
	}
	p, _ := arraysByProbe.LoadOrStore(name, reuse.New(16, func() []byte { return nil }))
	return p.(*reuse.Pool[[]byte])
}

// started reports whether any section began.
func (d *demux) started() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.sections) > 0
}

// stray returns what arrived outside every section.
func (d *demux) stray() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append(d.outside.Bytes(), d.pending...)
}
