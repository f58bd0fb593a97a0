package fleet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// readFile returns the content of path, decompressed when it starts with
// gzip's magic number.
func readFile(path string) ([]byte, error) {
	var out bytes.Buffer
	return readFileInto(&out, path)
}

// readFileInto is readFile with the decompressed content in out.
func readFileInto(out *bytes.Buffer, path string) ([]byte, error) {
	raw := rawBuffers.Get().(*bytes.Buffer)
	defer rawBuffers.Put(raw)
	raw.Reset()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	_, err = raw.ReadFrom(f)
	f.Close()
	if err != nil {
		return nil, err
	}
	b := raw.Bytes()
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		out.Write(b)
		return out.Bytes(), nil
	}
	if err := gunzip(out, b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out.Bytes(), nil
}

// restBuffers hold what decode hands encoding/json, which keeps none of it.
var restBuffers = sync.Pool{New: func() any { return new([]byte) }}

// rawBuffers hold files as they are read, before they are decompressed.
var rawBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gunzip appends the decompressed content of b to out.
func gunzip(out *bytes.Buffer, b []byte) error {
	zr, _ := gunzippers.Get().(*gzip.Reader)
	var err error
	if zr == nil {
		zr, err = gzip.NewReader(bytes.NewReader(b))
	} else {
		err = zr.Reset(bytes.NewReader(b))
	}
	if err != nil {
		return err
	}
	defer gunzippers.Put(zr)
	if n := 10 * len(b); out.Available() < n {
		out.Grow(n) // JSON snapshots compress about eight times
	}
	_, err = out.ReadFrom(zr)
	return err
}

// gunzippers are reused gzip readers (klauspost/compress's, which inflate
// a third faster than compress/gzip's), each with its tables.
var gunzippers sync.Pool

// readBuffers hold decompressed snapshots while they are decoded.
var readBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// sharedFacts decodes the facts of the snapshots of one run so that
// probes whose stored facts are byte for byte the same on several hosts
// (the module list of a hundred clones) are decoded once and shared: the
// hosts' Facts point to the same values. Snapshots read through it must be
// treated as read-only, which every reader of a stored run does.
type sharedFacts struct {
	mu sync.Mutex
	// byProbe maps a facts field's JSON name, then its raw JSON, to the
	// decoded pointer (or map).
	byProbe map[string]map[string]reflect.Value
	// strings are interned texts (see intern).
	strings map[string]string
	// commands are the probes' commands by their JSON text (see command).
	commands map[string]string
}

// minShared is the size under which a probe's facts are decoded for each
// host: looking them up would cost as much.
const minShared = 512

// factsFieldIndex maps the JSON name of each Facts field to its index.
var factsFieldIndex = func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeFor[Facts]()
	for i := range t.NumField() {
		name, _, _ := bytes.Cut([]byte(t.Field(i).Tag.Get("json")), []byte(","))
		m[string(name)] = i
	}
	return m
}()

// decode decodes one snapshot. It splits the facts object into its
// members, decodes each distinct member once, and decodes the rest of the
// snapshot as usual. Anything it does not expect (escaped or unknown
// keys, a second facts key, malformed JSON) makes it decode the whole
// snapshot with encoding/json instead, which reports errors as usual.
func (sf *sharedFacts) decode(b []byte, s *Snapshot) error {
	// The facts and the probes are split as they are passed over: the
	// facts are most of a snapshot, scanned once.
	top, _, ok := members(b, skipSpace(b, 0), func(key string) bool { return key == "facts" || key == "probes" })
	var facts *member
	for i := range top {
		if top[i].key == "facts" {
			if facts != nil {
				ok = false
			}
			facts = &top[i]
		}
	}
	if !ok || facts == nil {
		return json.Unmarshal(b, s)
	}
	inner, ok := facts.inner, ok && facts.split
	for _, m := range inner {
		if _, known := factsFieldIndex[m.key]; !known {
			ok = false
		}
	}
	if !ok {
		return json.Unmarshal(b, s)
	}
	// The rest is decoded as usual but for the facts, and the probes'
	// commands (long texts, the same on every host), decoded once each.
	cuts := append(probeCommands(b, top), span{start: facts.start, end: facts.end, with: "null"})
	slices.SortFunc(cuts, func(a, b span) int { return a.start - b.start })
	size := len(b)
	for _, c := range cuts {
		size += len(c.with) - (c.end - c.start)
	}
	restp := restBuffers.Get().(*[]byte)
	defer func() { restBuffers.Put(restp) }()
	rest := (*restp)[:0]
	if cap(rest) < size {
		rest = make([]byte, 0, size)
		*restp = rest
	}
	at := 0
	for _, c := range cuts {
		rest = append(append(rest, b[at:c.start]...), c.with...)
		at = c.end
	}
	rest = append(rest, b[at:]...)
	if err := json.Unmarshal(rest, s); err != nil {
		return err
	}
	if len(cuts) == 1 {
		for name, p := range s.Probes {
			p.Command = sf.intern(p.Command)
			s.Probes[name] = p
		}
	}
	for _, c := range cuts {
		if !c.command {
			continue
		}
		cmd, err := sf.command(b[c.start:c.end])
		if err != nil {
			// encoding/json's error, for the whole rest.
			rest = append(append(append(rest[:0], b[:facts.start]...), "null"...), b[facts.end:]...)
			return json.Unmarshal(rest, new(Snapshot))
		}
		p := s.Probes[c.probe]
		p.Command = cmd
		s.Probes[c.probe] = p
	}
	fv := reflect.ValueOf(&s.Facts).Elem()
	for _, m := range inner {
		v, err := sf.value(m.key, fv.Field(factsFieldIndex[m.key]).Type(), b[m.start:m.end])
		if err != nil {
			return fmt.Errorf("facts.%s: %w", m.key, err)
		}
		fv.Field(factsFieldIndex[m.key]).Set(v)
	}
	return nil
}

// intern returns the one copy of s kept for the run: the probes' commands,
// the same constant text on every host, are then held once.
func (sf *sharedFacts) intern(s string) string {
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if c, ok := sf.strings[s]; ok {
		return c
	}
	if sf.strings == nil {
		sf.strings = map[string]string{}
	}
	if len(sf.strings) < 1024 {
		sf.strings[s] = s
	}
	return s
}

// command returns the probe command whose JSON string is raw, decoded
// once for the run.
func (sf *sharedFacts) command(raw []byte) (string, error) {
	sf.mu.Lock()
	c, ok := sf.commands[string(raw)]
	sf.mu.Unlock()
	if ok {
		return c, nil
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return "", err
	}
	sf.mu.Lock()
	defer sf.mu.Unlock()
	if prev, ok := sf.commands[string(raw)]; ok {
		return prev, nil
	}
	if sf.commands == nil {
		sf.commands = map[string]string{}
	}
	if len(sf.commands) < 1024 {
		sf.commands[string(raw)] = c
	}
	return c, nil
}

// span is a part of a snapshot's JSON that decode replaces with another
// text: the facts object, or a probe's command.
type span struct {
	start, end int
	with       string
	// command is set for a probe's command, probe names the probe.
	command bool
	probe   string
}

// probeCommands finds the "command" strings of the probes' results
// among the snapshot's top-level members, each to be cut to "". Anything
// that encoding/json might read otherwise (a key that differs only in
// case, a probe or command given twice, a command that is not a string)
// makes it find none, and the commands are decoded with the rest.
func probeCommands(b []byte, top []member) []span {
	var probes *member
	for i := range top {
		if strings.EqualFold(top[i].key, "probes") {
			if probes != nil || top[i].key != "probes" {
				return nil
			}
			probes = &top[i]
		}
	}
	if probes == nil {
		return nil
	}
	if !probes.split {
		return nil
	}
	inner := probes.inner
	var out []span
	seen := map[string]bool{}
	for _, p := range inner {
		fields, _, ok := members(b, p.start, nil)
		if !ok || seen[p.key] {
			return nil
		}
		seen[p.key] = true
		found := false
		for _, f := range fields {
			if !strings.EqualFold(f.key, "command") {
				continue
			}
			if found || f.key != "command" || b[f.start] != '"' {
				return nil
			}
			found = true
			out = append(out, span{start: f.start, end: f.end, with: `""`, command: true, probe: p.key})
		}
	}
	return out
}

// value returns the decoded facts of one probe, shared when large.
func (sf *sharedFacts) value(name string, t reflect.Type, raw []byte) (reflect.Value, error) {
	if len(raw) >= minShared {
		sf.mu.Lock()
		v, ok := sf.byProbe[name][string(raw)]
		sf.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	p := reflect.New(t)
	if err := json.Unmarshal(raw, p.Interface()); err != nil {
		return reflect.Value{}, err
	}
	v := p.Elem()
	if len(raw) >= minShared {
		sf.mu.Lock()
		defer sf.mu.Unlock()
		if sf.byProbe == nil {
			sf.byProbe = map[string]map[string]reflect.Value{}
		}
		if sf.byProbe[name] == nil {
			sf.byProbe[name] = map[string]reflect.Value{}
		}
		if prev, ok := sf.byProbe[name][string(raw)]; ok {
			return prev, nil
		}
		sf.byProbe[name][string(raw)] = v
	}
	return v, nil
}

// member is one key of a JSON object and where its value lies.
type member struct {
	key        string
	start, end int
	// split is set when the value is an object that members split into
	// inner.
	split bool
	inner []member
}

// members lists the members of the JSON object at b[i:]; ok is false when
// b[i:] is not an object this simple scanner can vouch for (a key with an
// escape, unbalanced brackets). Values are not validated: encoding/json
// does that when it decodes them. The values that are objects of the keys
// split says yes to (split may be nil) are split too, in the same pass.
func members(b []byte, i int, split func(key string) bool) (out []member, end int, ok bool) {
	if i >= len(b) || b[i] != '{' {
		return nil, 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil, i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, 0, false
		}
		kEnd, ok := skipString(b, i)
		if !ok || bytes.IndexByte(b[i+1:kEnd-1], '\\') >= 0 {
			return nil, 0, false
		}
		key := string(b[i+1 : kEnd-1])
		i = skipSpace(b, kEnd)
		if i >= len(b) || b[i] != ':' {
			return nil, 0, false
		}
		start := skipSpace(b, i+1)
		m := member{key: key, start: start}
		if split != nil && start < len(b) && b[start] == '{' && split(key) {
			m.inner, m.end, ok = members(b, start, nil)
			m.split = true
		} else {
			m.end, ok = skipValue(b, start)
		}
		if !ok {
			return nil, 0, false
		}
		vEnd := m.end
		out = append(out, m)
		i = skipSpace(b, vEnd)
		switch {
		case i < len(b) && b[i] == ',':
			i = skipSpace(b, i+1)
		case i < len(b) && b[i] == '}':
			return out, i + 1, true
		default:
			return nil, 0, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"').
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return 0, false
		}
		i += j
		// The quote ends the string unless an odd number of backslashes
		// precede it.
		k := i
		for k > 0 && b[k-1] == '\\' {
			k--
		}
		i++
		if (i-1-k)%2 == 0 {
			return i, true
		}
	}
	return 0, false
}

// structural marks the bytes skipValue looks for inside an object or
// an array; it steps over the others (indentation, numbers, literals)
// without a second look.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			for !structural[b[i]] {
				if i++; i == len(b) {
					return 0, false
				}
			}
			switch b[i] {
			case '"':
				end, ok := skipString(b, i)
				if !ok {
					return 0, false
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
		}
		return 0, false
	}
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\n' && b[i] != '\t' && b[i] != '\r' {
		i++
	}
	return i, true
}

// read reads one snapshot file, sharing its facts with the other
// snapshots read through sf.
func (sf *sharedFacts) read(path string) (*Snapshot, error) {
	return readSnapshot(path, sf.decode)
}

// inParallel calls f(0) ... f(n-1), as many at once as there are CPUs to
// run them, and returns when all have returned.
func inParallel(n int, f func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				f(i)
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
