#!/usr/bin/perl
# fleetlab tarpit: accepts TCP connections on ADDRESS:PORT and never sends a
# byte, like a host whose sshd is wedged. Started and stopped by remote/lab
# (tracked by PID). Usage: tarpit.pl ADDRESS PORT
use strict;
use IO::Socket::INET;
my($addr, $port) = @ARGV;
my $srv = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => $port,
  Proto => 'tcp', Listen => 128, ReuseAddr => 1)
  or die "tarpit: listen $addr:$port: $!\n";
my @held;
while (1) {
  my $c = $srv->accept or next;
  push @held, $c;
  shift @held while @held > 500;
}
