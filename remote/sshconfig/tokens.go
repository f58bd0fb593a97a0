package sshconfig

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// tokens are the values of ssh's % tokens for one host.
type tokens map[byte]string

// Token sets of ssh_config(5) (OpenSSH 9.2).
const (
	// hostNameTokens: HostName.
	hostNameTokens = "h"
	// proxyTokens: ProxyCommand and ProxyJump.
	proxyTokens = "hnpr"
	// pathTokens: CertificateFile, IdentityAgent, IdentityFile,
	// UserKnownHostsFile and Match exec.
	pathTokens = "CdhikLlnpru"
)

// connTokens are the tokens of a resolved connection, as ssh sets them
// after reading its configuration (ssh.c, DEFAULT_CLIENT_PERCENT_EXPAND_ARGS).
func connTokens(env Env, alias, host string, port int, user, keyAlias string) tokens {
	short, _, _ := strings.Cut(env.Hostname, ".")
	p := strconv.Itoa(port)
	if keyAlias == "" {
		keyAlias = alias
	}
	return tokens{
		'C': connectionHash(env.Hostname, host, p, user),
		'L': short,
		'i': strconv.Itoa(env.UID),
		'k': keyAlias,
		'l': env.Hostname,
		'n': alias,
		'p': p,
		'd': env.Home,
		'h': host,
		'r': user,
		'u': env.LocalUser,
	}
}

// connectionHash is %C: the SHA-1 of %l%h%p%r, in hex.
func connectionHash(local, host, port, user string) string {
	sum := sha1.Sum([]byte(local + host + port + user))
	return hex.EncodeToString(sum[:])
}

// percentExpand expands the tokens of allowed in s, as ssh's
// percent_expand: "%%" is "%", any other token is an error.
func (tk tokens) percentExpand(s, allowed string) (string, error) {
	return tk.expand(s, allowed, nil)
}

// expand expands % tokens (when allowed is not "") and, when getenv is
// set, ${VAR} references, as ssh's vdollar_percent_expand does.
func (tk tokens) expand(s, allowed string, env *Env) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if env != nil && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", fmt.Errorf("environment variable %q lacks its closing '}'", s[i:])
			}
			name := s[i+2 : i+2+end]
			if name == "" {
				return "", errors.New("zero-length environment variable")
			}
			v, ok := env.getenv(name)
			if !ok {
				return "", fmt.Errorf("environment variable ${%s} is not set", name)
			}
			b.WriteString(v)
			i += 2 + end
			continue
		}
		if c != '%' || allowed == "" {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", errors.New("invalid format: % at the end")
		}
		c = s[i]
		if c == '%' {
			b.WriteByte('%')
			continue
		}
		v, ok := tk[c]
		if !ok || !strings.ContainsRune(allowed, rune(c)) {
			return "", fmt.Errorf("unknown token %%%c", c)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// expandPath is what ssh does to a file name that takes tokens: ~ first,
// then % tokens and ${VAR}.
func (tk tokens) expandPath(s string, env Env) (string, error) {
	s, err := tildeExpand(s, env.Home)
	if err != nil {
		return "", err
	}
	return tk.expand(s, pathTokens, &env)
}

// tildeExpand is ssh's tilde_expand: "~" and "~/path" use home (the
// passwd entry, not $HOME), "~user/path" that user's home; the directory
// always ends with a slash.
func tildeExpand(s, home string) (string, error) {
	if !strings.HasPrefix(s, "~") {
		return s, nil
	}
	name, tail, _ := strings.Cut(s[1:], "/")
	tail = strings.TrimLeft(tail, "/")
	dir := home
	if name != "" {
		u, err := user.Lookup(name)
		if err != nil {
			return "", fmt.Errorf("no such user %s", name)
		}
		dir = u.HomeDir
	}
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	return dir + tail, nil
}

// expandTilde is tildeExpand for paths that are not ssh's (the
// inventory's): cleaned, and left as they are when ~user is unknown.
func expandTilde(s, home string) string {
	if !strings.HasPrefix(s, "~") {
		return s
	}
	out, err := tildeExpand(s, home)
	if err != nil {
		return s
	}
	return filepath.Clean(out)
}
