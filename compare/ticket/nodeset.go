package ticket

import "github.com/fleetcheck/fleetcheck/compare/render"

// Fold writes host names as node ranges, the way ClusterShell does:
// mail01 … mail07 and mail09 become "mail[01-07,09]". It is the terminal
// table's folding, so every format names host groups alike.
func Fold(names []string) string { return render.Fold(names) }
