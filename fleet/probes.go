package fleet

import (
	"maps"
	"slices"
)

// probeField ties a built-in probe's name to the Facts field it fills.
type probeField struct {
	name string
	// get returns the field's facts, or nil (an untyped nil) when unset.
	get func(f *Facts) any
	// take sets the field of dst from src when src has it.
	take func(dst, src *Facts)
}

// field is the probeField of the Facts field that ptr addresses.
func field[T any](name string, ptr func(f *Facts) **T) probeField {
	return probeField{
		name: name,
		get: func(f *Facts) any {
			if v := *ptr(f); v != nil {
				return v
			}
			return nil
		},
		take: func(dst, src *Facts) {
			if v := *ptr(src); v != nil {
				*ptr(dst) = v
			}
		},
	}
}

// probeIndex maps a built-in probe's name to its place in builtinProbes.
var probeIndex = func() map[string]int {
	m := make(map[string]int, len(builtinProbes))
	for i, p := range builtinProbes {
		m[p.name] = i
	}
	return m
}()

// ProbeNames returns the names of the built-in probes in the order they run
// and are reported.
func ProbeNames() []string {
	out := make([]string, len(builtinProbes))
	for i, p := range builtinProbes {
		out[i] = p.name
	}
	return out
}

// BuiltinProbe reports whether name is the name of a built-in probe.
func BuiltinProbe(name string) bool {
	_, ok := probeIndex[name]
	return ok
}

// Get returns the facts the probe name filled: a pointer to the Facts
// field's type (*OS for "os", ...) for a built-in probe, a *Custom for any
// other name. It returns nil when the facts are unknown.
func (f *Facts) Get(name string) any {
	if i, ok := probeIndex[name]; ok {
		return builtinProbes[i].get(f)
	}
	if c := f.Custom[name]; c != nil {
		return c
	}
	return nil
}

// Has reports whether f holds facts of the probe name, built-in or custom.
func (f *Facts) Has(name string) bool { return f.Get(name) != nil }

// Names returns the probes whose facts f holds: the built-in ones in the
// order of ProbeNames, then the custom ones sorted.
func (f *Facts) Names() []string {
	var out []string
	for _, p := range builtinProbes {
		if p.get(f) != nil {
			out = append(out, p.name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(f.Custom)) {
		if f.Custom[name] != nil {
			out = append(out, name)
		}
	}
	return out
}

// Merge copies into f the facts other holds, replacing f's facts of the
// same probes. The facts are shared, not copied.
func (f *Facts) Merge(other *Facts) {
	for _, p := range builtinProbes {
		p.take(f, other)
	}
	for name, c := range other.Custom {
		if f.Custom == nil {
			f.Custom = make(map[string]*Custom, len(other.Custom))
		}
		f.Custom[name] = c
	}
}
