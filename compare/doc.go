// Package compare is the explaining stage of fleetcheck: it diffs every
// host's snapshot against a baseline (a host, a saved snapshot or the fleet's
// majority), turns the differences into typed findings and runs an ordered
// table of pure rules over them to name the likely causes, ranked by severity.
//
// It returns values and never prints; package compare/render turns a Report
// into a terminal table or JSON. It imports only package fleet and the
// standard library.
package compare
