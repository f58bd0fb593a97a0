package view

import "encoding/json"

// Group is one value shared by several hosts.
type Group[T any] struct {
	// Value is the value first added under the group's key.
	Value T
	// Hosts are the hosts filed under the key, in the order filed.
	Hosts []string
}

// Label names the group's hosts as node ranges (Fold).
func (g *Group[T]) Label() string { return Fold(g.Hosts) }

// Grouper folds values with equal keys into groups, in the order their
// keys were first added. The zero Grouper is ready to use.
type Grouper[T any] struct {
	order []*Group[T]
	byKey map[string]*Group[T]
}

// Add files hosts under key and returns the key's group; v becomes the
// group's value when the key is new and is dropped otherwise.
func (g *Grouper[T]) Add(key string, v T, hosts ...string) *Group[T] {
	if g.byKey == nil {
		g.byKey = map[string]*Group[T]{}
	}
	grp, ok := g.byKey[key]
	if !ok {
		grp = &Group[T]{Value: v}
		g.byKey[key] = grp
		g.order = append(g.order, grp)
	}
	grp.Hosts = append(grp.Hosts, hosts...)
	return grp
}

// Groups returns the groups in the order their keys were first added.
func (g *Grouper[T]) Groups() []*Group[T] { return g.order }

// Key is a grouping key for any value encoding/json can write: equal
// values give equal keys.
func Key(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only unsupported types (channels, functions) fail: a programming
		// error, not a property of the data.
		panic("view: grouping key: " + err.Error())
	}
	return string(b)
}
