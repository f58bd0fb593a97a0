package compare

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// generic flattens the facts of a built-in probe that has no flattener of
// its own: one fact per value of their JSON form, keyed by its path
// (probe.field.sub, probe.list[0].field) and compared exactly. A probe's
// facts are thus compared from the day it is added; a flattener of its own
// gives them keys and comparisons the rules can use.
func (fl *flattener) generic(probe string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return // facts that do not marshal were never stored
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return
	}
	fl.walk(probe, "", doc)
}

// walk adds the values under v, at path.
func (fl *flattener) walk(probe, path string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if path != "" {
				k = path + "." + k
			}
			fl.walk(probe, k, x)
		}
	case []any:
		for i, x := range v {
			fl.walk(probe, path+"["+strconv.Itoa(i)+"]", x)
		}
	case string:
		fl.add(probe, "", path, probe+"."+path, v, cmpExact)
	case json.Number:
		fl.add(probe, "", path, probe+"."+path, v.String(), cmpExact)
	case bool:
		fl.add(probe, "", path, probe+"."+path, boolStr(v), cmpExact)
	}
}
