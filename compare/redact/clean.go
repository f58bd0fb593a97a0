package redact

import (
	"regexp"
	"strings"

	"github.com/fleetcheck/fleetcheck/fleet/hosttext"
)

// Masked replaces the value of a secret assignment in free text.
const Masked = "[masked]"

// secretAssign matches "password = value" and its kin in free text, such as
// a lint line or a custom probe's output; group 3 is the value.
var secretAssign = regexp.MustCompile(`(?i)(password|passwd|passphrase|secret|apikey|api_key|token)(\s*[=:]\s*)(\S+)`)

// MaskSecrets replaces the value of every secret assignment in s by Masked,
// keeping the key so a reader knows what was there.
func MaskSecrets(s string) string {
	if !mayHoldSecret(s) || !secretAssign.MatchString(s) {
		return s
	}
	return secretAssign.ReplaceAllString(s, "${1}${2}"+Masked)
}

// secretWords are the lower-case stems secretAssign needs; checking for
// them first keeps long clean text (probe scripts) off the slow regexp.
var secretWords = []string{"pass", "secret", "apikey", "api_key", "token"}

func mayHoldSecret(s string) bool {
	if !strings.ContainsAny(s, "=:") {
		return false
	}
	lower := strings.ToLower(s)
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// Clean makes text from a host safe to show anywhere (hosttext.Clean), then
// masks secret assignments.
func Clean(s string) string {
	return MaskSecrets(hosttext.Clean(s))
}
