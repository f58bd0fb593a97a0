package sshconfig

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// tokens holds the values of ssh_config's % tokens.
type tokens struct {
	alias, host, user, localUser, localHost, home string
	port                                          int
}

// expand replaces the tokens allowed in allowed ("%" always is); an unknown
// or disallowed token is an error naming the file and line.
func (tk tokens) expand(kv cfgKV, allowed string) (string, error) {
	s := kv.value
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%s:%d: %s: trailing %%", kv.file, kv.line, kv.key)
		}
		i++
		c := s[i]
		if c != '%' && !strings.ContainsRune(allowed, rune(c)) {
			return "", fmt.Errorf("%s:%d: %s: token %%%c not supported here", kv.file, kv.line, kv.key, c)
		}
		switch c {
		case '%':
			b.WriteByte('%')
		case 'h':
			b.WriteString(tk.host)
		case 'n':
			b.WriteString(tk.alias)
		case 'p':
			b.WriteString(strconv.Itoa(tk.port))
		case 'r':
			b.WriteString(tk.user)
		case 'u':
			b.WriteString(tk.localUser)
		case 'd':
			b.WriteString(tk.home)
		case 'l':
			b.WriteString(tk.localHost)
		case 'L':
			short, _, _ := strings.Cut(tk.localHost, ".")
			b.WriteString(short)
		case 'i':
			b.WriteString(strconv.Itoa(os.Getuid()))
		case 'C':
			sum := sha1.Sum([]byte(tk.localHost + tk.host + strconv.Itoa(tk.port) + tk.user))
			b.WriteString(hex.EncodeToString(sum[:]))
		default:
			return "", fmt.Errorf("%s:%d: %s: unknown token %%%c", kv.file, kv.line, kv.key, c)
		}
	}
	return b.String(), nil
}

// expandPath expands ${VAR}, ~ and the path tokens of IdentityFile and
// UserKnownHostsFile.
func (tk tokens) expandPath(kv cfgKV) (string, error) {
	kv.value = envRE.ReplaceAllStringFunc(kv.value, func(m string) string { return os.Getenv(m[2 : len(m)-1]) })
	kv.value = expandTilde(kv.value, tk.home)
	return tk.expand(kv, "hpruCdnlLi")
}

// envRE matches the ${VAR} references ssh expands in paths.
var envRE = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)
