package compare

import (
	"regexp"
	"strconv"
	"strings"
)

// incList matches the @INC list perl appends to "Can't locate" errors:
// "(@INC contains: DIR ...)" and, from perl 5.38, "(@INC entries checked:
// DIR ...)". A list cut short by a cap has no closing parenthesis.
var incList = regexp.MustCompile(`\(@INC (?:contains|entries checked):([^)]*)(?:\)|$)`)

// ShortINC replaces the @INC list of a perl error with its length, "(@INC:
// 9 dirs)": the list is the same on every line and floods the evidence. The
// findings keep the full text.
func ShortINC(s string) string {
	if !strings.Contains(s, "(@INC ") {
		return s
	}
	return incList.ReplaceAllStringFunc(s, func(m string) string {
		sub := incList.FindStringSubmatch(m)
		n := len(strings.Fields(sub[1]))
		if !strings.HasSuffix(m, ")") {
			return "(@INC: " + strconv.Itoa(n) + "+ dirs)"
		}
		if n == 1 {
			return "(@INC: 1 dir)"
		}
		return "(@INC: " + strconv.Itoa(n) + " dirs)"
	})
}

// tidyCause shortens the @INC lists in what a cause says.
func tidyCause(c *Cause) {
	c.Summary = ShortINC(c.Summary)
	c.Fix = ShortINC(c.Fix)
	for i, e := range c.Evidence {
		c.Evidence[i] = ShortINC(e)
	}
}
