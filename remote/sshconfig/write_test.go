package sshconfig

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// randomPath is an absolute path made of the characters that need care in
// an ssh_config: white space, '#', '=', quotes, backslashes, '%' and '$'.
func randomPath(r *rand.Rand) string {
	const chars = "ab01 #='\\%$-_.~"
	var b strings.Builder
	b.WriteString("/tmp/fc")
	for range 1 + r.IntN(12) {
		c := chars[r.IntN(len(chars))]
		if c == '$' && r.IntN(2) == 0 {
			b.WriteString("$x") // "$" alone is literal; "${" is refused
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// TestFormatReadsBackLiterally writes random values through Format and
// checks that both ssh -G and Evaluate read back exactly those values: the
// file fleetcheck writes for the demo and the lab means what it says.
func TestFormatReadsBackLiterally(t *testing.T) {
	bin := needSSH(t)
	r := rand.New(rand.NewPCG(11, 12))
	home := t.TempDir()
	vars := map[string]string{"HOME": home, "PATH": os.Getenv("PATH"), "LC_ALL": "C"}
	envList := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LC_ALL=C"}
	env, err := LocalEnv(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		alias := "host" + strconv.Itoa(i)
		id, cert, kh1, kh2, agent := randomPath(r), randomPath(r), randomPath(r), randomPath(r), randomPath(r)
		user := "u" + strings.Repeat(" x", r.IntN(2)) + strconv.Itoa(i)
		port := strconv.Itoa(1024 + r.IntN(60000))
		text, err := Format("written by TestFormatReadsBackLiterally\nsecond line", []Block{
			{Patterns: []string{alias}, Options: []Option{Opt("HostName", "127.0.0.9"), Opt("User", user),
				Opt("Port", port), Opt("IdentityFile", id), Opt("CertificateFile", cert),
				Opt("UserKnownHostsFile", kh1, kh2), Opt("IdentityAgent", agent)}},
			{Patterns: []string{"*"}, Options: []Option{Opt("IdentitiesOnly", "yes")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "# written by TestFormatReadsBackLiterally\n# second line\nHost "+alias+"\n") {
			t.Errorf("header and Host line:\n%s", text)
		}
		path := filepath.Join(home, "config"+strconv.Itoa(i))
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		g := sshG(t, bin, envList, "-F", path, alias)
		double := func(s string) string { return strings.ReplaceAll(s, "%", "%%") }
		want := map[string]string{"hostname": "127.0.0.9", "user": user, "port": port, "identitiesonly": "yes",
			"identityfile": double(id), "certificatefile": double(cert), // as configured
			"userknownhostsfile": kh1 + " " + kh2, "identityagent": agent} // expanded
		for k, v := range want {
			if g[k] != v {
				t.Errorf("%s: ssh -G %s = %q, written %q\n%s", alias, k, g[k], v, text)
			}
		}
		cfg, warns, err := Load(path, env)
		if err != nil || len(warns) > 0 {
			t.Fatalf("Load: %v %v\n%s", err, warns, text)
		}
		o, err := cfg.Evaluate(context.Background(), alias, Preset{})
		if err != nil {
			t.Fatal(err)
		}
		tk := connTokens(env, o.Alias, o.HostName, o.Port, o.User, o.HostKeyAlias)
		ids, err := expandPaths(o.IdentityFiles, tk, env)
		if err != nil || len(ids) != 1 || ids[0] != id {
			t.Errorf("%s: IdentityFile reads back as %q (%v), written %q", alias, ids, err, id)
		}
		if o.User != user || strconv.Itoa(o.Port) != port {
			t.Errorf("%s: User, Port = %q, %d; written %q, %s", alias, o.User, o.Port, user, port)
		}
	}
}

// TestFormatRefusesWhatCannotReadBack: values ssh would not read back
// literally are errors naming the keyword.
func TestFormatRefusesWhatCannotReadBack(t *testing.T) {
	for _, o := range []Option{Opt("IdentityFile", `/tmp/a"b`), Opt("IdentityFile", "/tmp/${HOME}"),
		Opt("User", ""), Opt("HostName", "a\nb")} {
		_, err := Format("", []Block{{Patterns: []string{"x"}, Options: []Option{o}}})
		if err == nil || !strings.Contains(err.Error(), o.Keyword) {
			t.Errorf("Format(%s %q) = %v, want an error naming %s", o.Keyword, o.Args, err, o.Keyword)
		}
	}
}
