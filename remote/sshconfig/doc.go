// Package sshconfig resolves an inventory host the way "ssh NAME" would:
// it parses ssh_config files (Host and Match blocks, Include), evaluates
// them for one alias, expands tokens and turns the result into a Target,
// the connection the transports of package remote dial. It never touches
// the network.
//
// It imports fleet, nothing else of fleetcheck.
package sshconfig
