package ticket

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const chromium = "/usr/bin/chromium"

// TestChromiumRender opens a scenario's HTML in headless Chromium and
// checks the summary and the top cause are in the rendered DOM.
func TestChromiumRender(t *testing.T) {
	rep, snaps := sharedScenario(t, "seed")
	var page bytes.Buffer
	if err := HTML(&page, rep, snaps, testOptions); err != nil {
		t.Fatal(err)
	}
	dom := dumpDOM(t, page.Bytes())
	top, _ := rep.Hosts[2].Top()
	for _, want := range []string{
		"3 of 7 host(s) differ from the baseline",
		top.Summary,
		`aria-label="Filter hosts"`, // the script ran: the filter lost its hidden attribute
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, `placeholder="Filter hosts…" aria-label="Filter hosts" hidden`) {
		t.Error("the inline script did not run: the filter is still hidden (CSP hash mismatch?)")
	}
}

// dumpDOM opens an HTML page in headless Chromium and returns the DOM it
// rendered; without Chromium the test is skipped.
func dumpDOM(t *testing.T, page []byte) string {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("no " + chromium + ": the end-to-end run installs it (.ci/report-packages.txt)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, stderr.Bytes())
	}
	return string(out)
}
