package probe

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet"
)

// findConfig sets conf to MailScanner.conf (v4 RPM and v5 in
// /etc/MailScanner, v4 tarball in /opt/MailScanner/etc), or to nothing, and
// defines fc_walk, which calls fc_file FILE for it and every file its
// include lines reach (globs expanded by the shell, in sorted order, each
// once, four levels deep) and fc_unreadable FILE for those it cannot read.
// fc_walk leaves IFS set to a newline.
const findConfig = `conf=
for f in /etc/MailScanner/MailScanner.conf /opt/MailScanner/etc/MailScanner.conf; do
  if [ -z "$conf" ] && [ -f "$f" ]; then conf=$f; fi
done
nl='
'
fc_walk() {
  IFS=$nl
  files=$conf
  seen=$nl
  n=0
  while [ -n "$files" ] && [ $n -lt 4 ]; do
    n=$((n+1))
    next=
    for f in $files; do
      case "$seen" in *"$nl$f$nl"*) continue ;; esac
      seen="$seen$f$nl"
      if [ ! -r "$f" ]; then fc_unreadable "$f"; continue; fi
      fc_file "$f"
      for g in $(sed -e 's/#.*//' "$f" 2>/dev/null | sed -n -e 's/[ 	]*$//' -e 's/^[ 	]*[Ii][Nn][Cc][Ll][Uu][Dd][Ee][ 	][ 	]*//p'); do
        if [ -f "$g" ]; then next="$next$g$nl"; fi
      done
    done
    files=$next
  done
}
`

// mailScannerConfigCommand prints MailScanner.conf and every file its
// include lines reach (findConfig), each after a marker line with its path.
// Reading the settings happens locally.
const mailScannerConfigCommand = `LC_ALL=C; export LC_ALL
` + findConfig + `if [ -z "$conf" ]; then echo "@@fc none"; exit 0; fi
echo "@@fc conf $conf"
fc_unreadable() { echo "@@fc unreadable $1"; }
fc_file() { echo "@@fc file $1"; cat "$1"; echo; }
fc_walk
exit 0`

// MailScannerConfig reads MailScanner.conf and its includes as MailScanner
// does. Secrets are kept only as fingerprints.
var MailScannerConfig = register(Probe{
	Name:    fleet.ProbeMailScannerConfig,
	Command: mailScannerConfigCommand,
	Sudo:    true,
	Parse:   parseMailScannerConfig,
})

// Limits on what one host's configuration may hold.
const (
	maxConfigValues   = 5000
	maxConfigProblems = 200
	maxConfigValueLen = 4096
	maxIncludeDepth   = 8
)

func parseMailScannerConfig(r Result, f *fleet.Facts) error {
	return store(&f.Config, readMailScannerConfig, r.Stdout)
}

// configReader holds the state of one read of MailScanner.conf.
type configReader struct {
	files map[string][]string
	seen  map[string]bool
	vars  map[string]string
	// uses maps a normalised key to the normalised keys (%name%) of the
	// variables its latest value substituted.
	uses map[string][]string
	// secret holds the normalised keys whose values are secrets.
	secret map[string]bool
	out    *fleet.MailScannerConfig
	listed []string
}

// readMailScannerConfig parses the output of mailScannerConfigCommand.
func readMailScannerConfig(b []byte) (*fleet.MailScannerConfig, error) {
	cr, err := readConfig(b)
	if err != nil {
		return nil, err
	}
	return cr.out, nil
}

// readConfig reads the output of mailScannerConfigCommand and hides its secrets.
func readConfig(b []byte) (*configReader, error) {
	ss := sections(b)
	conf, ok := first(ss, "conf")
	if !ok {
		if _, none := first(ss, "none"); none {
			return nil, ErrNotApplicable
		}
		return nil, errors.New("mailscanner_config: no output")
	}
	main := clean(conf.Arg)
	cr := &configReader{
		files: map[string][]string{},
		seen:  map[string]bool{},
		vars:  map[string]string{},
		uses:  map[string][]string{},
		out:   &fleet.MailScannerConfig{Path: main, Files: []string{}, Values: map[string]fleet.ConfigValue{}},
	}
	for _, s := range ss {
		switch s.Name {
		case "file":
			p := clean(s.Arg)
			if _, dup := cr.files[p]; !dup {
				cr.files[p] = s.Lines
				cr.listed = append(cr.listed, p)
			}
		case "unreadable":
			if clean(s.Arg) == main {
				return nil, fmt.Errorf("mailscanner_config: %s is not readable (needs sudo)", main)
			}
			cr.problem("cannot read " + clean(s.Arg))
		}
	}
	if _, ok := cr.files[main]; !ok {
		return nil, fmt.Errorf("mailscanner_config: %s missing from output", main)
	}
	cr.read(main, 0)
	cr.hideSecrets()
	return cr, nil
}

// problem records a line that could not be read as a setting.
func (cr *configReader) problem(s string) {
	if len(cr.out.Problems) < maxConfigProblems {
		cr.out.Problems = append(cr.out.Problems, capString(s, 512))
	}
}

var (
	includeRe = regexp.MustCompile(`(?i)^include\s+(.+)$`)
	settingRe = regexp.MustCompile(`^(.*?)\s*=\s*(.*)$`)
	varDefRe  = regexp.MustCompile(`^%([^%]+)%$`)
	varUseRe  = regexp.MustCompile(`%([^%\s]+)%`)
)

// includeMatch is includeRe.FindStringSubmatch(line), tried only on lines
// that start with an i (of any case: the only letters that fold to i).
func includeMatch(line string) []string {
	if line == "" || line[0] != 'i' && line[0] != 'I' {
		return nil
	}
	return includeRe.FindStringSubmatch(line)
}

// splitSetting matches line with settingRe, returning its key and value
// groups: the text before the first '=' and after it, without the white
// space around the '='. It is written out because it runs on every line
// of every configuration file; TestSplitSettingMatchesPattern holds it
// to the pattern. A line with a newline, which the probe's lines never
// have, goes to the pattern itself.
func splitSetting(line string) (key, value string, ok bool) {
	if strings.Contains(line, "\n") {
		m := settingRe.FindStringSubmatch(line)
		if m == nil {
			return "", "", false
		}
		return m[1], m[2], true
	}
	eq := strings.IndexByte(line, '=')
	if eq < 0 {
		return "", "", false
	}
	k, v := eq, eq+1
	for k > 0 && isREspace(rune(line[k-1])) {
		k--
	}
	for v < len(line) && isREspace(rune(line[v])) {
		v++
	}
	return line[:k], line[v:], true
}

// read reads one file the way MailScanner's ReadConfFile does: comments
// run from # to the end of the line, even inside values; an include line
// reads the matching files there and then, in sorted order, each once; a
// later setting wins.
func (cr *configReader) read(file string, depth int) {
	if cr.seen[file] || depth > maxIncludeDepth {
		return
	}
	cr.seen[file] = true
	cr.out.Files = append(cr.out.Files, file)
	for i, raw := range cr.files[file] {
		line := raw
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(clean(line))
		if line == "" {
			continue
		}
		if m := includeMatch(line); m != nil {
			for _, p := range cr.match(strings.TrimSpace(m[1])) {
				cr.read(p, depth+1)
			}
			continue
		}
		key, raw, ok := splitSetting(line)
		if !ok {
			// the line itself is not kept: it may be a secret pasted alone
			cr.problem(fmt.Sprintf("%s:%d: not a \"key = value\" line (%d characters)", file, i+1, len(line)))
			continue
		}
		value := cr.substitute(raw)
		uses := cr.varsUsed(raw)
		if strings.HasPrefix(key, "%") { // where varDefRe can match
			if v := varDefRe.FindStringSubmatch(key); v != nil {
				cr.vars[strings.ToLower(v[1])] = value
			}
		}
		norm := normaliseKey(key)
		if norm == "" {
			cr.problem(fmt.Sprintf("%s:%d: empty key", file, i+1))
			continue
		}
		if _, exists := cr.out.Values[norm]; !exists && len(cr.out.Values) >= maxConfigValues {
			continue
		}
		cr.out.Values[norm] = fleet.ConfigValue{Key: capString(key, 256), Value: value, File: file, Line: i + 1}
		cr.uses[norm] = uses
	}
}

// varsUsed returns the normalised keys of the defined variables a raw
// value refers to.
func (cr *configReader) varsUsed(raw string) []string {
	var out []string
	if !strings.Contains(raw, "%") { // no use of a variable: most values
		return nil
	}
	for _, m := range varUseRe.FindAllStringSubmatch(raw, -1) {
		if _, ok := cr.vars[strings.ToLower(m[1])]; ok {
			out = append(out, normaliseKey("%"+m[1]+"%"))
		}
	}
	return out
}

// hideSecrets replaces every secret value by its fingerprint. A secret is
// the value of a secret setting (isSecretKey), and also, because either
// one shows the other: every %variable% a secret's value was built from
// (%sqlauth% in "DB Password = %sqlauth%"), and every setting whose value
// was built from a secret variable.
func (cr *configReader) hideSecrets() {
	cr.secret = map[string]bool{}
	for _, k := range secretSettings(cr.out.Values, cr.uses) {
		cr.secret[k] = true
		cv := cr.out.Values[k]
		cv.Value, cv.Secret = fleet.Fingerprint(cv.Value), true
		cr.out.Values[k] = cv
	}
}

// secretSettings returns the keys of values that hold a secret, given
// which variables each value used, sorted.
func secretSettings(values map[string]fleet.ConfigValue, uses map[string][]string) []string {
	secret := map[string]bool{}
	var queue []string
	mark := func(k string) {
		if v, ok := values[k]; ok && !secret[k] && isSecretValue(v.Value) {
			secret[k] = true
			queue = append(queue, k)
		}
	}
	for k := range values {
		if isSecretKey(k) {
			mark(k)
		}
	}
	usedBy := map[string][]string{}
	for k, vars := range uses {
		for _, v := range vars {
			usedBy[v] = append(usedBy[v], k)
		}
	}
	for len(queue) > 0 {
		k := queue[0]
		queue = queue[1:]
		variable := strings.HasPrefix(k, "%")
		if variable || isSecretKey(k) {
			for _, v := range uses[k] {
				mark(v) // a variable the secret was built from
			}
		}
		if variable {
			for _, u := range usedBy[k] {
				mark(u) // a setting that shows the secret variable
			}
		}
	}
	out := make([]string, 0, len(secret))
	for k := range secret {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MaskConfigOutput returns the output of the mailscanner_config command as
// it may be kept on disk (collect --record): comments are cut off, every
// value the parser would hide is replaced by its fingerprint (in every
// definition, variables included), and lines that are not settings are
// replaced, since they may be a secret pasted alone. Output it cannot read
// is returned with nothing but its marker lines.
func MaskConfigOutput(b []byte) []byte {
	cr, err := readConfig(b)
	var out strings.Builder
	inFile := false
	for _, raw := range splitLines(b, 0) {
		if strings.HasPrefix(raw, marker) {
			name, _, _ := strings.Cut(strings.TrimSpace(raw[len(marker):]), " ")
			inFile = name == "file"
			out.WriteString(raw + "\n")
			continue
		}
		if !inFile || err != nil {
			continue
		}
		line := raw
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		trimmed := strings.TrimSpace(clean(line))
		key, value, ok := splitSetting(trimmed)
		switch {
		case trimmed == "" || includeMatch(trimmed) != nil:
			out.WriteString(line)
		case !ok:
			out.WriteString("(line not kept)")
		case cr.secret[normaliseKey(key)]:
			out.WriteString(key + " = " + fleet.Fingerprint(value))
		default:
			out.WriteString(line)
		}
		out.WriteByte('\n')
	}
	return []byte(out.String())
}

// match returns the files printed by the command that pattern names, sorted.
func (cr *configReader) match(pattern string) []string {
	var out []string
	for _, p := range cr.listed {
		if ok, err := path.Match(pattern, p); err == nil && ok {
			out = append(out, p)
		} else if p == pattern {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// substitute replaces %var% with its most recent definition (an unknown
// %name% stays as written). The result is capped at maxConfigValueLen.
func (cr *configReader) substitute(v string) string {
	v = capString(v, maxConfigValueLen)
	if !strings.Contains(v, "%") {
		return v
	}
	var b strings.Builder
	for v != "" && b.Len() < maxConfigValueLen {
		loc := varUseRe.FindStringIndex(v)
		if loc == nil {
			b.WriteString(v)
			break
		}
		b.WriteString(v[:loc[0]])
		name := v[loc[0]+1 : loc[1]-1]
		if r, ok := cr.vars[strings.ToLower(name)]; ok {
			b.WriteString(r)
		} else {
			b.WriteString(v[loc[0]:loc[1]])
		}
		v = v[loc[1]:]
	}
	return capString(b.String(), maxConfigValueLen)
}

// normaliseKey lower-cases a key and keeps only [a-z0-9%], as MailScanner does.
func normaliseKey(k string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(k) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '%' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isSecretKey reports whether a normalised key names a secret: a password,
// passphrase, secret, token, credential, API or licence key, a DSN (which
// may embed a password), or a key ending in pass/pw/key. Settings that only
// mention passwords (Allow Password-Protected Archives) are not secrets.
func isSecretKey(k string) bool {
	k = strings.Trim(k, "%")
	for _, not := range []string{"passwordprotected", "bypass", "passthrough", "keyword", "keep"} {
		if strings.Contains(k, not) {
			return false
		}
	}
	for _, s := range []string{"password", "passwd", "passphrase", "secret", "token", "credential", "apikey", "licensekey", "licencekey", "privatekey", "dsn"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	for _, s := range []string{"pass", "pw", "pwd", "key"} {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// isSecretValue reports whether a value can hold a secret: not empty, not a
// yes/no keyword and not a plain number.
func isSecretValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "yes", "no", "0", "1", "none":
		return false
	}
	return true
}
