package probe

import (
	"bytes"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runLoadsFilter runs mailScannerLoadsFilter with real perl on in and returns
// what it copied and the module names it handed over on descriptor 5.
func runLoadsFilter(t *testing.T, in []byte) (copied []byte, names []string) {
	t.Helper()
	if _, err := exec.LookPath("perl"); err != nil {
		t.Skip("needs perl")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	c := exec.Command("sh", "-c", mailScannerLoadsFilter)
	c.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	c.ExtraFiles = []*os.File{nil, nil, w} // descriptor 5
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	handed, err := readAllFile(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Wait(); err != nil {
		t.Fatalf("filter: %v\n%s", err, errb.Bytes())
	}
	if errb.Len() > 0 {
		t.Errorf("filter wrote on stderr: %s", errb.Bytes())
	}
	for _, l := range splitLines(handed, 0) {
		name, ok := strings.CutPrefix(l, loadedLine)
		if !ok || !validModuleName(name) {
			t.Fatalf("filter handed over %q", l)
		}
		names = append(names, name)
	}
	return out.Bytes(), names
}

func readAllFile(f *os.File) ([]byte, error) {
	var b bytes.Buffer
	_, err := b.ReadFrom(f)
	return b.Bytes(), err
}

// goLoaded is what readMailScannerVersion reads as loaded: the modules of
// both lists with a version, or nil when it fails.
func goLoaded(out []byte) []string {
	ms, err := readMailScannerVersion(out)
	if err != nil {
		return nil
	}
	var names []string
	for _, m := range slices.Concat(ms.Modules, ms.Optional) {
		if !m.Missing && !slices.Contains(names, m.Name) {
			names = append(names, m.Name)
		}
	}
	return names
}

// vCaptures returns the probe's output for every real -v capture: the path
// line, then stderr and stdout, which the command folds together.
func vCaptures(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, v := range realVersions(t) {
		dirs, err := filepath.Glob(filepath.Join(realCaptures, v, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			se, err1 := os.ReadFile(filepath.Join(d, "v.stderr"))
			so, err2 := os.ReadFile(filepath.Join(d, "v.stdout"))
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", d, err1, err2)
			}
			out[v+"/"+filepath.Base(d)] = slices.Concat([]byte("@@fc path /usr/sbin/MailScanner\n"), se, so)
		}
	}
	return out
}

// TestMailScannerLoadsFilter checks the Perl reader of -v against the Go
// parser, which owns the format: on every real capture both read the same
// loaded modules and the output passes unchanged.
func TestMailScannerLoadsFilter(t *testing.T) {
	caps := vCaptures(t)
	if len(caps) < 10 {
		t.Fatalf("%d captures", len(caps))
	}
	for name, in := range caps {
		copied, got := runLoadsFilter(t, in)
		if !bytes.Equal(copied, in) {
			t.Errorf("%s: the filter changed the output", name)
		}
		want := goLoaded(in)
		slices.Sort(got)
		slices.Sort(want)
		if len(want) < 40 || !slices.Equal(got, want) {
			t.Errorf("%s: filter hands over %d modules %v,\nthe parser reads %d loaded %v", name, len(got), got, len(want), want)
		}
	}
}

// TestMailScannerLoadsFilterMangled mangles real captures (lines inserted,
// dropped, swapped, control characters, other markers) and checks that the
// filter never hands over a module the Go parser does not read as loaded,
// and always copies the output unchanged.
func TestMailScannerLoadsFilterMangled(t *testing.T) {
	caps := vCaptures(t)
	var keys []string
	for k := range caps {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pool := []string{
		"@@fc none", "@@fc path /x", "@@fc  path /y", "Running on", "  Running on  ", "This is MailScanner version 9.9",
		"This is Baruwa version 2", "This is Perl version 5.8.8", "Module versions are:", "Optional module versions are:",
		"missing\tFake::Missing", "1.0\tFake::One", " 2.0\t\tFake::Two  ", "3.0\tFake::Three\r", "4.0\tFake::\x01Four",
		"5.0\tFake::Five\x1b[0m", "6.0\tFake\xffSix", "7.0 Fake::Seven", "\tFake::Eight", "8.0\tFake::Nine::",
		"This is\tFake::Ten", "", "\r", "1.0\tFake::Eleven\v", "Module versions are:\x00",
		"Running\x01 on", "Run\x1b[0mning on", "Running on\u200b",
	}
	rng := rand.New(rand.NewSource(16))
	for i := 0; i < 150; i++ {
		lines := strings.Split(string(caps[keys[i%len(keys)]]), "\n")
		for n := rng.Intn(6) + 1; n > 0; n-- {
			j := rng.Intn(len(lines))
			switch rng.Intn(4) {
			case 0, 1:
				lines = slices.Insert(lines, j, pool[rng.Intn(len(pool))])
			case 2:
				if j > 0 {
					lines = slices.Delete(lines, j, j+1)
				}
			case 3:
				k := rng.Intn(len(lines))
				if j > 0 && k > 0 {
					lines[j], lines[k] = lines[k], lines[j]
				}
			}
		}
		in := []byte(strings.Join(lines, "\n"))
		copied, got := runLoadsFilter(t, in)
		if !bytes.Equal(copied, in) {
			t.Fatalf("case %d: the filter changed the output", i)
		}
		want := goLoaded(in)
		for _, m := range got {
			if !slices.Contains(want, m) {
				t.Fatalf("case %d: the filter hands over %s, which the parser does not read as loaded\n%s", i, m, in)
			}
		}
	}
}
