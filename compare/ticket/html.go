package ticket

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/fleetcheck/fleetcheck/compare"
	"github.com/fleetcheck/fleetcheck/fleet"
)

//go:embed report.html.tmpl
var pageSource string

//go:embed report.css
var pageCSS string

//go:embed report.js
var pageJS string

// htmlCellMax caps a table cell in the HTML report, in runes.
const htmlCellMax = 2000

var page = template.Must(template.New("page").Funcs(template.FuncMap{
	"rich": segments,
	"cell": func(s string) string { return capText(s, htmlCellMax) },
	"join": func(s []string) string { return strings.Join(s, ", ") },
	"inc":  func(i int) int { return i + 1 },
}).Parse(pageSource))

// csp allows the page's own style and its one script, by hash, and nothing
// else: no network, no other script even if one got in.
var csp = func() string {
	sum := sha256.Sum256([]byte(pageJS))
	return "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// pageData is what the template sees.
type pageData struct {
	V   *content
	CSP string
	CSS template.CSS
	JS  template.JS
	// Redacted is the note shown when names were replaced.
	Redacted string
	// Note says how to read the differences table.
	Note string
}

// HTML writes the report as one self-contained HTML page: no external
// assets, readable with scripts off (a small inline script only sorts and
// filters tables), printable. Hosts with the same result share one block,
// so the page stays small for large fleets.
func HTML(w io.Writer, r *compare.Report, snaps []*fleet.Snapshot, opt Options) error {
	v, err := build(r, snaps, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, pageData{V: v, CSP: csp, CSS: template.CSS(pageCSS), JS: template.JS(pageJS), Redacted: redactedNote, Note: pivotNote(v)}); err != nil {
		return fmt.Errorf("ticket: render html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("ticket: write html: %w", err)
	}
	return nil
}
