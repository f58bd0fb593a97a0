// Package render turns a compare.Report into output for people and
// programs: a terminal table (Table) and stable, indented JSON (JSON).
// It reads only the report; it never compares or decides anything. The
// host groups and the fact × host pivot come from package compare/view,
// which the Markdown and HTML of compare/ticket share; this package lays
// them out for a terminal's width.
package render
