package compare_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/compare/render"
	"github.com/fleetcheck/fleetcheck/fleet"
)

// demoSnapshots reads testdata/demo/*.json.gz: the snapshots a run of
// `fleetcheck demo` collected (recorded outputs of the lab's hosts, parsed
// by the real probes): mail01 good, mail02 the seed's box, mail03 CPAN
// shadowing, mail04 a hanging lint, mail05 MailScanner's own RPMs, mail06
// a lint that dies in a too-old CPAN Archive::Zip.
func demoSnapshots(t *testing.T) []*fleet.Snapshot {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "demo", "*.json.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no demo snapshots: %v", err)
	}
	var snaps []*fleet.Snapshot
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(fh)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		b, err := io.ReadAll(zr)
		fh.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		s := new(fleet.Snapshot)
		if err := json.Unmarshal(b, s); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		snaps = append(snaps, s)
	}
	return snaps
}

func causeOf(h *compare.HostReport, rule, summaryPrefix string) (compare.Cause, int) {
	var found compare.Cause
	n := 0
	for _, c := range h.Causes {
		if c.Rule == rule && strings.HasPrefix(c.Summary, summaryPrefix) {
			found = c
			n++
		}
	}
	return found, n
}

// TestDemoFleet renders the demo fleet's report (golden files demo.1.txt
// and demo.1.json) and checks what a sysadmin must see in it.
func TestDemoFleet(t *testing.T) {
	r, err := compare.Compare(demoSnapshots(t), compare.Baseline{Host: "mail01"}, compare.Options{Now: goldenTime})
	if err != nil {
		t.Fatal(err)
	}
	var txt, js bytes.Buffer
	if err := render.Table(&txt, r, render.TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := render.JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "demo", r.ExitCode(), "txt", txt.Bytes())
	checkGolden(t, "demo", r.ExitCode(), "json", js.Bytes())

	hosts := map[string]*compare.HostReport{}
	for i := range r.Hosts {
		h := &r.Hosts[i]
		hosts[h.Host] = h
		if len(h.Unexplained) > 0 {
			t.Errorf("%s: unexplained findings %v", h.Host, h.Unexplained)
		}
		for _, c := range h.Causes {
			if text := c.Summary + strings.Join(c.Evidence, "\n") + c.Fix; strings.Contains(text, "@INC contains") {
				t.Errorf("%s %s quotes a whole @INC:\n%s", h.Host, c.Rule, text)
			}
		}
	}

	// mail03: one cause for the CPAN Archive::Zip and its 11 submodules.
	zip, n := causeOf(hosts["mail03"], "perl-module-shadowed", "Archive::Zip")
	if n != 1 || len(zip.Findings) < 12 {
		t.Fatalf("mail03: %d Archive::Zip causes, covering %d findings; want 1 covering 12 or more", n, len(zip.Findings))
	}
	if !slices.Contains(zip.Findings, "perl_modules.Archive::Zip::ZipFileMember.copies") {
		t.Errorf("mail03: the Archive::Zip cause does not cover its submodules: %v", zip.Findings)
	}
	for _, want := range []string{
		"also shadowed: 11 submodules under /usr/local/share/perl/5.36.0/Archive/Zip/",
	} {
		if !strings.Contains(strings.Join(zip.Evidence, "\n"), want) {
			t.Errorf("mail03 evidence lacks %q:\n%s", want, strings.Join(zip.Evidence, "\n"))
		}
	}
	for _, want := range []string{
		"mv /usr/local/share/perl/5.36.0/Archive/Zip.pm /usr/local/share/perl/5.36.0/Archive/Zip ~/fleetcheck-shadowed/Archive-Zip/",
		"apt-get install --reinstall libarchive-zip-perl",
	} {
		if !strings.Contains(zip.Fix, want) {
			t.Errorf("mail03 fix lacks %q: %s", want, zip.Fix)
		}
	}

	// mail02: Mail::SpamAssassin fails because Digest::SHA1 has no .so.
	sa, n := causeOf(hosts["mail02"], "perl-module-missing", "Mail::SpamAssassin fails because Digest::SHA1 is half-installed (no .so)")
	if n != 1 || !slices.Contains(sa.Findings, "perl_modules.Digest::SHA1.version") {
		t.Errorf("mail02: the Mail::SpamAssassin cause does not blame Digest::SHA1: %+v", hosts["mail02"].Causes)
	}

	// mail04: the hang leads, with what the lint did and Max Children.
	hang, ok := hosts["mail04"].Top()
	if !ok || hang.Rule != "mailscanner-hang" {
		t.Fatalf("mail04 top cause = %+v, want mailscanner-hang", hang)
	}
	for _, want := range []string{"--lint printed nothing", "Max Children = 30 (baseline 5)", "starting children"} {
		if !strings.Contains(strings.Join(hang.Evidence, "\n"), want) {
			t.Errorf("mail04 hang evidence lacks %q:\n%s", want, strings.Join(hang.Evidence, "\n"))
		}
	}

	// mail05: MailScanner's RPM copies, submodules included.
	src, n := causeOf(hosts["mail05"], "perl-module-source", "")
	if n != 1 || !slices.Contains(src.Findings, "perl_modules.Archive::Zip::Member.copies") || !strings.Contains(src.Fix, "rpm -e") {
		t.Errorf("mail05 source cause: %+v", src)
	}

	for _, line := range strings.Split(txt.String(), "\n") {
		if (strings.HasPrefix(line, "|") || strings.HasPrefix(line, "+")) && len([]rune(line)) > render.DefaultWidth {
			t.Errorf("table line of %d runes: %s", len([]rune(line)), line)
		}
	}
}
