// Package ticket renders a comparison report as a file to attach to a
// support ticket, a mailing-list post or a change request: Markdown that
// reads well in GitHub, GitLab, Jira and plain-text mail, and one
// self-contained HTML page that works offline, with scripts off and on
// paper.
//
// Both formats show the same things: what was compared, when and by which
// version; each host's ranked causes with evidence and fix; a fact × host
// table of the differences with identical hosts folded into node ranges
// (mail[01-07,09]); and an appendix with each host's key facts, where the
// differing Perl modules come from, and the exact remote commands that
// produced the facts. Text that came from hosts is cleaned (escapes,
// control characters and invalid UTF-8 removed, secrets masked) and
// escaped for the format, so a host cannot inject markup.
//
// Pipeline stage: rendering. It reads compare.Report and fleet.Snapshot
// only; compare/redact rewrites both beforehand when names must go.
package ticket
