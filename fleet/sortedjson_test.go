package fleet

import (
	"bytes"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// randomFill sets every exported field reachable from v to a random
// value: strings with quotes, HTML, control characters, invalid UTF-8 and
// line separators, numbers of every size, nil and empty containers.
func randomFill(r *rand.Rand, v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		if r.IntN(3) > 0 {
			v.Set(reflect.ValueOf(time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()))
		}
		return
	}
	words := []string{"", "ok", "a\"b", `back\slash`, "<html>&amp;", "tab\there\nline", "\x00\x1f\x7f\b\f\r\x01", "\xe2\x80", "a\xffb\xc3\xa9",
		"caf\u00e9", "\u2028\u2029", "\xff\xfe", "emoji \U0001F600", "Mail::SpamAssassin", "/tmp"}
	switch v.Kind() {
	case reflect.String:
		v.SetString(words[r.IntN(len(words))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, math.MaxInt32, r.Int64()}[r.IntN(5)] >> (64 - v.Type().Bits()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(r.Uint64() >> (64 - v.Type().Bits()))
	case reflect.Float32, reflect.Float64:
		v.SetFloat([]float64{0, 0.5, 1e-7, 1e21, 123456789.125, -3.25, r.Float64() * 100}[r.IntN(7)])
	case reflect.Pointer:
		if depth > 6 || r.IntN(4) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		randomFill(r, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomFill(r, v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if depth > 6 || r.IntN(4) == 0 {
			return
		}
		n := r.IntN(4)
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			randomFill(r, s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			randomFill(r, v.Index(i), depth+1)
		}
	case reflect.Map:
		if depth > 6 || r.IntN(4) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range r.IntN(4) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			randomFill(r, k, depth+1)
			randomFill(r, e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	}
}

// TestMarshalSortedMatchesGeneric: the direct encoder writes, byte for
// byte, what encoding and re-encoding through encoding/json's maps writes,
// for random snapshots and run records and for the demo's real snapshots.
func TestMarshalSortedMatchesGeneric(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var values []any
	for range 300 {
		var s Snapshot
		randomFill(r, reflect.ValueOf(&s).Elem(), 0)
		var rec RunRecord
		randomFill(r, reflect.ValueOf(&rec).Elem(), 0)
		values = append(values, &s, rec)
	}
	files, _ := filepath.Glob("../compare/testdata/demo/*.json")
	if len(files) == 0 {
		t.Fatal("no demo snapshots")
	}
	for _, f := range files {
		s, err := ReadSnapshot(f)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, s)
	}
	for i, v := range values {
		got, err := MarshalSorted(v)
		if err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
		want, err := marshalGeneric(v)
		if err != nil {
			t.Fatalf("value %d: generic: %v", i, err)
		}
		if !bytes.Equal(got, want) {
			j := 0
			for j < len(got) && j < len(want) && got[j] == want[j] {
				j++
			}
			t.Fatalf("value %d differs at byte %d:\ngot  %q\nwant %q", i, j, got[max(0, j-80):min(len(got), j+80)], want[max(0, j-80):min(len(want), j+80)])
		}
	}
}

// BenchmarkMarshalSorted encodes a real-sized snapshot (a demo host's).
func BenchmarkMarshalSorted(b *testing.B) {
	s, err := ReadSnapshot("../compare/testdata/demo/mail01.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := MarshalSorted(s); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNewlineIndents: any depth is indented by two spaces a level, past
// the levels appended at once too.
func TestNewlineIndents(t *testing.T) {
	for depth := range 40 {
		var e sortedEncoder
		e.newline(depth)
		if want := "\n" + strings.Repeat("  ", depth); string(e.buf) != want {
			t.Errorf("newline(%d) = %q, want %q", depth, e.buf, want)
		}
	}
}
