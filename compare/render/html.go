package render

import (
	"fmt"
	"html/template"
	"io"

	"github.com/fleetcheck/fleetcheck/compare"
)

// htmlPage is the self-contained page: inline CSS, no scripts, no
// external resources, so it can be attached to a ticket and opened offline.
var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fleetcheck compare</title>
<style>
body{font-family:sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.2em .5em;text-align:left;vertical-align:top;font-size:90%}
th{background:#eee}
code,.fact{font-family:monospace}
.critical{color:#fff;background:#b00020}
.warning{color:#000;background:#f2c200}
.info{color:#fff;background:#1565c0}
.sev{padding:0 .4em;border-radius:3px;font-weight:bold}
.same{color:#999}
li{margin:.15em 0}
</style>
</head>
<body>
<h1>fleetcheck compare</h1>
{{range .Headline}}<p>{{.}}</p>
{{end}}<table>
<tr><th>host</th><th>status</th><th>causes</th><th>top cause</th></tr>
{{range .Summary}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
{{range .Sections}}<h2>{{.Hosts}} ({{.Status}})</h2>
<ul>
{{range .Causes}}<li><span class="sev {{.Severity}}">{{.Severity}}</span> <code>{{.Rule}}</code>: {{.Summary}}
<ul>
{{range .Evidence}}<li><code>{{.}}</code></li>
{{end}}<li>fix: {{.Fix}}</li>
</ul></li>
{{end}}{{if .Unexplained}}<li>unexplained:
<ul>
{{range .Unexplained}}<li><code>{{.}}</code></li>
{{end}}</ul></li>
{{end}}</ul>
{{end}}<h2>Differing facts</h2>
{{if .Pivot.Rows}}<table>
<tr>{{range .Pivot.Header}}<th>{{.}}</th>{{end}}</tr>
{{range .Pivot.Rows}}<tr>{{range $i, $c := .}}<td{{if eq $i 0}} class="fact"{{else if eq $c "="}} class="same"{{end}}>{{$c}}</td>{{end}}</tr>
{{end}}</table>
<p>{{.Pivot.Key}}</p>
{{range .Pivot.Legend}}<p>{{.}}</p>
{{end}}{{else}}<p>No fact differs from the baseline.</p>
{{end}}{{if .Pivot.Skipped}}<p>Not assessed: {{.Pivot.Skipped}}</p>
{{end}}</body>
</html>
`))

type htmlSection struct {
	Hosts       string
	Status      string
	Causes      []compare.Cause
	Unexplained []string
}

type htmlPivot struct {
	Header  []string
	Rows    [][]string
	Key     string
	Legend  []string
	Skipped string
}

// HTML writes the report as one self-contained HTML page (inline CSS, no
// scripts), with the same content as Table. Everything from hosts is
// escaped by html/template.
func HTML(w io.Writer, r *compare.Report, opt TableOptions) error {
	hosts, err := focus(r, opt.Host)
	if err != nil {
		return err
	}
	data := struct {
		Headline []string
		Summary  [][]string
		Sections []htmlSection
		Pivot    htmlPivot
	}{Headline: headline(r)}
	for _, s := range summaryRows(hosts) {
		data.Summary = append(data.Summary, append([]string{hostCell(s.hosts, 60)}, s.cells...))
	}
	for _, s := range sections(hosts) {
		hs := htmlSection{Hosts: Fold(s.hosts), Status: string(s.h.Status), Causes: s.h.Causes}
		for _, f := range s.h.Unexplained {
			hs.Unexplained = append(hs.Unexplained, unexplainedLine(s.h, f))
		}
		data.Sections = append(data.Sections, hs)
	}
	pt := layoutPivot(r, hosts)
	data.Pivot = htmlPivot{Header: pt.header, Rows: pt.rows, Key: pt.key, Legend: pt.legend, Skipped: pt.skipped}
	if err := htmlPage.Execute(w, data); err != nil {
		return fmt.Errorf("write html report: %w", err)
	}
	return nil
}
