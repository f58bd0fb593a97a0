package fleet

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fleetcheck/fleetcheck/fleet/reuse"
)

// MarshalSorted encodes v as indented JSON whose object keys are sorted at
// every level, so that stored snapshots diff cleanly. It writes what
// encoding/json would write for v with its struct fields reordered by JSON
// name (and HTML left unescaped), byte for byte, but walks v once instead
// of encoding, decoding and encoding it again: a snapshot is written for
// every host of every run.
func MarshalSorted(v any) ([]byte, error) {
	e := encoders.Get()
	defer encoders.Put(e)
	b, err := e.encode(v)
	return slices.Clone(b), err
}

// encoders keep their buffers: a snapshot is some 200 kB of JSON.
var encoders = reuse.New(reuse.PerCPU(16), func() *sortedEncoder { return &sortedEncoder{buf: make([]byte, 0, 256<<10)} })

// encode returns v encoded, in e's buffer (valid until e's next use).
func (e *sortedEncoder) encode(v any) ([]byte, error) {
	e.buf = e.buf[:0]
	if err := e.value(reflect.ValueOf(v), 0); err != nil {
		return nil, err
	}
	e.buf = append(e.buf, '\n')
	return e.buf, nil
}

// marshalGeneric is MarshalSorted the slow way: encode, decode into maps,
// encode again. It is used for values with their own MarshalJSON, whose
// keys only a decode can sort.
func marshalGeneric(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil { // maps encode with sorted keys
		return nil, err
	}
	return buf.Bytes(), nil
}

type sortedEncoder struct {
	buf []byte
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

func (e *sortedEncoder) newline(depth int) {
	e.buf = append(e.buf, '\n')
	for depth > len(indent)/2 {
		e.buf = append(e.buf, indent...)
		depth -= len(indent) / 2
	}
	e.buf = append(e.buf, indent[:2*depth]...)
}

// indent is the indentation of a few levels, appended at once.
const indent = "                                "

// viaJSON encodes v with encoding/json and re-indents the result at depth:
// for values whose encoding is theirs (MarshalJSON, MarshalText, floats,
// byte slices, strings that need escaping).
func (e *sortedEncoder) viaJSON(v reflect.Value, depth int) error {
	b, err := marshalGeneric(v.Interface())
	if err != nil {
		return err
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	if depth == 0 || !bytes.ContainsRune(b, '\n') {
		e.buf = append(e.buf, b...)
		return nil
	}
	pad := "\n" + strings.Repeat("  ", depth)
	e.buf = append(e.buf, bytes.ReplaceAll(b, []byte("\n"), []byte(pad))...)
	return nil
}

func (e *sortedEncoder) value(v reflect.Value, depth int) error {
	if !v.IsValid() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if ownEncoding(v.Type()) {
		return e.viaJSON(v, depth)
	}
	return e.plain(v, depth)
}

// elem encodes v, a value of a type whose ownEncoding is own, known from
// its container (a struct's field, a slice's or a map's elements).
func (e *sortedEncoder) elem(v reflect.Value, depth int, own bool) error {
	if own {
		return e.viaJSON(v, depth)
	}
	return e.plain(v, depth)
}

// plain encodes a valid v whose type does not encode itself.
func (e *sortedEncoder) plain(v reflect.Value, depth int) error {
	t := v.Type()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		return e.value(v.Elem(), depth)
	case reflect.Bool:
		e.buf = strconv.AppendBool(e.buf, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf = strconv.AppendInt(e.buf, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.buf = strconv.AppendUint(e.buf, v.Uint(), 10)
	case reflect.String:
		if t == jsonNumberType {
			e.buf = append(e.buf, v.String()...)
			return nil
		}
		e.str(v.String())
	case reflect.Struct:
		return e.object(v, depth)
	case reflect.Map:
		return e.mapValue(v, depth)
	case reflect.Slice:
		if v.IsNil() {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return e.viaJSON(v, depth) // base64
		}
		return e.array(v, depth)
	case reflect.Array:
		return e.array(v, depth)
	default: // floats, and whatever encoding/json refuses
		return e.viaJSON(v, depth)
	}
	return nil
}

var jsonNumberType = reflect.TypeFor[json.Number]()

var (
	stringType = reflect.TypeFor[string]()
	intType    = reflect.TypeFor[int]()
	int64Type  = reflect.TypeFor[int64]()
	boolType   = reflect.TypeFor[bool]()
)

// ownTypes caches ownEncoding.
var ownTypes sync.Map // reflect.Type -> bool

// ownEncoding reports whether values of type t (not a pointer or an
// interface) encode themselves: MarshalJSON or MarshalText.
func ownEncoding(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return false
	}
	switch t {
	case stringType, intType, int64Type, boolType:
		return false // predeclared, without methods: most values of a snapshot
	}
	if own, ok := ownTypes.Load(t); ok {
		return own.(bool)
	}
	pt := reflect.PointerTo(t)
	own := t.Implements(marshalerType) || pt.Implements(marshalerType) ||
		t.Implements(textMarshalerType) || pt.Implements(textMarshalerType)
	ownTypes.Store(t, own)
	return own
}

// plainJSON marks the bytes a JSON string holds as they are: ASCII but
// control characters, '"' and '\\'.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// str appends s as a JSON string, escaped as encoding/json escapes it
// without HTML escaping, except that each byte of invalid UTF-8 is written
// as U+FFFD itself (what a decode and an encode of encoding/json's
// "\ufffd" give).
func (e *sortedEncoder) str(s string) {
	const hex = "0123456789abcdef"
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainJSON[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			e.buf = append(e.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				e.buf = append(e.buf, '\\', c)
			case '\b':
				e.buf = append(e.buf, '\\', 'b')
			case '\f':
				e.buf = append(e.buf, '\\', 'f')
			case '\n':
				e.buf = append(e.buf, '\\', 'n')
			case '\r':
				e.buf = append(e.buf, '\\', 'r')
			case '\t':
				e.buf = append(e.buf, '\\', 't')
			default:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

func (e *sortedEncoder) array(v reflect.Value, depth int) error {
	if v.Len() == 0 {
		e.buf = append(e.buf, "[]"...)
		return nil
	}
	own := ownEncoding(v.Type().Elem())
	e.buf = append(e.buf, '[')
	for i := range v.Len() {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.newline(depth + 1)
		if err := e.elem(v.Index(i), depth+1, own); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.buf = append(e.buf, ']')
	return nil
}

func (e *sortedEncoder) mapValue(v reflect.Value, depth int) error {
	if v.IsNil() {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if v.Type().Key().Kind() != reflect.String {
		return e.viaJSON(v, depth)
	}
	keys := v.MapKeys()
	for _, k := range keys {
		if !utf8.ValidString(k.String()) {
			// Such keys sort, and may collide, as U+FFFD: encoding/json's way.
			return e.viaJSON(v, depth)
		}
	}
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	if len(keys) == 0 {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	own := ownEncoding(v.Type().Elem())
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.newline(depth + 1)
		e.str(k.String())
		e.buf = append(e.buf, ':', ' ')
		if err := e.elem(v.MapIndex(k), depth+1, own); err != nil {
			return err
		}
	}
	e.newline(depth)
	e.buf = append(e.buf, '}')
	return nil
}

// jsonField is one encoded field of a struct type.
type jsonField struct {
	name                string
	index               int
	omitEmpty, omitZero bool
	own                 bool // ownEncoding of the field's type
}

// structPlans caches each struct type's fields in key order; a nil plan
// means encoding/json's own rules are needed (embedded fields, ",string").
var structPlans sync.Map // reflect.Type -> []jsonField

func planOf(t reflect.Type) []jsonField {
	if p, ok := structPlans.Load(t); ok {
		return p.([]jsonField)
	}
	var fields []jsonField
	simple := true
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			simple = false
			break
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		jf := jsonField{name: name, index: i, own: ownEncoding(f.Type)}
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "omitempty":
				jf.omitEmpty = true
			case "omitzero":
				jf.omitZero = true
			case "string":
				simple = false
			}
		}
		fields = append(fields, jf)
	}
	if !simple {
		fields = nil
	} else {
		slices.SortFunc(fields, func(a, b jsonField) int { return strings.Compare(a.name, b.name) })
		if fields == nil {
			fields = []jsonField{}
		}
	}
	structPlans.Store(t, fields)
	return fields
}

func (e *sortedEncoder) object(v reflect.Value, depth int) error {
	plan := planOf(v.Type())
	if plan == nil {
		return e.viaJSON(v, depth)
	}
	n := 0
	for _, f := range plan {
		fv := v.Field(f.index)
		if f.omitEmpty && emptyValue(fv) || f.omitZero && zeroValue(fv) {
			continue
		}
		if n == 0 {
			e.buf = append(e.buf, '{')
		} else {
			e.buf = append(e.buf, ',')
		}
		n++
		e.newline(depth + 1)
		e.str(f.name)
		e.buf = append(e.buf, ':', ' ')
		if err := e.elem(fv, depth+1, f.own); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if n == 0 {
		e.buf = append(e.buf, "{}"...)
		return nil
	}
	e.newline(depth)
	e.buf = append(e.buf, '}')
	return nil
}

// emptyValue is encoding/json's omitempty test.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// zeroValue is encoding/json's omitzero test.
func zeroValue(v reflect.Value) bool {
	if v.Type().Implements(isZeroerType) {
		if v.Kind() == reflect.Pointer && v.IsNil() {
			return true
		}
		return v.Interface().(interface{ IsZero() bool }).IsZero()
	}
	if reflect.PointerTo(v.Type()).Implements(isZeroerType) && v.CanAddr() {
		return v.Addr().Interface().(interface{ IsZero() bool }).IsZero()
	}
	return v.IsZero()
}
