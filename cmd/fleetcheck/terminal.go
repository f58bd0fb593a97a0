package main

import (
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// columns is the width terminal output aims for: $COLUMNS when it is a
// positive number, else the width of the terminal on stdout when the output
// goes there (toStdout), else 0, which lets the renderer use its default.
func (e *env) columns(toStdout bool) int {
	if n, err := strconv.Atoi(strings.TrimSpace(e.getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	if toStdout {
		return e.stdoutCols
	}
	return 0
}

// terminalColumns is the width of the terminal f is, or 0 when f is not a
// terminal.
func terminalColumns(f interface{ Fd() uintptr }) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
