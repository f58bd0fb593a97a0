package fleet

import (
	"reflect"
	"slices"
	"strings"
)

// BuiltinProbeNames returns the names of the built-in probes, sorted. Each
// fills the field of Facts with its name as JSON key (Custom aside), so
// that field list is where the names come from.
func BuiltinProbeNames() []string {
	t := reflect.TypeFor[Facts]()
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "custom" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// IsBuiltinProbe reports whether name is a built-in probe's name, which no
// inventory probe may take.
func IsBuiltinProbe(name string) bool {
	_, found := slices.BinarySearch(BuiltinProbeNames(), name)
	return found
}
