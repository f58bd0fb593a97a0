package ticket

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

const cmarkGFM = "/usr/bin/cmark-gfm"

// TestCmarkGFM renders the injection scenario's Markdown with cmark-gfm,
// GitHub's own renderer, raw HTML allowed, and checks the host's text comes
// out as the very same text: no markup, no link, nothing lost.
func TestCmarkGFM(t *testing.T) {
	rep, snaps := builtScenario(t, "injection")
	var md bytes.Buffer
	if err := Markdown(&md, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	html := cmark(t, md.Bytes(), "--unsafe")
	for _, bad := range []string{"<script", "<img", "<b>", "href=\"javascript", "<del>", "<em>i</em>", "<em>b</em>", "<strong>b", "<code>tick</code>"} {
		if strings.Contains(html, bad) {
			t.Errorf("cmark-gfm output holds %q", bad)
		}
	}
	// The payload, cleaned, reads back exactly: the renderer's own
	// HTML escaping of < > & is all that differs.
	want := "&lt;script&gt;alert(1)&lt;/script&gt; | `tick` ``x`` [x](javascript:alert(1)) *b* _i_ red  \uFFFD &amp; &amp;amp; end"
	if n := strings.Count(html, want); n < 5 {
		t.Errorf("payload reads back literally %d times, want at least 5 (evidence, facts, table cells):\n%s", n, html)
	}
}

// cmark renders Markdown with cmark-gfm and GitHub's extensions (tables,
// strikethrough, autolinks, the tag filter), with extra options.
func cmark(t *testing.T, md []byte, extra ...string) string {
	t.Helper()
	if _, err := os.Stat(cmarkGFM); err != nil {
		t.Skip("no " + cmarkGFM + ": the end-to-end run installs it (.ci/report-packages.txt)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	args := append([]string{"-e", "table", "-e", "strikethrough", "-e", "autolink", "-e", "tagfilter"}, extra...)
	cmd := exec.CommandContext(ctx, cmarkGFM, args...)
	cmd.Stdin = bytes.NewReader(md)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cmark-gfm: %v", err)
	}
	return string(out)
}
