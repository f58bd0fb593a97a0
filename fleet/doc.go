// Package fleet is the first and last stage of a fleetcheck run: it reads the
// inventory, fans a collect function out over the selected hosts with bounded
// parallelism and per-host deadlines, and stores the resulting snapshots in a
// run directory.
//
// It knows nothing of SSH and imports no other fleetcheck package: the
// function that gathers one host's snapshot is passed to Run as a value.
// The snapshot and fact types defined here are the contract between the
// probes (package remote) and the comparison (package compare).
package fleet
