package redact

import (
	"reflect"
	"slices"
	"unsafe"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// class says what a string field of a snapshot holds, and so how it is
// redacted.
type class uint8

const (
	// classText is free text from a host: cleaned, and every identity in
	// it replaced. Fields not listed in fieldClasses are text.
	classText class = iota
	// classKeep holds names the report is about (packages, modules, files,
	// versions, probe and setting names): kept, bar users' home directories.
	classKeep
	// classCommand is a command line: kept, bar address literals and
	// users' home directories (an inventory probe may name a server).
	classCommand
	// Identity fields, replaced whole.
	classHost
	classAddress
	classHostname
	classUser
	classFingerprint
)

type fieldRef struct {
	t     reflect.Type
	field string
}

// fieldClasses classifies the string fields of fleet.Snapshot that are
// not free text. Map keys are listed as "Field[key]".
var fieldClasses = map[fieldRef]class{}

func classify(c class, v any, fields ...string) {
	t := reflect.TypeOf(v)
	for _, f := range fields {
		fieldClasses[fieldRef{t, f}] = c
	}
}

func init() {
	classify(classHost, fleet.Snapshot{}, "Host")
	classify(classAddress, fleet.Snapshot{}, "Address")
	classify(classUser, fleet.Snapshot{}, "User")
	classify(classKeep, fleet.Snapshot{}, "Transport", "ToolVersion", "Probes[key]")
	classify(classFingerprint, fleet.Security{}, "HostKeyFingerprint")
	classify(classKeep, fleet.Security{}, "LegacyAlgorithms")
	classify(classCommand, fleet.ProbeResult{}, "Command")
	classify(classKeep, fleet.Facts{}, "Custom[key]")
	classify(classHostname, fleet.OS{}, "Hostname")
	classify(classKeep, fleet.OS{}, "KernelRelease", "Arch", "Distro", "ID", "VersionID", "Family")
	classify(classKeep, fleet.Mount{}, "MountPoint", "Type")
	classify(classKeep, fleet.PathMount{}, "Path", "RealPath", "MountPoint", "Type", "Source")
	classify(classKeep, fleet.MailScanner{}, "Path", "Version", "Product", "PerlVersion")
	classify(classKeep, fleet.ModuleVersion{}, "Name", "Version")
	classify(classKeep, fleet.Lint{}, "ConfVersion", "InstalledVersion", "SpamAssassin", "VirusScannersConfigured", "VirusScannersFound")
	classify(classKeep, fleet.LintMessage{}, "File")
	classify(classKeep, fleet.Perl{}, "Path", "Version", "Archname", "INC", "Dirs", "Dirs[key]")
	classify(classKeep, fleet.PerlModule{}, "Name", "Source", "LoadedPath", "LoadedBy")
	classify(classKeep, fleet.ModuleCopy{}, "Path", "IncDir", "Version")
	classify(classKeep, fleet.Owner{}, "Manager", "Package", "Version")
	classify(classKeep, fleet.CPANInstall{}, "Module", "Version", "Date", "Dir")
	classify(classKeep, fleet.Packages{}, "Manager", "Tools[key]")
	classify(classKeep, fleet.BuildTools{}, "Found", "Found[key]", "Missing")
	classify(classKeep, fleet.Package{}, "Name", "Epoch", "Version", "Release", "Arch")
	classify(classKeep, fleet.MailScannerConfig{}, "Path", "Files", "Values[key]")
	classify(classKeep, fleet.ConfigValue{}, "Key", "File")
	classify(classKeep, fleet.Process{}, "Stat")
	classify(classCommand, fleet.Custom{}, "Command")
}

// classes are the classes of a field's strings: its values, and its keys
// when it is a map.
type classes struct{ value, key class }

// classesOf returns the classes of a struct field.
func classesOf(t reflect.Type, field string) classes {
	return classes{value: fieldClasses[fieldRef{t, field}], key: fieldClasses[fieldRef{t, field + "[key]"}]}
}

// rewriteSnapshots returns deep copies of snaps with every string
// replaced by f(its class, it).
func rewriteSnapshots(snaps []*fleet.Snapshot, f func(class, string) string) []*fleet.Snapshot {
	if snaps == nil {
		return nil
	}
	return newRewriter(f).rewrite(reflect.ValueOf(snaps), classes{}).Interface().([]*fleet.Snapshot)
}

// visitSnapshots calls f on every free-text string of snaps, in a fixed
// order (map keys sorted).
func visitSnapshots(snaps []*fleet.Snapshot, f func(string) bool) {
	visit(reflect.ValueOf(snaps), classes{}, func(c class, s string) {
		if c == classText {
			f(s)
		}
	})
}

// rewriter makes deep copies in which every plain string is replaced by
// f(class, s). A pointer or map met twice with the same classes (facts a
// stored run shares between hosts) is copied once and stays shared in the
// copy: f is a function of its arguments.
type rewriter struct {
	f    func(class, string) string
	memo map[rewritten]reflect.Value
	// texts remembers f of long strings by identity (their bytes and
	// length, which a string never changes): a probe's command is the same
	// string on every host of a stored run.
	texts map[rewrittenText]string
}

// rewrittenText is a long string already rewritten, with its class.
type rewrittenText struct {
	p *byte
	n int
	c class
}

// minRemembered is the length from which rewritten strings are remembered.
const minRemembered = 256

// rewritten is a pointer or map already copied, with its classes.
type rewritten struct {
	p unsafe.Pointer
	t reflect.Type
	c classes
}

func newRewriter(f func(class, string) string) *rewriter {
	return &rewriter{f: f, memo: map[rewritten]reflect.Value{}, texts: map[rewrittenText]string{}}
}

// rewrite returns a deep copy of v in which every plain string is replaced
// by f(class, s); c are the classes of v itself. Named string types
// (fleet.HostStatus, fleet.ProbeStatus) are enumerations and kept.
// Structs without exported fields (time.Time) are copied whole.
func (rw *rewriter) rewrite(v reflect.Value, c classes) reflect.Value {
	f := rw.f
	out := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.String:
		if v.Type() == stringType {
			text := v.String()
			if len(text) < minRemembered {
				out.SetString(f(c.value, text))
				return out
			}
			key := rewrittenText{unsafe.StringData(text), len(text), c.value}
			r, ok := rw.texts[key]
			if !ok {
				r = f(c.value, text)
				rw.texts[key] = r
			}
			out.SetString(r)
			return out
		}
	case reflect.Pointer:
		if v.IsNil() {
			return out
		}
		key := rewritten{v.UnsafePointer(), v.Type(), c}
		if p, ok := rw.memo[key]; ok {
			return p
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(rw.rewrite(v.Elem(), c))
		rw.memo[key] = p
		return p
	case reflect.Struct:
		if opaque(v.Type()) {
			break
		}
		t := v.Type()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(rw.rewrite(v.Field(i), classesOf(t, t.Field(i).Name)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return out
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(rw.rewrite(v.Index(i), c))
		}
		return s
	case reflect.Array:
		for i := range v.Len() {
			out.Index(i).Set(rw.rewrite(v.Index(i), c))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return out
		}
		key := rewritten{v.UnsafePointer(), v.Type(), c}
		if m, ok := rw.memo[key]; ok {
			return m
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for _, k := range sortedKeys(v) {
			m.SetMapIndex(rw.rewrite(k, classes{value: c.key}), rw.rewrite(v.MapIndex(k), classes{value: c.value}))
		}
		rw.memo[key] = m
		return m
	case reflect.Interface:
		if v.IsNil() {
			return out
		}
		out.Set(rw.rewrite(v.Elem(), c))
		return out
	}
	out.Set(v)
	return out
}

var stringType = reflect.TypeFor[string]()

// opaque reports whether a struct type has no exported fields: a value type
// such as time.Time that is copied as it is.
func opaque(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return false
		}
	}
	return true
}

// visit calls f on every plain string reachable from v with its class, in
// a deterministic order (map keys sorted).
func visit(v reflect.Value, c classes, f func(class, string)) {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == stringType {
			f(c.value, v.String())
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			visit(v.Elem(), c, f)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range v.NumField() {
			if t.Field(i).IsExported() {
				visit(v.Field(i), classesOf(t, t.Field(i).Name), f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			visit(v.Index(i), c, f)
		}
	case reflect.Map:
		for _, k := range sortedKeys(v) {
			visit(k, classes{value: c.key}, f)
			visit(v.MapIndex(k), classes{value: c.value}, f)
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
