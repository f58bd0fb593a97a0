// Package remote is the transport and collection stage of fleetcheck: it
// resolves a host through ssh_config, connects with golang.org/x/crypto/ssh
// (or the system ssh binary, or runs locally), and runs the probes of package
// remote/probe in a few batched sessions, turning their output into a
// fleet.Snapshot.
//
// It imports fleet and its own sub-packages (remote/probe), nothing else of
// fleetcheck: it never sees how facts are compared.
package remote
