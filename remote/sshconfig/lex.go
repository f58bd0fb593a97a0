package sshconfig

import (
	"errors"
	"strings"
)

// whitespace is what ssh treats as white space in configuration lines.
const whitespace = " \t\r\n"

// errQuotes is a line whose quotes do not close.
var errQuotes = errors.New("invalid quotes")

// strdelim splits the next token off s as ssh's strdelim does: a token
// ends at white space, a double quote or one '=' (a quoted token keeps
// what is inside the quotes); the white space after it, and one '=' that
// follows that white space, are skipped. rest is "" and more false when
// nothing follows; ok is false when a quote does not close.
func strdelim(s string) (tok, rest string, more, ok bool) {
	i := strings.IndexAny(s, whitespace+`"=`)
	if i < 0 {
		return s, "", false, true
	}
	if s[i] == '"' {
		body := s[:i] + s[i+1:]
		j := strings.IndexByte(body[i:], '"')
		if j < 0 {
			return "", "", false, false
		}
		j += i
		return body[:j], strings.TrimLeft(body[j+1:], whitespace), true, true
	}
	eq := s[i] == '='
	tok, rest = s[:i], strings.TrimLeft(s[i+1:], whitespace)
	if !eq && strings.HasPrefix(rest, "=") {
		rest = strings.TrimLeft(rest[1:], whitespace)
	}
	return tok, rest, true, true
}

// argvSplit splits s into arguments as ssh's argv_split does: white space
// separates, single or double quotes group, a backslash escapes a quote, a
// backslash or (outside quotes) a space, and a '#' that starts an
// argument ends the line.
func argvSplit(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' || s[i] == '\t' {
			continue
		}
		if s[i] == '#' {
			break
		}
		var b strings.Builder
		var quote byte
		for ; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s) && (s[i+1] == '\'' || s[i+1] == '"' || s[i+1] == '\\' || (quote == 0 && s[i+1] == ' ')):
				i++
				b.WriteByte(s[i])
				continue
			case quote == 0 && (c == ' ' || c == '\t'):
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
				continue
			case quote != 0 && c == quote:
				quote = 0
				continue
			default:
				b.WriteByte(c)
				continue
			}
			break
		}
		if i >= len(s) && quote != 0 {
			return nil, errQuotes
		}
		out = append(out, b.String())
	}
	return out, nil
}

// splitLine splits one configuration line the way ssh's
// process_config_line does: trailing white space is dropped, the keyword
// is the first token (lower-cased), rest is what follows it (ProxyCommand
// and ProxyJump take it whole) and args are rest split into arguments.
// A blank or comment line has keyword "".
func splitLine(raw string) (keyword, rest string, args []string, err error) {
	line := strings.TrimRight(raw, whitespace+"\f")
	if line == "" {
		return "", "", nil, nil
	}
	kw, str, more, ok := strdelim(line)
	if !ok {
		return "", "", nil, errQuotes
	}
	if kw == "" && more {
		kw, str, more, ok = strdelim(str)
		if !ok {
			return "", "", nil, errQuotes
		}
	}
	if kw == "" || kw[0] == '#' {
		return "", "", nil, nil
	}
	keyword = strings.ToLower(kw)
	if !more {
		str = ""
	}
	rest = strings.TrimLeft(str, whitespace)
	if rest == "" {
		return keyword, "", nil, errors.New("no argument after keyword")
	}
	args, err = argvSplit(rest)
	return keyword, rest, args, err
}
