// Package render turns a compare.Report into output for people and
// programs: a terminal table (Table), stable indented JSON (JSON), Markdown
// for tickets (Markdown) and a self-contained HTML page (HTML). It reads
// only the report; it never compares or decides anything.
package render
