package ticket

import (
	"regexp"
	"strings"
)

// GitHub, GitLab and cmark-gfm's autolink extension turn bare text into
// links: "www." and "http://", "https://", "ftp://" followed by a domain,
// and e-mail addresses (also after "mailto:" or "xmpp:"). Text from hosts
// must not become a link a reader might follow, so the Markdown escapes
// all three, keeping the text as it reads.

// emailLike matches all that the autolink extension may link as an e-mail
// address: letters, digits and . + - _ (none at all after "mailto:" or
// "xmpp:"), an @, and letters, digits, . - and _ with a dot followed by a
// letter or digit somewhere.
var emailLike = regexp.MustCompile(`[A-Za-z0-9.+_-]*@[A-Za-z0-9._-]*\.[A-Za-z0-9][A-Za-z0-9._-]*`)

// unlinkable escapes s with escape, except that each e-mail address in it
// becomes a code span: no backslash stops the autolink extension from
// linking an address, but it links nothing inside code, and a code span
// keeps the address's text as it is.
func unlinkable(s string, escape func(string) string) string {
	locs := emailLike.FindAllStringIndex(s, -1)
	if locs == nil {
		return escape(s)
	}
	var b strings.Builder
	last := 0
	for i, l := range locs {
		if i+1 < len(locs) && locs[i+1][0] == l[1] {
			locs[i+1][0] = l[0] // touching addresses share a span: `` would open another
			continue
		}
		b.WriteString(escape(s[last:l[0]]))
		b.WriteString("`" + s[l[0]:l[1]] + "`")
		last = l[1]
	}
	b.WriteString(escape(s[last:]))
	return b.String()
}

// autolinkAt reports whether the ':' or '.' at s[i] would let a URL or
// www. link start: the colon of "://" or the dot of "www." (any case).
// Escaped with a backslash, it renders as itself and links nothing.
func autolinkAt(s string, i int) bool {
	switch s[i] {
	case ':':
		return strings.HasPrefix(s[i+1:], "//")
	case '.':
		return i >= 3 && strings.EqualFold(s[i-3:i], "www")
	}
	return false
}
