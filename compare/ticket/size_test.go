package ticket

import (
	"bytes"
	"strings"
	"testing"
)

// TestHTMLSize500 renders a 500-host fleet (490 identical hosts, 10 that
// differ) and checks the page stays far below ansible-cmdb's 33 MB.
func TestHTMLSize500(t *testing.T) {
	rep, snaps := builtScenario(t, "fleet500")
	var buf bytes.Buffer
	if err := HTML(&buf, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	const limit = 2 << 20
	t.Logf("HTML for 500 hosts: %d bytes", buf.Len())
	if buf.Len() >= limit {
		t.Errorf("HTML for 500 hosts is %d bytes, want under %d", buf.Len(), limit)
	}
	if !strings.Contains(buf.String(), "mail[002-490]") {
		t.Error("the 489 hosts identical to the baseline are not folded into mail[002-490]")
	}
	var md bytes.Buffer
	if err := Markdown(&md, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	t.Logf("Markdown for 500 hosts: %d bytes", md.Len())
	if md.Len() >= limit {
		t.Errorf("Markdown for 500 hosts is %d bytes, want under %d", md.Len(), limit)
	}
}
