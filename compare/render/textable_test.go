package render

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// TestWriteTableProperties checks, over random tables and widths, that no
// line is wider than the width, that a wrapped column keeps every
// character of its cells in order, and that a cut column keeps one line
// per row.
func TestWriteTableProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	cond := &runewidth.Condition{EastAsianWidth: false}
	cols := []Column{
		{Head: "host", Min: 12, Fit: cutCount},
		{Head: "status", Min: 9, Fit: WrapCell},
		{Head: "top cause", Min: 30, Fit: CutCell},
		{Head: "error", Min: 20, Fit: WrapCell},
	}
	for range 500 {
		var rows [][]string
		for range 1 + rng.IntN(6) {
			row := make([]string, len(cols))
			for j := range row {
				var words []string
				for range rng.IntN(12) {
					words = append(words, wrapPieces[rng.IntN(len(wrapPieces))])
				}
				row[j] = strings.Join(words, " ")
			}
			rows = append(rows, row)
		}
		width := MinWidth + rng.IntN(160)
		var out bytes.Buffer
		if err := WriteTable(&out, width, cols, rows); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		for _, l := range lines {
			if n := cond.StringWidth(l); n > width {
				t.Fatalf("width %d: line of %d columns:\n%s", width, n, out.String())
			}
		}
		// The body: lines between the header's rule and the last rule.
		var body [][]string
		rule := 2
		for !strings.HasPrefix(lines[rule], "+") {
			rule++
		}
		for _, l := range lines[rule+1 : len(lines)-1] {
			cells := strings.Split(strings.Trim(l, "|"), "|")
			body = append(body, cells)
		}
		for _, j := range []int{1, 3} { // wrapped columns
			var got, want strings.Builder
			for _, cells := range body {
				got.WriteString(strings.ReplaceAll(cells[j], " ", ""))
			}
			for _, r := range rows {
				want.WriteString(strings.ReplaceAll(r[j], " ", ""))
			}
			if got.String() != want.String() {
				t.Fatalf("width %d: column %q lost text:\n%s", width, cols[j].Head, out.String())
			}
		}
		cut := 0
		for _, cells := range body {
			if strings.TrimSpace(cells[0]) != "" || strings.TrimSpace(cells[2]) != "" {
				cut++
			}
		}
		if cut > len(rows) {
			t.Fatalf("width %d: cut columns span %d lines for %d rows:\n%s", width, cut, len(rows), out.String())
		}
	}
}
