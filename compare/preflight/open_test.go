package preflight

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func distByName(r *Release, name string) (Dist, bool) {
	for _, d := range r.Dists {
		if d.Name == name {
			return d, true
		}
	}
	return Dist{}, false
}

func TestOpenRPMInstaller(t *testing.T) {
	p := writeTarGz(t, t.TempDir(), "MailScanner-4.84.3-1.rpm.tar.gz", rpmInstallerNames("4.84.3-1", rpm4843))
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindRPM || r.Version != "4.84.3" || r.Perl != "5.6.1" {
		t.Errorf("Open = kind %q version %q perl %q, want rpm 4.84.3 5.6.1", r.Kind, r.Version, r.Perl)
	}
	if len(r.Dists) != len(rpm4843) {
		t.Errorf("Open found %d distributions, want %d", len(r.Dists), len(rpm4843))
	}
	if got, want := r.Describe(), "MailScanner 4.84.3 RPM installer, 41 bundled distributions"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	for _, tc := range []struct{ dist, version, build, module, min string }{
		{"Archive-Zip", "1.30", "1", "Archive::Zip", ""},
		{"MIME-tools", "5.427", "2", "MIME::Tools", "5.412"},
		{"MailTools", "2.04", "2", "Mail::Header", ""},
		{"IO", "1.2301", "5", "IO", "1.2301"},
		{"IO-stringy", "2.110", "2", "IO::Stringy", "2.110"},
		// The 6.30 tarball beside the src.rpms bootstraps old systems; the
		// 6.50 RPM is what gets installed.
		{"ExtUtils-MakeMaker", "6.50", "2", "ExtUtils::MakeMaker", ""},
	} {
		d, ok := distByName(r, tc.dist)
		if !ok {
			t.Errorf("Open: no %s", tc.dist)
			continue
		}
		if d.Version != tc.version || d.Build != tc.build || d.Module() != tc.module || d.Min != tc.min {
			t.Errorf("Open: %s = %s-%s %s min %q, want %s-%s %s min %q", tc.dist, d.Version, d.Build, d.Module(), d.Min,
				tc.version, tc.build, tc.module, tc.min)
		}
	}
	var progs []string
	for _, p := range r.Programs {
		progs = append(progs, p.Name+" "+p.Version)
	}
	if got, want := strings.Join(progs, ", "), "MailScanner 4.84.3, tnef 1.4.5"; got != want {
		t.Errorf("Programs = %s, want %s", got, want)
	}
}

func TestOpenTarballInstaller(t *testing.T) {
	p := writeTarGz(t, t.TempDir(), "MailScanner-install-4.84.3-1.tar.gz", tarInstallerNames("4.84.3-1", rpm4843))
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindTarball || r.Version != "4.84.3" || len(r.Dists) != len(rpm4843) {
		t.Errorf("Open = %s %s with %d dists, want tarball 4.84.3 with %d", r.Kind, r.Version, len(r.Dists), len(rpm4843))
	}
	d, _ := distByName(r, "MIME-tools")
	if d.File != "MailScanner-install-4.84.3-1/perl-tar/MIME-tools-5.427.tar.gz" || d.Build != "" {
		t.Errorf("MIME-tools from %q build %q, want the perl-tar file and no build", d.File, d.Build)
	}
}

func TestOpen466(t *testing.T) {
	p := writeTarGz(t, t.TempDir(), "MailScanner-4.66.5-3.rpm.tar.gz", rpmInstallerNames("4.66.5-3", rpm466))
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Archive-Zip": "1.16", "MIME-tools": "5.425", "MailTools": "2.02", "DBD-SQLite": "1.12", "Digest-SHA1": "2.10"}
	for dist, v := range want {
		if d, ok := distByName(r, dist); !ok || d.Version != v {
			t.Errorf("4.66 %s = %q, want %s", dist, d.Version, v)
		}
	}
	if r.Version != "4.66.5" {
		t.Errorf("4.66 version = %q", r.Version)
	}
}

func TestOpenClamSA(t *testing.T) {
	p := writeTarGz(t, t.TempDir(), "install-Clam-0.96.5-SA-3.3.1.tar.gz", clamSANames())
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindClamSA || r.Version != "" || r.Perl != "" {
		t.Errorf("Open = %s version %q perl %q, want clam-sa with neither", r.Kind, r.Version, r.Perl)
	}
	if len(r.Dists) != len(clamSA) {
		t.Errorf("%d dists, want %d", len(r.Dists), len(clamSA))
	}
	for dist, mod := range map[string]string{"libwww-perl": "LWP", "libnet": "Net::Cmd", "Mail-SpamAssassin": "Mail::SpamAssassin", "version": "version"} {
		if d, ok := distByName(r, dist); !ok || d.Module() != mod {
			t.Errorf("%s checks %q, want %s", dist, d.Module(), mod)
		}
	}
	if d, _ := distByName(r, "Mail-SpamAssassin"); d.Min != "2.1" {
		t.Errorf("Mail-SpamAssassin min %q, want 2.1", d.Min)
	}
	if got, want := r.Describe(), "install-Clam-SA (ClamAV 0.96.5, SpamAssassin 3.3.1), 44 bundled distributions"; got != want {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "MailScanner-4.84.3-1")
	names := rpmInstallerNames("4.84.3-1", rpm4843)
	for i, n := range names {
		names[i] = strings.TrimPrefix(n, "MailScanner-4.84.3-1/")
	}
	writeTree(t, dir, names)
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindRPM || r.Version != "4.84.3" || len(r.Dists) != len(rpm4843) {
		t.Errorf("Open(dir) = %s %s %d dists", r.Kind, r.Version, len(r.Dists))
	}
}

func TestOpenRequirements(t *testing.T) {
	p := filepath.Join(t.TempDir(), "requirements.txt")
	text := "# MailScanner needs\nperl >= 5.8.8\nArchive::Zip >= 1.30\nMIME::Tools >= 5.427 # hard\n\nMail::ClamAV\nIO::Stringy 2.110\n"
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind != KindRequirements || r.Perl != "5.8.8" || len(r.Dists) != 4 {
		t.Fatalf("Open = %s perl %q with %d lines", r.Kind, r.Perl, len(r.Dists))
	}
	if d := r.Dists[1]; d.Module() != "MIME::Tools" || d.Min != "5.427" || !strings.HasSuffix(d.File, ":4") {
		t.Errorf("line 4 = %+v", d)
	}
	if d := r.Dists[2]; d.Module() != "Mail::ClamAV" || d.Min != "" {
		t.Errorf("line 6 = %+v", d)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var empty bytes.Buffer
	zw := gzip.NewWriter(&empty)
	zw.Close()
	good := writeTarGz(t, dir, "good.tar.gz", rpmInstallerNames("4.84.3-1", rpm4843))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := write("MailScanner-4.84.3-1.rpm.tar.gz", data[:len(data)/2])
	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 0xff
	for _, tc := range []struct {
		name string
		path string
		want error
	}{
		{"empty file", write("empty.tar.gz", nil), ErrEmpty},
		{"gzip of nothing", write("nothing.tar.gz", empty.Bytes()), ErrEmpty},
		{"empty tar", writeTarGz(t, dir, "empty-tar.tar.gz", nil), ErrEmpty},
		{"not gzip", write("MailScanner-4.84.3-1.tar.gz", []byte("this is not gzip\n")), ErrCorrupt},
		{"corrupt gzip header", write("bad.tgz", []byte{0x1f, 0x8b, 0x99, 0, 0, 0}), ErrCorrupt},
		{"truncated", truncated, ErrCorrupt},
		{"flipped byte", write("flipped.tar.gz", flipped), ErrCorrupt},
		{"gzip of text", write("text.tar.gz", gz(t, "hello world\n")), ErrCorrupt},
		{"no distributions", writeTarGz(t, dir, "docs.tar.gz", []string{"docs/README", "docs/INSTALL"}), ErrNoDists},
		{"binary", write("blob", []byte{0, 1, 2, 3}), ErrNotRelease},
		{"prose", write("notes.txt", []byte("Please install these things first.\n")), ErrNotRelease},
		{"comments only", write("req.txt", []byte("# nothing\n")), ErrNoDists},
		{"missing", filepath.Join(dir, "nope.tar.gz"), os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(tc.path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Open(%s) error = %v, want %v", tc.name, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.path) && tc.want != os.ErrNotExist {
				t.Errorf("error %q does not name the path", err)
			}
		})
	}
}

func TestOpenRequirementErrorNamesLine(t *testing.T) {
	p := filepath.Join(t.TempDir(), "req.txt")
	if err := os.WriteFile(p, []byte("Archive::Zip >= 1.30\nMIME::Tools >= 5.427\nIO::Stringy >= two\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Open(p)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("Open = %v, want an error naming line 3", err)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTarBounds(t *testing.T) {
	p := writeTarGz(t, t.TempDir(), "big.tar.gz", rpmInstallerNames("4.84.3-1", rpm4843))
	for _, tc := range []struct {
		name string
		b    bounds
	}{
		{"entries", bounds{entries: 10, bytes: 1 << 30}},
		{"bytes", bounds{entries: 1000, bytes: 4096}},
	} {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tarNames(zr, tc.b)
		f.Close()
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("tarNames over %s bound: %v, want ErrTooLarge", tc.name, err)
		}
	}
}

func FuzzRequirement(f *testing.F) {
	for _, s := range []string{"Archive::Zip >= 1.30", "perl >= 5.8.8", "Mail::ClamAV", "IO::Stringy 2.110", "X >= v1.2.3", ">= 1", "A::B == 1_2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		mod, ver, err := requirement(line)
		if err != nil {
			return
		}
		if !moduleName.MatchString(mod) || (ver != "" && !validVersion(ver)) {
			t.Fatalf("requirement(%q) = %q %q", line, mod, ver)
		}
	})
}
