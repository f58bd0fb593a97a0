// Package redact makes a comparison report safe to share.
//
// Clean and Sanitize apply to every report, redacted or not: they make
// text that came from hosts safe to show (package hosttext: no terminal
// escapes, control or invisible formatting characters, or invalid UTF-8)
// and mask secret assignments ("password = ...").
//
// A Redactor goes further for reports that leave the organisation: it
// replaces host names, domain names, IPv4 and IPv6 addresses, user names,
// SSH host key fingerprints and caller-given words by stable tokens (host-1,
// domain-2, ip-3, user-1, hostkey-1, word-1), consistently across the report, the snapshots and any other text
// passed through it, and writes the token mapping to a private local file.
//
// Pipeline stage: after compare, before rendering. It imports compare and
// fleet (with fleet/hosttext) only.
package redact
