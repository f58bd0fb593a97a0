// Package remote is the transport and collection stage of fleetcheck: it
// connects to a host resolved by remote/sshconfig with golang.org/x/crypto/ssh
// (or the system ssh binary, or runs locally), and runs the probes of package
// remote/probe in a few batched sessions, turning their output into a
// fleet.Snapshot.
//
// It imports fleet and its own sub-packages (remote/probe,
// remote/sshconfig), nothing else of fleetcheck: it never sees how facts
// are compared.
package remote
