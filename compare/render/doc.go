// Package render turns a compare.Report into output for people and
// programs: a terminal table (Table) and stable, indented JSON (JSON).
// It reads only the report; it never compares or decides anything.
// (Markdown and HTML for tickets live in package compare/ticket.)
package render
