// Package hosttext makes text that came from a host safe to keep and to
// show: in a snapshot, on a terminal, in Markdown, HTML or JSON. Clean is
// the one sanitiser for host text; the probes, the transport, the reports
// and the command line all use it, so the same bytes from a host read the
// same everywhere.
//
// Clean keeps printable text byte for byte, including tabs, newlines and
// any printable Unicode, and changes only what could hide, fake or reorder
// what a reader sees:
//
//   - Invalid UTF-8: each run of invalid bytes becomes one U+FFFD, so a
//     reader sees that something was there and words do not run together.
//   - Terminal escape sequences are removed whole, as a terminal's parser
//     (ECMA-48, xterm) reads them: CSI (ESC [, parameter and intermediate
//     bytes, one final byte); the string sequences OSC, DCS, SOS, PM and APC
//     (ESC ] P X ^ _) up to ST (ESC \), or BEL for OSC; ESC, intermediate
//     bytes and a final byte (ESC ( B); and two-byte sequences (ESC c,
//     ESC 7). A sequence cut short by the end of the text runs to its end.
//     One broken by a byte that cannot belong to it (a control or non-ASCII
//     byte in a CSI, CAN, SUB or another ESC in a string) ends before that
//     byte, which is then read afresh; an ESC followed by anything else is
//     removed alone.
//   - Control characters are removed, except tab and newline: the rest of
//     C0 (carriage return too, so "\r\n" becomes "\n" and a progress line
//     cannot overwrite what came before it), DEL, and C1 (U+0080 to U+009F,
//     whose U+009B starts a sequence on some terminals).
//   - Invisible formatting is removed: every Unicode format character
//     (category Cf: the bidirectional embeddings, overrides, isolates and
//     marks U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F and U+061C,
//     which can make text read in another order than it is stored; the
//     zero-width space and joiners; the word joiner; the byte order mark;
//     the soft hyphen; tag characters), and the line and paragraph
//     separators U+2028 and U+2029, so that newline is the only line break.
//
// Clean is idempotent, and its output is valid UTF-8 holding none of the
// characters above. It does not trim, fold or shorten text; that is for
// the reader of a particular field to decide.
//
// The package is a leaf: it imports no other fleetcheck package, so the
// remote and compare stages can both use it.
package hosttext
