package redact

import (
	"reflect"
	"slices"
)

// rewrite returns a deep copy of v in which every plain string (fields,
// slice and array elements, map keys and values) is replaced by f(s).
// Named string types such as compare.Severity or fleet.HostStatus are
// enumerations and kept. Unexported fields cannot be rewritten, so they are
// left zero (compare.Finding's Subject() and Attr() are empty in a copy),
// except in structs without exported fields, such as time.Time, which are
// copied whole.
func rewrite(v reflect.Value, f func(string) string) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		if v.Type() == stringType {
			out.SetString(f(v.String()))
		} else {
			out.Set(v)
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(rewrite(v.Elem(), f))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		if opaque(v.Type()) {
			out.Set(v)
			return out
		}
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(rewrite(v.Field(i), f))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(rewrite(v.Index(i), f))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(rewrite(v.Index(i), f))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for _, k := range sortedKeys(v) {
			out.SetMapIndex(rewrite(k, f), rewrite(v.MapIndex(k), f))
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return reflect.Zero(v.Type())
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(rewrite(v.Elem(), f))
		return out
	}
	out := reflect.New(v.Type()).Elem()
	out.Set(v)
	return out
}

var stringType = reflect.TypeFor[string]()

// opaque reports whether a struct type has no exported fields: a value type
// such as time.Time that is copied as it is.
func opaque(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// visit calls f on every plain string reachable from v, in a deterministic
// order (map keys sorted), so tokens are numbered the same on every run.
func visit(v reflect.Value, f func(string)) {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == stringType {
			f(v.String())
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			visit(v.Elem(), f)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				visit(v.Field(i), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			visit(v.Index(i), f)
		}
	case reflect.Map:
		for _, k := range sortedKeys(v) {
			visit(k, f)
			visit(v.MapIndex(k), f)
		}
	}
}

// sortedKeys returns a map's keys, string keys sorted.
func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	if v.Type().Key().Kind() == reflect.String {
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			switch {
			case a.String() < b.String():
				return -1
			case a.String() > b.String():
				return 1
			}
			return 0
		})
	}
	return keys
}
