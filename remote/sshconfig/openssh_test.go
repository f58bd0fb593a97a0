package sshconfig

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// The differential test: every case under testdata/openssh is an
// ssh_config (config, plus the files it includes) and a list of aliases
// (hosts; an alias may be followed by ssh command-line options: -l, -p,
// -i, -J, -o HostName=, -o UserKnownHostsFile=). For each alias, what
// Evaluate gives must equal what "ssh -G" of the installed OpenSSH prints,
// for every option fleetcheck uses. The case is copied to ~/.ssh of a
// fresh $HOME, with @HOME@, @USER@ and @PWHOME@ replaced.

// comparedKeys are the ssh -G keywords compared.
var comparedKeys = []string{"host", "hostname", "user", "port", "identityfile", "certificatefile",
	"identitiesonly", "identityagent", "proxyjump", "proxycommand", "hostkeyalias", "userknownhostsfile",
	"globalknownhostsfile", "stricthostkeychecking", "connecttimeout", "serveraliveinterval",
	"serveralivecountmax", "kexalgorithms", "ciphers", "macs", "hostkeyalgorithms"}

func needSSH(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("ssh")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the OpenSSH client is required under CI=true: %v", err)
		}
		t.Skipf("no ssh binary: %v", err)
	}
	return bin
}

// sshG runs ssh -G and returns what it printed, by keyword.
func sshG(t *testing.T, bin string, env []string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-G"}, args...)...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh -G %q: %v\n%s", args, err, stderr.String())
	}
	got := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		if old, ok := got[k]; ok {
			v = old + "\n" + v
		}
		got[k] = v
	}
	return got
}

// sshLists are the algorithm lists of the installed ssh: its defaults
// (ssh -G with no configuration) and everything it supports (ssh -Q).
type sshLists struct{ defaults, all map[string][]string }

func querySSH(t *testing.T, bin string, env []string) sshLists {
	t.Helper()
	l := sshLists{defaults: map[string][]string{}, all: map[string][]string{}}
	g := sshG(t, bin, env, "-F", "none", "x")
	for key, query := range map[string]string{"kexalgorithms": "KexAlgorithms", "ciphers": "Ciphers",
		"macs": "MACs", "hostkeyalgorithms": "HostKeyAlgorithms"} {
		l.defaults[key] = strings.Split(g[key], ",")
		out, err := exec.Command(bin, "-Q", query).Output()
		if err != nil {
			t.Fatalf("ssh -Q %s: %v", query, err)
		}
		l.all[key] = strings.Fields(string(out))
	}
	return l
}

func TestResolutionEqualsOpenSSH(t *testing.T) {
	bin := needSSH(t)
	cases, err := filepath.Glob("testdata/openssh/*")
	if err != nil || len(cases) < 40 {
		t.Fatalf("the corpus has %d cases (%v), want at least 40", len(cases), err)
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	lists := querySSH(t, bin, []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")})
	var checked atomic.Int32
	t.Cleanup(func() { t.Logf("%d cases, %d aliases compared with %s", len(cases), checked.Load(), bin) })
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			home := t.TempDir()
			vars := map[string]string{"HOME": home, "SHELL": "/bin/sh", "SSH_AUTH_SOCK": "/tmp/fc-test-agent.sock",
				"FCTEST_VAR": "hello", "FCTEST_SOCK": filepath.Join(home, "agent.sock"),
				"FCTEST_DIR": filepath.Join(home, "dir"), "PATH": os.Getenv("PATH"), "LC_ALL": "C"}
			var envList []string
			for k, v := range vars {
				envList = append(envList, k+"="+v)
			}
			r := strings.NewReplacer("@HOME@", home, "@USER@", me.Username, "@PWHOME@", me.HomeDir)
			copyCase(t, dir, filepath.Join(home, ".ssh"), r)
			config := filepath.Join(home, ".ssh", "config")
			env, err := LocalEnv(func(k string) string { return vars[k] })
			if err != nil {
				t.Fatal(err)
			}
			env.Environ = envList
			cfg, warns, err := Load(config, env)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.File != config {
				t.Errorf("Load(%s).File = %q, want the file itself (ssh -F)", config, cfg.File)
			}
			for _, w := range warns {
				t.Errorf("Load warned about a file ssh accepts: %s", w)
			}
			hosts, err := os.ReadFile(filepath.Join(dir, "hosts"))
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range strings.Split(strings.TrimSpace(string(hosts)), "\n") {
				alias, preset, args := parseHostSpec(t, r.Replace(spec))
				want := sshG(t, bin, envList, append(append([]string{"-F", config}, args...), alias)...)
				o, err := cfg.Evaluate(context.Background(), alias, preset)
				if err != nil {
					t.Errorf("%s: Evaluate: %v", spec, err)
					continue
				}
				got := gView(t, o, env, lists)
				for _, k := range comparedKeys {
					if got[k] != want[k] {
						t.Errorf("%s: %s = %q, ssh -G says %q", spec, k, got[k], want[k])
					}
				}
				checked.Add(1)
			}
		})
	}
}

// parseHostSpec reads "alias [options]" into the alias, the Preset and
// the same options for ssh.
func parseHostSpec(t *testing.T, spec string) (string, Preset, []string) {
	t.Helper()
	f := strings.Fields(spec)
	i := len(f)
	for j, w := range f {
		if strings.HasPrefix(w, "-") {
			i = j
			break
		}
	}
	alias, args := strings.Join(f[:i], " "), f[i:]
	var p Preset
	for j := 0; j+1 < len(args); j += 2 {
		v := args[j+1]
		switch args[j] {
		case "-l":
			p.User = v
		case "-p":
			p.Port, _ = strconv.Atoi(v)
		case "-i":
			p.IdentityFiles = append(p.IdentityFiles, v)
		case "-J":
			p.Jump = v
		case "-o":
			k, val, _ := strings.Cut(v, "=")
			switch lower(k) {
			case "hostname":
				p.HostName = val
			case "userknownhostsfile":
				p.UserKnownHostsFiles = strings.Fields(val)
			default:
				t.Fatalf("%s: option %s not handled", spec, v)
			}
		default:
			t.Fatalf("%s: option %s not handled", spec, args[j])
		}
	}
	return alias, p, args
}

// gView renders Options as ssh -G prints them. ssh -G shows IdentityAgent
// and UserKnownHostsFile expanded, the rest as configured.
func gView(t *testing.T, o *Options, env Env, lists sshLists) map[string]string {
	t.Helper()
	g := map[string]string{"host": o.Alias, "hostname": o.HostName, "user": o.User, "port": strconv.Itoa(o.Port),
		"hostkeyalias": o.HostKeyAlias, "connecttimeout": o.ConnectTimeout.Text,
		"serveraliveinterval": o.ServerAliveInterval.Text, "serveralivecountmax": o.ServerAliveCountMax.Text}
	if g["connecttimeout"] == "-1" {
		g["connecttimeout"] = "none"
	}
	g["stricthostkeychecking"] = map[string]string{"yes": "true", "no": "false"}[o.StrictHostKeyChecking.Text]
	if g["stricthostkeychecking"] == "" {
		g["stricthostkeychecking"] = o.StrictHostKeyChecking.Text
	}
	g["identitiesonly"] = map[bool]string{true: "yes", false: "no"}[o.IdentitiesOnly]
	texts := func(vs []Value) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Text)
		}
		return out
	}
	g["identityfile"] = strings.Join(texts(o.IdentityFiles), "\n")
	g["certificatefile"] = strings.Join(texts(o.CertificateFiles), "\n")
	tk := connTokens(env, o.Alias, o.HostName, o.Port, o.User, o.HostKeyAlias)
	if o.IdentityAgent != nil {
		s, err := tk.expandPath(o.IdentityAgent.Text, env)
		if err != nil {
			t.Errorf("%s: IdentityAgent: %v", o.Alias, err)
		}
		g["identityagent"] = s
	}
	oneline := func(vs []string) string {
		if len(vs) == 0 || (len(vs) == 1 && strings.EqualFold(vs[0], "none")) {
			return "none"
		}
		return strings.Join(vs, " ")
	}
	var kh []string
	for _, v := range o.UserKnownHostsFiles {
		s, err := tk.expandPath(v.Text, env)
		if err != nil {
			t.Errorf("%s: UserKnownHostsFile: %v", o.Alias, err)
		}
		kh = append(kh, s)
	}
	g["userknownhostsfile"] = oneline(kh)
	g["globalknownhostsfile"] = oneline(texts(o.GlobalKnownHostsFiles))
	if o.ProxyJump != nil {
		g["proxyjump"] = o.ProxyJump.String()
	} else if o.ProxyCommand != nil {
		g["proxycommand"] = o.ProxyCommand.Text
	}
	for key, spec := range map[string]string{"kexalgorithms": o.KexAlgorithms.Text, "ciphers": o.Ciphers.Text,
		"macs": o.MACs.Text, "hostkeyalgorithms": o.HostKeyAlgorithms.Text} {
		list, err := AssembleAlgorithms(spec, lists.defaults[key], lists.all[key])
		if err != nil {
			t.Errorf("%s: %s %q: %v", o.Alias, key, spec, err)
		}
		g[key] = strings.Join(list, ",")
	}
	return g
}

// copyCase copies a case directory into dst, replacing placeholders; the
// files are private, as ssh wants included files to be.
func copyCase(t *testing.T, src, dst string, r *strings.Replacer) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o700)
		}
		if rel == "hosts" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), []byte(r.Replace(string(data))), 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
