package remote

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/fleetcheck/fleetcheck/fleet/reuse"
)

// DefaultOutputLimit caps what one probe may return per stream.
const DefaultOutputLimit = 4 << 20

// Command is one command to run on a host.
type Command struct {
	// Cmd is passed to the login shell as by "ssh host CMD". fleetcheck only
	// ever passes constant strings here; data travels on Stdin.
	Cmd string
	// Stdin is fed to the command, followed by EOF.
	Stdin []byte
	// Stdout and Stderr receive the output. They must never block and never
	// fail: a writer that stops draining stalls the remote command. Nil discards.
	Stdout, Stderr io.Writer
}

// Exit is how a command ended.
type Exit struct {
	// Code is the exit status; -1 when none was reported.
	Code int
	// Signal names the signal that ended the command ("KILL"), if any.
	Signal string
	// TimedOut is set when ctx ended before the command did; the command
	// was then signalled and its session torn down.
	TimedOut bool
	// Step, when TimedOut, says what was awaited from the server ("reading
	// the command's output", "closing the session"), if the transport knows.
	Step string
}

// Runner runs commands on one host. *Client, *OpenSSH and Local implement it.
type Runner interface {
	Run(ctx context.Context, c Command) (Exit, error)
}

// CapBuffer is an io.Writer that keeps at most Max bytes and silently
// drains the rest, recording that it did. It never returns an error or a
// short count, so the remote side never stalls. Safe for concurrent use.
type CapBuffer struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	max       int64
	total     int64
	truncated bool
	// tail, in head-and-tail mode, holds the latest bytes past the head;
	// tailMax > 0 selects that mode.
	tail    []byte
	tailMax int
	// arrays, if set, lends the array the buffer keeps its bytes in, at
	// the first write, and takes it back at release.
	arrays *reuse.Pool[[]byte]
}

// maxReusedArray bounds the arrays a CapBuffer gives back for reuse.
const maxReusedArray = 1 << 20

// NewCapBuffer returns a buffer keeping at most max bytes (DefaultOutputLimit when max <= 0).
func NewCapBuffer(max int64) *CapBuffer {
	if max <= 0 {
		max = DefaultOutputLimit
	}
	return &CapBuffer{max: max}
}

// NewHeadTailBuffer returns a buffer that keeps the first half of max
// bytes and the last half, for output whose end matters as much as its
// start (MailScanner --lint prints its final errors last).
func NewHeadTailBuffer(max int64) *CapBuffer {
	w := NewCapBuffer(max)
	w.tailMax = int(w.max - w.max/2)
	w.max /= 2
	return w
}

// Write keeps what fits and drops the rest.
func (w *CapBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	w.total += int64(n)
	if w.arrays != nil && w.buf.Cap() == 0 && n > 0 {
		w.buf = *bytes.NewBuffer(w.arrays.Get()[:0])
	}
	if room := w.max - int64(w.buf.Len()); int64(len(p)) > room {
		w.buf.Write(p[:max(room, 0)])
		if w.tailMax > 0 {
			w.keepTail(p[max(room, 0):])
		} else {
			w.truncated = true
		}
		return n, nil
	}
	w.buf.Write(p)
	return n, nil
}

// keepTail appends p to the tail and forgets all but its last tailMax
// bytes, compacting only when twice that is held.
func (w *CapBuffer) keepTail(p []byte) {
	if len(p) >= w.tailMax {
		w.tail = append(w.tail[:0], p[len(p)-w.tailMax:]...)
		return
	}
	w.tail = append(w.tail, p...)
	if len(w.tail) > 2*w.tailMax {
		w.tail = append(w.tail[:0], w.tail[len(w.tail)-w.tailMax:]...)
	}
}

// Bytes returns what was kept. In head-and-tail mode with bytes dropped,
// that is the head up to its last whole line, then the tail from its first
// whole line: every line returned arrived whole.
func (w *CapBuffer) Bytes() []byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	head := w.buf.Bytes()
	if w.tailMax == 0 || len(w.tail) == 0 {
		return bytes.Clone(head)
	}
	tail := w.tail[max(len(w.tail)-w.tailMax, 0):]
	if w.droppedLocked() {
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
		if i := bytes.IndexByte(tail, '\n'); i >= 0 {
			tail = tail[i+1:]
		}
	}
	out := make([]byte, 0, len(head)+len(tail))
	return append(append(out, head...), tail...)
}

// release gives the array of w's kept bytes back to its arrays for
// another buffer; w keeps nothing, and must not be read after.
func (w *CapBuffer) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.arrays != nil && w.buf.Cap() > 0 && w.buf.Cap() <= maxReusedArray {
		w.arrays.Put(w.buf.Bytes()[:0])
	}
	w.buf, w.arrays = bytes.Buffer{}, nil
}

// Truncated reports whether anything was dropped.
func (w *CapBuffer) Truncated() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.droppedLocked()
}

func (w *CapBuffer) droppedLocked() bool {
	if w.tailMax > 0 {
		return w.total-int64(w.buf.Len()) > int64(w.tailMax)
	}
	return w.truncated
}

// Total is the number of bytes written, kept or not.
func (w *CapBuffer) Total() int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.total
}

// Output is the captured result of RunCapped.
type Output struct {
	Stdout, Stderr []byte
	Exit
	Truncated bool
}

// RunCapped runs cmd on r and captures at most limit bytes of each stream.
func RunCapped(ctx context.Context, r Runner, cmd string, stdin []byte, limit int64) (Output, error) {
	out, errb := NewCapBuffer(limit), NewCapBuffer(limit)
	exit, err := r.Run(ctx, Command{Cmd: cmd, Stdin: stdin, Stdout: out, Stderr: errb})
	return Output{Stdout: out.Bytes(), Stderr: errb.Bytes(), Exit: exit,
		Truncated: out.Truncated() || errb.Truncated()}, err
}
