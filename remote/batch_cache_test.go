package remote

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fleetcheck/fleetcheck/remote/probe"
)

// randomItems makes a batch of up to five items whose commands and data
// hold what quoting and here-documents must escape.
func randomItems(r *rand.Rand) []batchItem {
	words := []string{"echo", "'", `"`, "$HOME", "`x`", `\`, "\n", "FLEETCHECK_", "@@fleetcheck-", "a b", "0123456789abcdef"}
	text := func(n int) string {
		var b bytes.Buffer
		for range r.IntN(n) {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	names := []string{"os", "mounts", "perl_modules", "mailscanner_version", "custom_1"}
	items := make([]batchItem, 1+r.IntN(5))
	for i := range items {
		it := batchItem{name: names[r.IntN(len(names))], command: "echo " + text(6), timeout: time.Duration(r.IntN(90_000)) * time.Millisecond}
		if r.IntN(2) == 0 {
			it.stdin = []byte(text(8))
		}
		if i > 0 && r.IntN(4) == 0 {
			it.filter, items[i-1].takes = "cat", it.name
		}
		items[i] = it
	}
	return items
}

func TestCachedBatchScriptMatchesBuilt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		items := randomItems(r)
		for range 3 { // a miss, then hits
			nonce := newNonce()
			got, want := cachedBatchScript(nonce, items), batchScript(nonce, items)
			if !bytes.Equal(got, want) {
				t.Fatalf("case %d: cached script differs from the built one\ngot:\n%s\nwant:\n%s", i, got, want)
			}
		}
		// The caller's data changes after a hit: the next script follows it.
		for j := range items {
			if len(items[j].stdin) > 0 {
				items[j].stdin[0] ^= 1
				nonce := newNonce()
				if got, want := cachedBatchScript(nonce, items), batchScript(nonce, items); !bytes.Equal(got, want) {
					t.Fatalf("case %d: script after the data changed:\n%s\nwant:\n%s", i, got, want)
				}
				break
			}
		}
	}
	batchTemplates.Lock()
	n := len(batchTemplates.m)
	batchTemplates.Unlock()
	if n == 0 || n > maxBatchTemplates {
		t.Errorf("%d templates kept, want 1 to %d", n, maxBatchTemplates)
	}
}

// defaultItems are the default probes' first session, as runSession
// prepares it.
func defaultItems() []batchItem {
	opt := CollectOptions{Probes: probe.All()}
	s := plan(opt)[0]
	items := make([]batchItem, len(s.probes))
	for i, p := range s.probes {
		items[i] = batchItem{name: p.Name, command: p.Command, timeout: probeTimeout(p, opt)}
		if p.Stdin != nil {
			items[i].stdin = p.Stdin(opt.PerlModules)
		}
	}
	return linkHandoffs(s.probes, items)
}

func TestCachedBatchScriptDefaultProbes(t *testing.T) {
	items := defaultItems()
	nonce := newNonce()
	if got, want := cachedBatchScript(nonce, items), batchScript(nonce, items); !bytes.Equal(got, want) {
		t.Fatalf("cached script differs from the built one")
	}
}

// BenchmarkBatchScript: the default probes' batch built for each session,
// and filled in from its template.
func BenchmarkBatchScript(b *testing.B) {
	items := defaultItems()
	nonce := newNonce()
	b.Run("built", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			batchScript(nonce, items)
		}
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cachedBatchScript(nonce, items)
		}
	})
}
