package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/fleetcheck/fleetcheck/compare"
)

// JSON writes the report as indented JSON followed by a newline. The
// output is stable: the report's slices are already ordered, and HTML
// characters are not escaped so commands read as written.
func JSON(w io.Writer, r *compare.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}
