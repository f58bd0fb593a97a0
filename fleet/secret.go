package fleet

import (
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprint stands in for a secret in snapshots and reports: "sha256:"
// and the first 12 hex digits of the SHA-256 of the value. Two hosts with
// the same secret show the same fingerprint; the secret itself is never kept.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])[:12]
}
