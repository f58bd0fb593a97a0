// Package view is what every report format shows, before any format: the
// report's hosts in groups for people and the fact × host-group pivot of
// their differences.
//
// Hosts with the same result share one group (GroupHosts), named as a
// node range such as mail[01-07,09] (Fold). The pivot (BuildPivot) has a
// row per differing fact and a column per group, and each cell says
// whether the group holds the baseline's value, a value of its own, or
// nothing known because the probe behind the fact did not run cleanly. A
// format that shows less than a whole group's result folds further with
// the same Grouper (the terminal's summary lines) or Pivot.Merge (its
// pivot columns).
//
// compare/render (terminal) and compare/ticket (Markdown, HTML) lay this
// model out and choose its words; neither regroups the report itself.
//
// Pipeline stage: rendering. It reads compare.Report only.
package view
