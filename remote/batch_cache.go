package remote

import (
	"bytes"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// A fleet's hosts get the same batch but for its nonce, and building it
// (quoting the probe commands, escaping their data) costs more than the
// rest of a session's setup. So each distinct list of items is built once,
// with a placeholder nonce, and every session fills in its own nonce.

// maxBatchTemplates bounds the cache: a run has a few distinct batches per
// kind of host, and what does not fit is built as before.
const maxBatchTemplates = 64

// batchTemplate is a batch script cut at every place its nonce goes.
type batchTemplate struct {
	items []batchItem // what it was built from, compared on every hit
	parts [][]byte
	size  int // of the parts together
}

var batchTemplates = struct {
	sync.Mutex
	seed maphash.Seed
	m    map[uint64]*batchTemplate
}{seed: maphash.MakeSeed(), m: map[uint64]*batchTemplate{}}

// cachedBatchScript returns batchScript(nonce, items), built from the
// template of items when there is one.
func cachedBatchScript(nonce string, items []batchItem) []byte {
	key := itemsHash(batchTemplates.seed, items)
	batchTemplates.Lock()
	t, ok := batchTemplates.m[key]
	batchTemplates.Unlock()
	if !ok || !sameItems(t.items, items) {
		t = newBatchTemplate(items)
		if t == nil {
			return batchScript(nonce, items)
		}
		batchTemplates.Lock()
		if len(batchTemplates.m) < maxBatchTemplates {
			batchTemplates.m[key] = t
		}
		batchTemplates.Unlock()
	}
	return t.fill(nonce)
}

// newBatchTemplate builds the script of items with a nonce of its own as
// the placeholder: a fresh random nonce cannot occur in the items, which
// are known before it is drawn. It returns nil if the placeholder shows up
// anywhere but in the script's own markers all the same.
func newBatchTemplate(items []batchItem) *batchTemplate {
	placeholder := newNonce()
	own := slices.Clone(items)
	for i, it := range own {
		for _, s := range []string{it.name, it.command, it.filter, it.takes} {
			if strings.Contains(s, placeholder) {
				return nil
			}
		}
		if bytes.Contains(it.stdin, []byte(placeholder)) {
			return nil
		}
		own[i].stdin = bytes.Clone(it.stdin)
	}
	script := batchScript(placeholder, own)
	t := &batchTemplate{items: own, parts: bytes.Split(script, []byte(placeholder))}
	for _, p := range t.parts {
		t.size += len(p)
	}
	return t
}

// fill returns the script with nonce in every marker.
func (t *batchTemplate) fill(nonce string) []byte {
	b := make([]byte, 0, t.size+len(nonce)*(len(t.parts)-1))
	for i, p := range t.parts {
		if i > 0 {
			b = append(b, nonce...)
		}
		b = append(b, p...)
	}
	return b
}

// itemsHash hashes every field batchScript reads.
func itemsHash(seed maphash.Seed, items []batchItem) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	for _, it := range items {
		for _, s := range []string{it.name, it.command, it.filter, it.takes} {
			h.WriteString(strconv.Itoa(len(s)))
			h.WriteString(s)
		}
		h.WriteString(strconv.FormatInt(int64(it.timeout), 10))
		h.WriteString(strconv.Itoa(len(it.stdin)))
		h.Write(it.stdin)
	}
	return h.Sum64()
}

// sameItems reports whether a and b would make the same script.
func sameItems(a, b []batchItem) bool {
	return slices.EqualFunc(a, b, func(x, y batchItem) bool {
		return x.name == y.name && x.command == y.command && x.timeout == y.timeout &&
			bytes.Equal(x.stdin, y.stdin) && x.filter == y.filter && x.takes == y.takes
	})
}
