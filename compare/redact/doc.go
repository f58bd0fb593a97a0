// Package redact makes a comparison report safe to share.
//
// Clean and Sanitize apply to every report, redacted or not: they make
// text that came from hosts safe to show (package hosttext: no terminal
// escapes, control or invisible formatting characters, or invalid UTF-8)
// and mask secret assignments ("password = ...").
//
// A Redactor goes further for reports that leave the organisation. It
// works on the snapshots a report is built from, by structure: identity
// fields (inventory names, addresses, login users, reported hostnames,
// host key fingerprints) become tokens (host-1, domain-1, ip-1, user-1,
// hostkey-1, word-1 for --redact-word); free text from the hosts (errors,
// lint output, configuration values, process command lines) is searched
// for those identities where they stand alone as a name, and for every
// address literal and fingerprint; the names a report is about (probe
// commands, package, module and file names, versions) are kept. The report
// is then built from the redacted snapshots, so fleetcheck's own words,
// rule ids and fact keys never pass through the Redactor. Each spelling of
// a value has its own token and each inventory host its own, so the
// mapping, written to a private file, turns the report back into the
// unredacted one.
//
// Pipeline stage: between the stored snapshots and compare, and again for
// the report's heading. It imports compare and fleet (with fleet/hosttext) only.
package redact
