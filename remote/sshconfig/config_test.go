package sshconfig

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// testEnv is this process's Env with the given variables only, and HOME
// (for Include) in a temporary directory.
func testEnv(t *testing.T, vars map[string]string) Env {
	t.Helper()
	env, err := LocalEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// load writes text as a file and loads it as with ssh -F, failing on
// warnings.
func load(t *testing.T, text string) *Config {
	t.Helper()
	file := filepath.Join(t.TempDir(), "config")
	writeFile(t, file, text)
	c, warns, err := Load(file, testEnv(t, nil))
	if err != nil || len(warns) > 0 {
		t.Fatalf("Load = %v, %q", err, warns)
	}
	return c
}

func evaluate(t *testing.T, c *Config, alias string, p Preset) *Options {
	t.Helper()
	o, err := c.Evaluate(context.Background(), alias, p)
	if err != nil {
		t.Fatalf("Evaluate(%s) = %v", alias, err)
	}
	return o
}

func TestStrdelim(t *testing.T) {
	for _, tc := range []struct {
		in, tok, rest string
		more, ok      bool
	}{
		{"Host a", "Host", "a", true, true},
		{"Host=a", "Host", "a", true, true},
		{"Host = a", "Host", "a", true, true},
		{"Host==a", "Host", "=a", true, true},
		{`"a b" c`, "a b", "c", true, true},
		{`x"a b"`, "xa b", "", true, true},
		{"single", "single", "", false, true},
		{`"open`, "", "", false, false},
	} {
		tok, rest, more, ok := strdelim(tc.in)
		if tok != tc.tok || rest != tc.rest || more != tc.more || ok != tc.ok {
			t.Errorf("strdelim(%q) = %q, %q, %v, %v; want %q, %q, %v, %v", tc.in, tok, rest, more, ok, tc.tok, tc.rest, tc.more, tc.ok)
		}
	}
}

func TestArgvSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{`a b  c`, []string{"a", "b", "c"}, false},
		{`"a b" 'c d'`, []string{"a b", "c d"}, false},
		{`a\ b c`, []string{"a b", "c"}, false},
		{`a #comment`, []string{"a"}, false},
		{`a#b`, []string{"a#b"}, false},
		{`x"y z"w`, []string{"xy zw"}, false},
		{`\q`, []string{`\q`}, false},
		{`"open`, nil, true},
	} {
		got, err := argvSplit(tc.in)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("argvSplit(%q) = %q, %v; want %q (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestMatchPattern(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"a?", "a", false}, {"*.example.com", "example.com", false},
		{"10.0.*.?", "10.0.3.4", true}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false},
		{"A", "a", false}, {"*?", "", false},
	} {
		if got := matchPattern(tc.s, tc.p); got != tc.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", tc.s, tc.p, got, tc.want)
		}
	}
	if got := matchPatternList("web9", "web*,!web9", false); got != -1 {
		t.Errorf("a matching negated pattern: %d, want -1", got)
	}
	if !matchHostname("WEB1", "Web*") {
		t.Error("matchHostname must fold case")
	}
}

func TestAssembleAlgorithms(t *testing.T) {
	def := []string{"a", "b", "c"}
	all := []string{"a", "b", "c", "d", "e1", "e2"}
	for _, tc := range []struct {
		spec string
		want []string
		err  bool
	}{
		{"", def, false},
		{"+d", []string{"a", "b", "c", "d"}, false},
		{"+a,d", []string{"a", "b", "c", "d"}, false},
		{"-b", []string{"a", "c"}, false},
		{"-*", []string{}, false},
		{"^d,a", []string{"d", "a", "b", "c"}, false},
		{"e*,a", []string{"e1", "e2", "a"}, false},
		{"nope", nil, true},
		{"!a", nil, true},
	} {
		got, err := AssembleAlgorithms(tc.spec, def, all)
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("AssembleAlgorithms(%q) = %q, %v; want %q (error %v)", tc.spec, got, err, tc.want, tc.err)
		}
	}
}

func TestParseJump(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want Jump
		none bool
		bad  bool
	}{
		{"h", Jump{Host: "h"}, false, false},
		{"u@h:2", Jump{User: "u", Host: "h", Port: 2}, false, false},
		{"u@[::1]:2", Jump{User: "u", Host: "::1", Port: 2}, false, false},
		{"[::1]", Jump{Host: "::1"}, false, false},
		{"ssh://u@h:3", Jump{User: "u", Host: "h", Port: 3}, false, false},
		{"a,b:2,c@d", Jump{User: "c", Host: "d", Extra: "a,b:2"}, false, false},
		{"a,b # comment", Jump{Host: "b", Extra: "a"}, false, false},
		{"None", Jump{}, true, false},
		{"h:0", Jump{}, false, true},
		{"u@", Jump{}, false, true},
		{"ssh://h/path", Jump{}, false, true},
	} {
		got, err := parseJump(tc.spec)
		if (err != nil) != tc.bad || (!tc.bad && (got.last != tc.want || got.none != tc.none)) {
			t.Errorf("parseJump(%q) = %+v, %v; want %+v none %v (bad %v)", tc.spec, got, err, tc.want, tc.none, tc.bad)
		}
	}
	if s := (Jump{User: "u", Host: "10.0.0.1", Port: 22, Extra: "a"}).String(); s != "a,u@[10.0.0.1]:22" {
		t.Errorf("Jump.String = %q, want ssh -G's a,u@[10.0.0.1]:22", s)
	}
}

func TestNumericHost(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"10.1", "10.0.0.1", true},
		{"0x0A.0.0.1", "10.0.0.1", true},
		{"010.0.0.1", "8.0.0.1", true},
		{"2001:DB8:0:0:0:0:0:1", "2001:db8::1", true},
		{"::ffff:1.2.3.4", "::ffff:1.2.3.4", true},
		{"::1.2.3.4", "::1.2.3.4", true},
		{"1.2.3.4.5", "", false},
		{"256.1.1.1", "", false},
		{"host", "", false},
	} {
		got, ok := numericHost(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("numericHost(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestBadLinesWarnAndBlocksStayClosed: a line ssh would reject is
// reported with its file and line and skipped; a rejected Host or Match
// line never opens its block (the lines under it must not fall into the
// block before).
func TestBadLinesWarnAndBlocksStayClosed(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	writeFile(t, bad, "Host x\n  User\n  Port nope\nMatch localnetwork 10.0.0.0/8\n  ProxyJump bastion\nHost *\n  Port 2222\n")
	c, warns, err := Load(bad, testEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warns, "\n")
	for _, want := range []string{bad + ":2: User", bad + ":3: Port", bad + ":4: Match: unsupported Match attribute localnetwork"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	if len(warns) != 3 {
		t.Errorf("%d warnings, want 3:\n%s", len(warns), all)
	}
	o := evaluate(t, c, "x", Preset{})
	if o.Port != 2222 || o.ProxyJump != nil {
		t.Errorf("x: port %d, ProxyJump %v; want 2222 and none (the bad Match block stays closed)", o.Port, o.ProxyJump)
	}
}

func TestLoadFiles(t *testing.T) {
	env := testEnv(t, nil)
	dir := t.TempDir()
	user := filepath.Join(dir, "user")
	sys := filepath.Join(dir, "system")
	writeFile(t, user, "Host a\n  User fromuser\n")
	writeFile(t, sys, "Host *\n  User fromsystem\n  Port 2200\n")
	c, _, err := LoadFiles(user, sys, env)
	if err != nil {
		t.Fatal(err)
	}
	if o := evaluate(t, c, "a", Preset{}); o.User != "fromuser" || o.Port != 2200 {
		t.Errorf("user then system file: %s:%d, want fromuser:2200", o.User, o.Port)
	}
	if c.File != "" {
		t.Errorf("LoadFiles: File = %q, want \"\" (ssh's own files, no -F)", c.File)
	}
	c, _, _ = Load(user, env)
	if o := evaluate(t, c, "a", Preset{}); c.File != user || o.Port != 22 {
		t.Errorf("Load(file) reads that file only, as ssh -F: File %q, port %d", c.File, o.Port)
	}
	missing := filepath.Join(dir, "nope")
	c, warns, err := Load(missing, env)
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], missing) || c.File != "none" {
		t.Errorf("Load(missing) = %+v, %q, %v; want one warning and File none", c, warns, err)
	}
	if c, _, _ := Load("none", env); c.File != "none" || len(c.files) != 0 {
		t.Errorf("Load(none) read files: %+v", c)
	}
}

func TestIncludeLoopAndPermissions(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "self")
	writeFile(t, self, "Include "+self+"\nHost *\n  User looped\n")
	c, warns, err := Load(self, testEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "nested too deeply") {
		t.Errorf("warnings = %q, want one about the nesting depth", warns)
	}
	if o := evaluate(t, c, "h", Preset{}); o.User != "looped" {
		t.Errorf("User = %q, want looped", o.User)
	}

	open := filepath.Join(dir, "open")
	writeFile(t, open, "Host *\n  User writable\n")
	if err := os.Chmod(open, 0o666); err != nil {
		t.Fatal(err)
	}
	main := filepath.Join(dir, "main")
	writeFile(t, main, "Include "+open+"\n")
	c, warns, _ = Load(main, testEnv(t, nil))
	if len(warns) != 1 || !strings.Contains(warns[0], "bad owner or permissions") {
		t.Errorf("warnings = %q, want one about permissions", warns)
	}
	if o := evaluate(t, c, "h", Preset{}); o.User == "writable" {
		t.Error("a file others may write was used; ssh refuses it")
	}
}

func TestUnknownKeywordWarnsOnce(t *testing.T) {
	c := load(t, "Host *\n  UseKeychain yes\nMatch final\n  Port 2\n")
	o := evaluate(t, c, "h", Preset{})
	if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0], ":2: unknown keyword usekeychain") {
		t.Errorf("warnings = %q, want one naming line 2 (two passes, one warning)", o.Warnings)
	}
	c = load(t, "IgnoreUnknown usekey*\nHost *\n  UseKeychain yes\n")
	if o := evaluate(t, c, "h", Preset{}); len(o.Warnings) != 0 {
		t.Errorf("IgnoreUnknown: warnings %q", o.Warnings)
	}
}

// TestMatchExec covers what ssh -G cannot show: the command runs with
// $SHELL, and a command that does not finish is ended by ctx, with an
// error naming the file and line.
func TestMatchExec(t *testing.T) {
	dir := t.TempDir()
	shell := filepath.Join(dir, "shell")
	log := filepath.Join(dir, "log")
	writeFile(t, shell, "#!/bin/sh\necho \"$2\" >> "+log+"\nexec /bin/sh \"$@\"\n")
	if err := os.Chmod(shell, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config")
	writeFile(t, file, "Host h\n  HostName 10.0.0.9\nMatch exec \"test %h = 10.0.0.9\"\n  User viaexec\nMatch exec \"sleep 30\"\n  Port 1\n")
	c, _, err := Load(file, testEnv(t, map[string]string{"SHELL": shell}))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Evaluate(ctx, "h", Preset{})
	if err == nil || !strings.Contains(err.Error(), file+":5:") || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Evaluate with a hanging Match exec = %v, want a deadline error naming %s:5", err, file)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("Evaluate took %s: the sleep 30 was not ended at the deadline", d)
	}
	ran, _ := os.ReadFile(log)
	if want := "test 10.0.0.9 = 10.0.0.9\nsleep 30\n"; string(ran) != want {
		t.Errorf("$SHELL ran %q, want %q", ran, want)
	}
}

// TestIncludeUsesHOME: relative and ~ Includes resolve with $HOME, as
// glob(3) does, while ~ in other paths is the passwd home.
func TestIncludeUsesHOME(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".ssh", "inc.d", "b.conf"), "Host *\n  Port 2002\n")
	writeFile(t, filepath.Join(home, ".ssh", "inc.d", "a.conf"), "Host *\n  Port 2001\n")
	writeFile(t, filepath.Join(home, ".ssh", "tilde"), "Host *\n  User tilde\n")
	file := filepath.Join(t.TempDir(), "config")
	writeFile(t, file, "Include inc.d/*.conf ~/.ssh/tilde\n")
	env := testEnv(t, map[string]string{"HOME": home})
	c, warns, err := Load(file, env)
	if err != nil || len(warns) > 0 {
		t.Fatal(err, warns)
	}
	o := evaluate(t, c, "h", Preset{})
	if diff := cmp.Diff([]any{2001, "tilde"}, []any{o.Port, o.User}); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
