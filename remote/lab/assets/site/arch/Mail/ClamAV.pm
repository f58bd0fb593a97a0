package Mail::ClamAV;

# fleetlab stand-in for Mail::ClamAV 0.29, the XS binding to libclamav that
# MailScanner's install-Clam-SA.tar.gz builds into the Perl site directory
# (Debian 12 does not package it). It loads and has a version; it scans
# nothing.

use strict;
use vars qw($VERSION);

$VERSION = '0.29';

sub new {
    my $class = shift;
    return bless {}, $class;
}

1;
