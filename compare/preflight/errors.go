package preflight

import "errors"

// Errors Open wraps; match them with errors.Is. The CLI exits 2 on any.
var (
	// ErrEmpty: the file, archive or directory holds nothing.
	ErrEmpty = errors.New("empty release")
	// ErrCorrupt: the gzip stream or the tar archive cannot be read.
	ErrCorrupt = errors.New("corrupt archive")
	// ErrNotRelease: the file is neither a gzip or tar archive nor a
	// requirements file.
	ErrNotRelease = errors.New("not a MailScanner release or requirements file")
	// ErrNoDists: the release names no Perl distribution Open recognises.
	ErrNoDists = errors.New("no recognisable distributions")
	// ErrTooLarge: the release exceeds Open's bounds on entries or bytes.
	ErrTooLarge = errors.New("release exceeds the reading bounds")
)
