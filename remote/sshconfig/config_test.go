package sshconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kevinburke/ssh_config"
)

// lookup returns the first value of key for alias, as ssh would use it.
func lookup(c *Config, alias, key string) string {
	kv, _ := c.values(alias, "", "me").get(strings.ToLower(key))
	return kv.value
}

func TestSSHConfigHostMatching(t *testing.T) {
	cfg := `
# first obtained value wins
Host web1
  User first
Host web? !web9
  User pattern
  Port 2201
Host *.example.com db-*
  User wild
Host *
  User fallback
  Port 22
`
	c, warns, err := Parse("cfg", []byte(cfg))
	if err != nil || len(warns) > 0 {
		t.Fatalf("Parse = %v, %q", err, warns)
	}
	for _, tc := range []struct{ alias, user, port string }{
		{"web1", "first", "2201"},
		{"web2", "pattern", "2201"},
		{"web", "fallback", "22"},   // "?" is exactly one character (kevinburke/ssh_config has it optional)
		{"web10", "fallback", "22"}, // ... and not two
		{"web9", "fallback", "22"},  // negated
		{"a.example.com", "wild", "22"},
		{"db-3", "wild", "22"},
		{"example.com", "fallback", "22"},
	} {
		if got := lookup(c, tc.alias, "User"); got != tc.user {
			t.Errorf("%s: User = %q, want %q", tc.alias, got, tc.user)
		}
		if got := lookup(c, tc.alias, "port"); got != tc.port {
			t.Errorf("%s: Port = %q, want %q", tc.alias, got, tc.port)
		}
	}
}

func TestKevinburkeQuestionMarkBug(t *testing.T) {
	// Documents why Host patterns are matched here: the library matches
	// "web?" against "web". If it is fixed, this test says so.
	c, err := ssh_config.DecodeBytes([]byte("Host web?\n  User x\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get("web", "User"); got != "x" {
		t.Logf("kevinburke/ssh_config no longer matches web? against web (got %q)", got)
	}
}

func TestSSHConfigMatch(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "config")
	writeFile(t, conf, `Host a
  HostName a.internal
Match originalhost b user root
  Port 2202
Match exec "true"
  Port 9999
Match host a.internal
  Port 2203
Match final all
  User finaluser
  Port 9998
Host *
  IdentityFile ~/.ssh/common
`)
	c, warns, err := LoadFiles(conf, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], conf+":5:") || !strings.Contains(warns[0], "exec") {
		t.Errorf("warnings = %q, want one naming %s:5 and Match exec", warns, conf)
	}
	v := c.values("b", "root", "me")
	if kv, _ := v.get("port"); kv.value != "2202" {
		t.Errorf("b as root: Port = %q, want 2202", kv.value)
	}
	v = c.values("b", "other", "me")
	if kv, _ := v.get("port"); kv.value != "9998" {
		t.Errorf("b as other: Port = %q, want 9998 from the final pass", kv.value)
	}
	// "host" matches the HostName on the final pass.
	v = c.values("a", "", "me")
	if kv, _ := v.get("port"); kv.value != "2203" {
		t.Errorf("a: Port = %q, want 2203 (Match host against HostName)", kv.value)
	}
	if kv, _ := v.get("user"); kv.value != "finaluser" {
		t.Errorf("a: User = %q, want finaluser (Match final fills what is unset)", kv.value)
	}
	if kv, _ := v.get("identityfile"); kv.value != "~/.ssh/common" {
		t.Errorf("a: IdentityFile = %q: settings after Match final must not be blanked", kv.value)
	}
}

func TestSSHConfigMatchFinalFromRHEL(t *testing.T) {
	// kevinburke/ssh_config rejects the whole file; here the file loads,
	// other settings keep working and nothing is silently lost.
	dir := t.TempDir()
	sys := filepath.Join(dir, "ssh_config")
	dropin := filepath.Join(dir, "ssh_config.d")
	writeFile(t, sys, "Include "+dropin+"/*.conf\nHost *\n  ConnectTimeout 7\n")
	mkdir(t, dropin)
	writeFile(t, filepath.Join(dropin, "50-redhat.conf"), `Match final all
    Include `+filepath.Join(dir, "crypto-policies", "openssh.config")+`
    GSSAPIAuthentication yes
Match user x
    Port 1
Match localnetwork 10.0.0.0/8
    Port 2
`)
	if _, err := ssh_config.DecodeBytes([]byte("Match final all\n  GSSAPIAuthentication yes\n")); err == nil {
		t.Log("kevinburke/ssh_config now parses Match final")
	}
	user := filepath.Join(dir, "user")
	writeFile(t, user, "Host mail1\n  HostName 192.0.2.11\n")
	c, warns, err := LoadFiles(user, sys)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "50-redhat.conf:6:") {
		t.Errorf("warnings = %q, want one for localnetwork naming 50-redhat.conf:6", warns)
	}
	if got := lookup(c, "mail1", "HostName"); got != "192.0.2.11" {
		t.Errorf("HostName = %q, want 192.0.2.11", got)
	}
	if got := lookup(c, "mail1", "ConnectTimeout"); got != "7" {
		t.Errorf("ConnectTimeout = %q, want 7", got)
	}
	if got := lookup(c, "mail1", "Port"); got != "" {
		t.Errorf("Port = %q, want unset (Match user x, localnetwork)", got)
	}
}

func TestSSHConfigBadLinesWarn(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	writeFile(t, bad, "Host x\n  User\nMatch user\n  Port 1\n")
	good := filepath.Join(dir, "good")
	writeFile(t, good, "Host *\n  Port 2222\n")
	c, warns, err := LoadFiles(bad, good)
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(warns, "\n"); len(warns) != 2 || !strings.Contains(all, bad+":2: User") || !strings.Contains(all, bad+":3: no argument after Match") {
		t.Fatalf("warnings = %q, want two naming %s:2 and :3", warns, bad)
	}
	if got := lookup(c, "x", "Port"); got != "2222" {
		t.Errorf("Port = %q, want 2222 from the file that parsed", got)
	}
}

func TestSSHConfigIncludeInsideHost(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc.conf")
	writeFile(t, inc, "User included\nHost other\n  Port 3\n")
	main := filepath.Join(dir, "config")
	writeFile(t, main, "Host a\n  Include "+inc+"\n  Port 1\nHost *\n  Port 2\n")
	c, warns, err := LoadFiles(main, "")
	if err != nil || len(warns) > 0 {
		t.Fatalf("LoadFiles = %v, %q", err, warns)
	}
	for _, tc := range []struct{ alias, key, want string }{
		{"a", "User", "included"},
		{"a", "Port", "1"}, // the rest of Host a still applies after the Include
		{"b", "User", ""},  // the included lines belong to Host a
		{"other", "Port", "2"},
	} {
		if got := lookup(c, tc.alias, tc.key); got != tc.want {
			t.Errorf("%s %s = %q, want %q", tc.alias, tc.key, got, tc.want)
		}
	}
}

func TestSSHConfigMultipleIdentityFiles(t *testing.T) {
	c, _, err := Parse("cfg", []byte("Host a\n  IdentityFile ~/.ssh/one\nHost *\n  IdentityFile \"/keys/two words\"\n  IdentityFile=/keys/three\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, kv := range c.values("a", "", "me").all["identityfile"] {
		got = append(got, kv.value)
	}
	if diff := cmp.Diff([]string{"~/.ssh/one", "/keys/two words", "/keys/three"}, got); diff != "" {
		t.Errorf("IdentityFile values mismatch (-want +got):\n%s", diff)
	}
}

func TestGlobMatch(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a?c", "abc", true},
		{"a?c", "ac", false}, {"a?", "a", false}, {"*.example.com", "example.com", false},
		{"10.0.*.?", "10.0.3.4", true}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false},
	} {
		if got := globMatch(tc.p, tc.s); got != tc.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tc.p, tc.s, got, tc.want)
		}
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
}

func TestSSHConfigMissingFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	c, warns, err := LoadFiles(missing, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], missing) {
		t.Errorf("warnings = %q, want one naming %s", warns, missing)
	}
	if c.UserFile != "" {
		t.Errorf("UserFile = %q, want empty so that ssh -F is not given a missing file", c.UserFile)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
