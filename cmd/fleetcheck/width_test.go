package main

import (
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

func TestColumns(t *testing.T) {
	for _, tc := range []struct {
		columns  string
		tty      int
		toStdout bool
		want     int
	}{
		{"", 0, true, 0},         // a pipe: the renderer's default
		{"", 120, true, 120},     // the terminal's width
		{"", 120, false, 0},      // -o FILE: not the terminal's
		{"80", 120, true, 80},    // $COLUMNS wins
		{" 72 ", 0, false, 72},   // ... for a file too
		{"wide", 100, true, 100}, // not a number: ignored
		{"-5", 0, true, 0},       // not positive: ignored
		{"0", 90, true, 90},      // not positive: ignored
		{"100000", 0, true, 1e5}, // the renderer bounds what it must
		{"", 0, false, 0},        // nothing known
	} {
		e := &env{stdoutCols: tc.tty, getenv: func(k string) string {
			if k == "COLUMNS" {
				return tc.columns
			}
			return ""
		}}
		if got := e.columns(tc.toStdout); got != tc.want {
			t.Errorf("COLUMNS=%q, terminal %d, to stdout %v: columns %d, want %d", tc.columns, tc.tty, tc.toStdout, got, tc.want)
		}
	}
}

// TestDemoFitsEightyColumns runs the demo as a user with an 80-column
// terminal would ($COLUMNS=80) and checks that no line of it, tables and
// prose, is wider than the terminal.
func TestDemoFitsEightyColumns(t *testing.T) {
	code, out, stderr := runCLI(t, map[string]string{"COLUMNS": "80"}, "demo")
	if code != exitOK {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	checkWidth(t, out, 80)
	if !strings.Contains(out, "| mail02 ") {
		t.Errorf("the demo's tables are missing:\n%s", out)
	}
}

// checkWidth fails for every line of out wider than width display columns.
func checkWidth(t *testing.T, out string, width int) {
	t.Helper()
	cond := &runewidth.Condition{EastAsianWidth: false}
	for i, line := range strings.Split(out, "\n") {
		if n := cond.StringWidth(line); n > width {
			t.Errorf("line %d is %d columns wide, want at most %d:\n%s", i+1, n, width, line)
		}
	}
}
