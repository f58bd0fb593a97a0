// Package fleettest holds what tests share: the scenario hosts, CentOS 5
// x86_64 mail gateways running MailScanner 4.66.5 with SpamAssassin 3.2.4
// and ClamAV 0.92 from install-Clam-SA, as in the seed story, with the
// helpers that vary them; the golden-file checks (-update rewrites); and a
// way to test that a test helper fails. Every package's tests build their
// hosts here, so that a fact's shape is written once.
//
// It imports nothing of fleetcheck but package fleet.
package fleettest
